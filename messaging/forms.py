from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from messaging.models import ProactiveReason, ReportReason, Topic


class ReplyForm(forms.Form):
    # Length and emptiness are the send service's rules (after line breaks are normalized),
    # so the page and the API refuse exactly the same bodies.
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": settings.MESSAGE_MAX_LENGTH}),
        required=False,
        strip=False,
    )


class StartThreadForm(ReplyForm):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Topic.choices)

    field_order = ["topic", "body"]


class ProactiveMessageForm(ReplyForm):
    """A seller writing first: a permitted reason (the service checks it is available now)."""

    reason = forms.ChoiceField(label=_("Reason"), choices=ProactiveReason.choices)

    field_order = ["reason", "body"]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting it?"), choices=ReportReason.choices)
    note = forms.CharField(label=_("Anything to add (optional)"), required=False, max_length=500)


class MessagingPreferencesForm(forms.Form):
    receive_unsolicited = forms.BooleanField(
        label=_("Receive messages sellers start about my orders"),
        help_text=_(
            "Messages about delivery scheduling, customization or an unexpected problem with "
            "an order always arrive, and replies to your own messages are never stopped."
        ),
        required=False,
    )
