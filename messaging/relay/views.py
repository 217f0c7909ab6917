"""The inbound webhook of an email provider (Mailgun, through django-anymail): thin view.

Anymail checks the signature (``ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"]``; a bad one answers 400);
a signature whose timestamp is stale or whose token was used before answers 400 too. Each email
is then stored and processed after commit by a Celery task, exactly like mail that reaches the
SMTP listener.
"""

import json
from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from messaging.models import InboundEmail
from messaging.relay.services import inbound_email_accept, inbound_webhook_token_use


def _signature_fields(request: HttpRequest) -> tuple[str, str]:
    """The signed timestamp and token, read where anymail read them to check the signature."""
    if request.content_type == "application/json":
        try:
            block = json.loads(request.body.decode())["signature"]
            return str(block["timestamp"]), str(block["token"])
        except (KeyError, TypeError, ValueError):
            return "", ""
    return request.POST.get("timestamp", ""), request.POST.get("token", "")


class InboundEmailWebhookView(MailgunInboundWebhookView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.run_validators(request)
        # Mailgun signs the timestamp and token, not the email: a captured signature would
        # otherwise carry any email, any number of times.
        timestamp, token = _signature_fields(request)
        with transaction.atomic():
            if not inbound_webhook_token_use(token=token, timestamp=timestamp):
                raise AnymailWebhookValidationFailure(
                    "Mailgun webhook called with a stale or already used signature"
                )
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
