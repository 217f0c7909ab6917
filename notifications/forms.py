from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import DigestInterval, NotificationMode, UndoSendSeconds


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Email me"), choices=NotificationMode.choices, widget=forms.RadioSelect
    )
    digest_interval_minutes = forms.TypedChoiceField(
        label=_("Digest frequency"), choices=DigestInterval.choices, coerce=int
    )


class UndoSendForm(forms.Form):
    seconds = forms.TypedChoiceField(
        label=_("After I send a message, let me undo it for"),
        choices=UndoSendSeconds.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )


class AddressForm(forms.Form):
    email = forms.EmailField(label=_("Team member's email address"), max_length=254)


class WebhookEndpointForm(forms.Form):
    # Checked by the service (notifications.webhooks.url_check), which the API can share.
    url = forms.CharField(label=_("Endpoint URL"), max_length=500)
