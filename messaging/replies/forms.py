"""The saved reply form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Language


class SavedReplyForm(forms.Form):
    """A seller's saved reply. Lengths, names and placeholders are the services' rules."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        help_text=_("Only you see it, e.g. “Late delivery”."),
        widget=forms.TextInput(attrs={"maxlength": 80, "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        help_text=_("The language the reply is written in."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        help_text=_(
            "Placeholders filled in for each conversation: {buyer_name}, {order_number}, "
            "{item} (the first item of the order, or the product asked about). "
            "Write {{ and }} to show braces as they are."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": settings.MESSAGE_MAX_LENGTH}),
    )
