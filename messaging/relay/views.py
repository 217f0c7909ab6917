"""The inbound webhook of an email provider (Mailgun, through django-anymail): thin view.

Anymail checks the signature (``ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"]``; a bad one answers 400)
and parses the post; each email is then stored and processed after commit by a Celery task,
exactly like mail that reaches the SMTP listener.
"""

from typing import Any

from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from messaging.models import InboundEmail
from messaging.relay.services import inbound_email_accept


class InboundEmailWebhookView(MailgunInboundWebhookView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.run_validators(request)
        for event in self.parse_events(request):
            message = event.message
            inbound_email_accept(
                raw=message.as_bytes(),
                source=InboundEmail.Source.MAILGUN,
                envelope_from=message.envelope_sender,
                recipients=[message.envelope_recipient] if message.envelope_recipient else [],
                process_now=False,
            )
        return HttpResponse()


_view = InboundEmailWebhookView.as_view()


@csrf_exempt
def mailgun_inbound(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Receive emails Mailgun forwards to this site; 404 where Mailgun is not configured."""
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404
    return _view(request, *args, **kwargs)
