"""Internal notes of a seller's team in a thread: written, listed, @mentions notified.

A note is the team's alone. Only the seller's side of a thread reaches these functions (the
buyer's side is a uniform 404), and nothing here touches what the buyer can see: no message,
no unread count, no response clock, no webhook. A note's words go into the shop's search
document of the thread, in the note's transaction, so the team finds the thread by them; the
buyer's document never gets them. The shop's evidence export of the thread lists the notes
apart from the conversation; the buyer's has none.

``@Name`` mentions a member of the team (or the shop's own account) by display name, as the
team page shows it; each person mentioned is emailed once per note, as their notification
settings say.
"""

import re
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator

from accounts.models import ShopMember, User
from core.errors import ApplicationError, NotFound
from messaging.models import Participant, ParticipantRole, ThreadNote
from messaging.search import services as search
from messaging.threads.links import thread_link
from messaging.threads.selectors import participant_get
from notifications.models import NotificationKind
from notifications.services import notify


def _seller_side(participant: Participant) -> None:
    if participant.role != ParticipantRole.SELLER:
        raise NotFound("No such conversation.")


def team_side_get(*, user: User, thread_id: int) -> Participant:
    """The shop's side of one of its threads; a uniform 404 for anyone else (the buyer too)."""
    participant = participant_get(user=user, thread_id=thread_id)
    _seller_side(participant)
    return participant


def note_list(*, participant: Participant) -> QuerySet[ThreadNote]:
    """The team's notes in the thread, oldest first (the seller's side only)."""
    _seller_side(participant)
    return (
        ThreadNote.objects.filter(thread_id=participant.thread_id)
        .select_related("author")
        .order_by("created_at", "id")
    )


def team_people(*, shop: User) -> list[User]:
    """Who a note can mention: the shop's own account and its members."""
    members = [m.user for m in ShopMember.objects.filter(shop=shop).select_related("user")]
    return [shop, *members]


def mentioned(body: str, people: list[User]) -> list[User]:
    """The people ``@Display Name`` names in the body (longest names first, each once)."""
    found: list[User] = []
    lowered = body.casefold()
    for person in sorted(people, key=lambda p: len(p.display_name), reverse=True):
        name = person.display_name.strip().casefold()
        if not name:
            continue
        pattern = r"(?<![\w@])@" + re.escape(name) + r"(?![\w])"
        if re.search(pattern, lowered):
            found.append(person)
    return found


@transaction.atomic
def note_add(
    *, participant: Participant, author: User, body: str, now: datetime | None = None
) -> ThreadNote:
    """Write a note in the thread for the team, searchable by it; email the people it @mentions."""
    _seller_side(participant)
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ApplicationError(
            "empty_body", "Write the note first.", fields={"body": ["Write the note first."]}
        )
    if len(text) > ThreadNote.MAX_LENGTH:
        detail = (
            f"A note can have at most {ThreadNote.MAX_LENGTH:,} characters "
            f"(this one has {len(text):,})."
        )
        raise ApplicationError("body_too_long", detail, fields={"body": [detail]})
    shop = participant.user
    note = ThreadNote.objects.create(
        thread_id=participant.thread_id, author=author, body=text, created_at=now or timezone.now()
    )
    search.note_document_append(note=note, participant=participant)
    people = [p for p in mentioned(text, team_people(shop=shop)) if p.pk != author.pk]
    if people:
        note.mentions.set(people)
    thread = participant.thread
    for person in people:
        with translation.override(person.language):
            subject = str(thread.subject)
        notify(
            recipient=person,
            kind=NotificationKind.TEAM_MENTION,
            dedupe_key=f"team_mention:{note.pk}:{person.pk}",
            context={
                "author": author.display_name,
                "shop_name": shop.public_name,
                "subject": subject,
                "excerpt": Truncator(text).chars(300),
                "thread_url": thread_link(thread.pk, for_seller=True),
            },
        )
    return note
