from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from messaging.models import Topic


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=settings.MESSAGE_MAX_LENGTH,
        strip=True,
    )


class StartThreadForm(ReplyForm):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Topic.choices)

    field_order = ["topic", "body"]
