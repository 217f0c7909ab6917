"""The record of what a seller's team did to the shop's threads, for the team's eyes only.

A member's actions are recorded as they are made (``acting_member_id``: the person behind the
request), and every assignment, by whoever made it. The shop's own account working alone
leaves no trail: there is nobody to tell. The buyer never sees any of it.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.members import acting_member_id
from accounts.models import User
from messaging.models import TeamActivity, TeamActivityKind

# How many of a thread's latest actions its page shows.
SHOWN = 10


def team_activity_record(
    *,
    thread_ids: Iterable[int],
    kind: str,
    assignee: User | None = None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Record one action on a shop's threads (its side), if a member of its team made it.

    ``actor_id`` names the person where it is not the member behind the request (an
    assignment made by the shop's own account). Callers record the seller's side only.
    """
    actor_id = actor_id or acting_member_id()
    if actor_id is None:
        return
    moment = now or timezone.now()
    TeamActivity.objects.bulk_create(
        TeamActivity(
            thread_id=thread_id,
            actor_id=actor_id,
            kind=kind,
            assignee=assignee,
            created_at=moment,
        )
        for thread_id in sorted(set(thread_ids))
    )


def team_activity_list(*, thread_id: int, limit: int = SHOWN) -> list[TeamActivity]:
    """The thread's latest actions by its team, newest first (one query)."""
    return list(
        TeamActivity.objects.filter(thread_id=thread_id)
        .select_related("actor", "assignee")
        .order_by("-created_at", "-id")[:limit]
    )


def team_activity_text(activity: TeamActivity) -> str:
    """One line of the thread's activity, in the current language: who did what."""
    who = activity.actor.display_name if activity.actor is not None else _("Former member")
    if activity.kind == TeamActivityKind.ASSIGNED:
        whom = (
            activity.assignee.display_name if activity.assignee is not None else _("Former member")
        )
        return _("%(who)s assigned the conversation to %(whom)s") % {"who": who, "whom": whom}
    sentences = {
        TeamActivityKind.UNASSIGNED: _("%(who)s unassigned the conversation"),
        TeamActivityKind.ARCHIVED: _("%(who)s archived the conversation"),
        TeamActivityKind.UNARCHIVED: _("%(who)s moved the conversation back to the inbox"),
        TeamActivityKind.MARKED_UNREAD: _("%(who)s marked the conversation unread"),
        TeamActivityKind.NO_RESPONSE_NEEDED: _(
            "%(who)s marked the conversation as needing no response"
        ),
        TeamActivityKind.TRASHED: _("%(who)s deleted the conversation"),
        TeamActivityKind.RESTORED: _("%(who)s restored the conversation"),
    }
    return sentences[TeamActivityKind(activity.kind)] % {"who": who}
