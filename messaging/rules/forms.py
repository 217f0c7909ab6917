"""Forms of the marketplace rules: a proactive message, a buyer's messaging preferences."""

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import ProactiveReason
from messaging.threads.forms import ReplyForm


class ProactiveMessageForm(ReplyForm):
    """A seller writing first: a permitted reason (the service checks it is available now)."""

    reason = forms.ChoiceField(label=_("Reason"), choices=ProactiveReason.choices)

    field_order = ["reason", "body"]


class MessagingPreferencesForm(forms.Form):
    receive_unsolicited = forms.BooleanField(
        label=_("Receive messages sellers start about my orders"),
        help_text=_(
            "Messages about delivery scheduling, customization or an unexpected problem with "
            "an order always arrive, and replies to your own messages are never stopped."
        ),
        required=False,
    )
