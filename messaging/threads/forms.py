"""Forms of the conversation pages: the reply box, starting a thread, the inbox filters."""

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from messaging.models import Topic
from messaging.search.selectors import ASSIGNEE_NONE, MAX_QUERY_LENGTH, ThreadFilters


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


class InboxFilterForm(forms.Form):
    """Search and filters above an inbox folder (a GET form: works without JavaScript)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("Any topic")), *Topic.choices], required=False
    )
    date_from = forms.DateField(
        label=_("Active from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Active until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(
        self,
        *args: Any,
        seller_view: bool = False,
        assignees: Sequence[User] = (),
        **kwargs: Any,
    ) -> None:
        """``assignees``: the people of a seller's team (no filter by assignee without one)."""
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = (
            _("An order number, a buyer's name or words in the messages.")
            if seller_view
            else _("An order number, a seller's name or words in the messages.")
        )
        if assignees:
            field = self.fields["assignee"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                ("", _("Anyone or no one")),
                (ASSIGNEE_NONE, _("No one")),
                *((str(person.pk), person.display_name) for person in assignees),
            ]
        else:
            del self.fields["assignee"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> ThreadFilters:
        """The valid form as selector filters; dates are whole days in the current time zone."""
        zone = timezone.get_current_timezone()
        start, end = self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        return ThreadFilters(
            text=self.cleaned_data["q"],
            topic=self.cleaned_data["topic"],
            active_from=datetime.combine(start, time.min, zone) if start else None,
            active_before=(
                datetime.combine(end + timedelta(days=1), time.min, zone) if end else None
            ),
            assignee=self.cleaned_data.get("assignee", ""),
        )
