"""Assigning a shop's threads to the people of its team.

A thread of the shop is assigned to one person of the team (a member who can reply, or the
shop's own account) or to no one. A buyer's new message in an assigned thread is emailed to
the assignee, as their own notification settings say; an unassigned one goes to the shop's
addresses as before (``messaging.threads.delivery``).
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.members import acting_member_id
from accounts.models import MemberRole, ShopMember, User
from core.errors import ApplicationError, NotFound
from messaging.models import Participant, ParticipantRole, TeamActivityKind
from messaging.team.activity import team_activity_record
from messaging.threads.live import inbox_version_bump


def assignee_choices(*, shop: User) -> list[User]:
    """Who a thread of the shop can be assigned to: the shop's account, then its repliers."""
    repliers = [
        member.user
        for member in ShopMember.objects.filter(shop=shop)
        .exclude(role=MemberRole.VIEWER)
        .select_related("user")
        .order_by("user__display_name", "id")
    ]
    return [shop, *repliers]


def _assignee(*, shop: User, assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    for person in assignee_choices(shop=shop):
        if person.pk == assignee_id:
            return person
    if ShopMember.objects.filter(shop=shop, user_id=assignee_id).exists():
        # On the team, but a viewer: reads only.
        detail = _("Pick someone of the team who can reply.")
        raise ApplicationError("invalid_assignee", detail, fields={"assignee": [detail]})
    raise NotFound(_("No such person in the team."))


@transaction.atomic
def threads_assign(
    *, shop: User, thread_ids: Sequence[int], assignee_id: int | None
) -> list[Participant]:
    """Assign the shop's threads (one or many) to a person of the team, or unassign them.

    Every id must be one of the shop's threads, or nothing changes (404). Threads in Trash
    can be assigned too: a new message brings them back to the inbox, to their assignee.
    """
    ids = sorted(set(thread_ids))
    if not ids:
        raise ApplicationError("no_threads", _("Tick at least one conversation."))
    assignee = _assignee(shop=shop, assignee_id=assignee_id)
    rows = list(
        Participant.objects.select_for_update()
        .filter(user=shop, role=ParticipantRole.SELLER, thread_id__in=ids)
        # Deleted for good: as if it never was theirs.
        .exclude(is_deleted=True, trashed_at__isnull=True, purged_at__isnull=False)
        .order_by("id")
    )
    if len(rows) != len(ids):
        raise NotFound("No such conversation.")
    Participant.objects.filter(pk__in=[row.pk for row in rows]).update(assignee=assignee)
    for row in rows:
        row.assignee = assignee
    team_activity_record(
        thread_ids=ids,
        kind=TeamActivityKind.ASSIGNED if assignee is not None else TeamActivityKind.UNASSIGNED,
        assignee=assignee,
        actor_id=acting_member_id() or shop.pk,
    )
    # The team's open inboxes: *Mine* and *Unassigned* changed for someone.
    inbox_version_bump(user_ids=[shop.pk])
    return rows
