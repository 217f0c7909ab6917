"""The form a buyer reports a message with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting it?"), choices=ReportReason.choices)
    note = forms.CharField(label=_("Anything to add (optional)"), required=False, max_length=500)
