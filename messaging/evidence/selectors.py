"""Reads of evidence exports and of what an export may contain.

Scoping to the requester is the permission check: another user's export is a 404. What a
participant's export shows comes from the thread page's own selector
(``message_list_for_participant``), so the export can never show more than the page does;
the team's internal notes come from the notes panel's own selector, for the seller's side only.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from accounts.models import User
from core.errors import NotFound
from messaging.evidence import links
from messaging.evidence.signing import signing_available
from messaging.models import (
    EvidenceExport,
    EvidenceScope,
    EvidenceStatus,
    Message,
    ModerationAction,
    ModerationCase,
    Participant,
    ParticipantRole,
    ThreadNote,
)
from messaging.team.notes import note_list
from messaging.threads.selectors import message_list_for_participant


def export_get_for_user(*, user: User, export_id: int | str) -> EvidenceExport:
    """Fetch an export the user asked for, or raise NotFound whether or not it exists."""
    try:
        pk = int(export_id)
    except (TypeError, ValueError):
        raise NotFound("No such export.") from None
    export = EvidenceExport.objects.filter(pk=pk, requested_by=user).first()
    if export is None:
        raise NotFound("No such export.")
    return export


def export_latest_for_thread(*, user: User, thread_id: int) -> EvidenceExport | None:
    """Return the user's newest participant export of a thread, for the thread page."""
    return (
        EvidenceExport.objects.filter(
            requested_by=user, thread_id=thread_id, scope=EvidenceScope.PARTICIPANT
        )
        .order_by("-created_at", "-id")
        .first()
    )


def export_count_since(*, user: User, since: object) -> int:
    """Count the exports a user asked for since a moment (the daily allowance)."""
    return EvidenceExport.objects.filter(requested_by=user, created_at__gte=since).count()


def export_get_for_build(*, export_id: int) -> EvidenceExport:
    """Load an export with its thread, parties and order, as the builder reads them."""
    return EvidenceExport.objects.select_related(
        "requested_by__seller_profile",
        "thread__order",
        "thread__product",
        "thread__buyer",
        "thread__seller__seller_profile",
    ).get(pk=export_id)


def evidence_messages(*, export: EvidenceExport) -> QuerySet[Message]:
    """List the messages an export contains, oldest first, with senders and files.

    A participant's: exactly those the thread page shows them (the page's own selector).
    Staff's: every message, blocked ones included, with who reviewed it.
    """
    if export.scope == EvidenceScope.PARTICIPANT:
        participant = Participant.objects.filter(
            thread_id=export.thread_id, user_id=export.requested_by_id
        ).first()
        if participant is None:
            raise NotFound("No such conversation.")
        return message_list_for_participant(participant=participant)
    return (
        Message.objects.filter(thread_id=export.thread_id)
        .select_related("sender__seller_profile", "reviewed_by")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def evidence_notes(
    *, export: EvidenceExport, participant: Participant | None
) -> QuerySet[ThreadNote] | None:
    """The team's internal notes an export contains, oldest first, or None: it has none.

    Only the seller's side's own export (the shop, whichever member asked) has them, as the
    thread page's notes panel shows them; the buyer's and staff's never do.
    """
    if (
        export.scope != EvidenceScope.PARTICIPANT
        or participant is None
        or participant.user_id != export.requested_by_id
        or participant.role != ParticipantRole.SELLER
    ):
        return None
    return note_list(participant=participant)


def evidence_participants(*, thread_id: int) -> dict[str, Participant]:
    """Both sides of a thread by role, with when each last read it."""
    rows = Participant.objects.filter(thread_id=thread_id).only(
        "id", "thread_id", "user_id", "role", "last_read_at"
    )
    return {row.role: row for row in rows}


@dataclass
class MessageModeration:
    """What staff did and were told about one message: its cases (reports) and the audit trail."""

    cases: list[ModerationCase] = field(default_factory=list)
    actions: list[ModerationAction] = field(default_factory=list)


def moderation_by_message(*, thread_id: int) -> dict[int, MessageModeration]:
    """The moderation cases and actions of a thread's messages, by message id (staff only)."""
    found: dict[int, MessageModeration] = defaultdict(MessageModeration)
    cases = (
        ModerationCase.objects.filter(message__thread_id=thread_id)
        .select_related("reporter", "resolved_by")
        .order_by("created_at", "id")
    )
    for case in cases:
        if case.message_id is not None:
            found[case.message_id].cases.append(case)
    actions = (
        ModerationAction.objects.filter(message__thread_id=thread_id)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for action in actions:
        if action.message_id is not None:
            found[action.message_id].actions.append(action)
    return dict(found)


def export_panel(*, user: User, thread_id: int) -> dict[str, object] | None:
    """What the thread page's evidence box shows: the reader's newest export, if any.

    None where exports are off (no signing key): the box is not shown.
    """
    if not signing_available():
        return None
    export = export_latest_for_thread(user=user, thread_id=thread_id)
    if export is not None and export.status == EvidenceStatus.EXPIRED:
        export = None
    return {
        "export": export,
        "status_url": links.export_status_path(export) if export is not None else "",
        "download_url": links.export_download_path(export) if export is not None else None,
    }
