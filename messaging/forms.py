from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from messaging.models import Topic


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
