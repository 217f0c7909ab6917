"""What one export contains, read once and shaped for the PDF and the manifest alike.

Nothing here decides visibility: the messages come from ``selectors.evidence_messages`` (for a
participant, the thread page's own selector). This module only chooses which of their details
a reader may see: the policy's findings on their own blocked messages (the send showed them),
whether they read the other side's messages; staff also get the review, the reports and the
moderation trail of every message, and both sides' read state. The shop's export also holds
its team's internal notes (``selectors.evidence_notes``), apart from the conversation; the
buyer's never does.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accounts.models import User
from messaging.evidence import selectors
from messaging.models import (
    Attachment,
    EvidenceExport,
    EvidenceScope,
    Message,
    MessageStatus,
    Participant,
    ParticipantRole,
    Thread,
)
from orders.models import Order

_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")


def archive_name(attachment: Attachment) -> str:
    """The file's path inside the ZIP: its id (unique) and its name, made safe for any unzip."""
    name = _UNSAFE_NAME.sub("_", attachment.name).strip(" .") or "file"
    return f"attachments/{attachment.pk}-{name[:120]}"


@dataclass
class FileEntry:
    attachment_id: int
    name: str
    content_type: str
    size: int
    sha256_at_upload: str
    path: str
    storage_name: str
    thumbnail_name: str
    is_image: bool
    # Filled in while the file is copied into the ZIP.
    sha256: str = ""
    missing: bool = False

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": self.attachment_id,
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256 or self.sha256_at_upload,
            "path": None if self.missing else self.path,
        }
        if self.missing:
            entry["missing"] = True
        elif self.sha256 and self.sha256 != self.sha256_at_upload:
            # Kept as evidence too: the stored bytes are not those checked at upload.
            entry["sha256_at_upload"] = self.sha256_at_upload
        return entry


@dataclass
class MessageEntry:
    id: int
    created_at: datetime
    sender_role: str
    sender_name: str
    is_from_reader: bool
    kind: str
    kind_label: str
    status: str
    status_label: str
    body: str
    files: list[FileEntry]
    # Whether the recipient had opened the thread since it arrived: for a participant only
    # their own reading of the other side's messages (the page shows no read receipts).
    read_by_recipient: bool | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] | None = None
    cases: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_delivered(self) -> bool:
        return self.status == MessageStatus.DELIVERED

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "sender": {"role": self.sender_role, "name": self.sender_name},
            "kind": self.kind,
            "status": self.status,
            "body": self.body,
            "read_by_recipient": self.read_by_recipient,
            "attachments": [file.as_json() for file in self.files],
        }
        if self.findings:
            entry["findings"] = self.findings
        if self.review is not None:
            entry["review"] = self.review
        if self.cases or self.actions:
            entry["moderation"] = {"cases": self.cases, "actions": self.actions}
        return entry


@dataclass
class NoteEntry:
    """An internal note of the seller's team: in the team's own exports only."""

    id: int
    created_at: datetime
    # None: the author's account is gone.
    author_name: str | None
    body: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "author": {"name": self.author_name},
            "body": self.body,
        }


@dataclass
class Evidence:
    export: EvidenceExport
    thread: Thread
    reader: User
    reader_role: str  # buyer, seller, or staff
    messages: list[MessageEntry]
    last_read: dict[str, datetime | None]  # by role; staff exports only
    # The team's internal notes, oldest first; None where the reader is not the seller's team
    # (the buyer, staff): their export has no notes section at all.
    notes: list[NoteEntry] | None = None

    @property
    def is_staff_export(self) -> bool:
        return self.export.scope == EvidenceScope.STAFF

    @property
    def order(self) -> Order | None:
        return self.thread.order

    @property
    def files(self) -> list[FileEntry]:
        return [file for message in self.messages for file in message.files]


def _sender_name(message: Message) -> str:
    return message.sender.public_name if message.sender is not None else "Marketplace"


def _file_entries(message: Message) -> list[FileEntry]:
    return [
        FileEntry(
            attachment_id=attachment.pk,
            name=attachment.name,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256_at_upload=attachment.sha256,
            path=archive_name(attachment),
            storage_name=attachment.file.name or "",
            thumbnail_name=attachment.thumbnail.name or "",
            is_image=attachment.is_image,
        )
        for attachment in message.attachments.all()
    ]


def _read(message: Message, recipient: Participant | None) -> bool | None:
    if recipient is None or message.status != MessageStatus.DELIVERED:
        return None
    return recipient.last_read_at is not None and recipient.last_read_at >= message.created_at


def _staff_details(message: Message, moderation: selectors.MessageModeration | None) -> dict:
    review = None
    if message.review_outcome or message.status == MessageStatus.BLOCKED:
        review = {
            "outcome": message.review_outcome or "pending",
            "reviewed_by": message.reviewed_by.email if message.reviewed_by else None,
            "reviewed_at": message.reviewed_at.isoformat() if message.reviewed_at else None,
        }
    cases = [
        {
            "id": case.pk,
            "kind": case.kind,
            "status": case.status,
            "resolution": case.resolution,
            "reporter_id": case.reporter_id,
            "report_reason": case.report_reason,
            "note": case.note,
            "created_at": case.created_at.isoformat(),
            "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
        }
        for case in (moderation.cases if moderation else [])
    ]
    actions = [
        {
            "id": action.pk,
            "action": action.action,
            "actor": action.actor.email if action.actor else None,
            "detail": action.detail,
            "created_at": action.created_at.isoformat(),
        }
        for action in (moderation.actions if moderation else [])
    ]
    return {"review": review, "cases": cases, "actions": actions}


def evidence_collect(*, export: EvidenceExport) -> Evidence:
    """Read everything an export shows: thread, order, and each message the reader may see."""
    thread = export.thread
    reader = export.requested_by
    is_staff = export.scope == EvidenceScope.STAFF
    participants = selectors.evidence_participants(thread_id=thread.pk)
    if is_staff:
        reader_role = "staff"
    else:
        reader_role = next((role for role, p in participants.items() if p.user_id == reader.pk), "")
    moderation = selectors.moderation_by_message(thread_id=thread.pk) if is_staff else {}
    messages: list[MessageEntry] = []
    # In chunks: only the entries are kept, not a thousand model instances with their files.
    for message in selectors.evidence_messages(export=export).iterator(chunk_size=200):
        recipient_role = (
            ParticipantRole.SELLER
            if message.sender_role == ParticipantRole.BUYER
            else ParticipantRole.BUYER
        )
        is_from_reader = not is_staff and message.sender_id == reader.pk
        if is_staff:
            read = _read(message, participants.get(recipient_role))
        else:
            # The reader knows what they read; the other side's reading is not shown to them.
            read = None if is_from_reader else _read(message, participants.get(reader_role))
        # A sender saw the findings of their own blocked message when they sent it.
        shows_findings = is_staff or (is_from_reader and message.status == MessageStatus.BLOCKED)
        entry = MessageEntry(
            id=message.pk,
            created_at=message.created_at,
            sender_role=message.sender_role,
            sender_name=_sender_name(message),
            is_from_reader=is_from_reader,
            kind=message.kind,
            kind_label=str(message.get_kind_display()),
            status=message.status,
            status_label=str(message.get_status_display()),
            body=message.body,
            files=_file_entries(message),
            read_by_recipient=read,
            findings=list(message.findings) if shows_findings else [],
        )
        if is_staff:
            details = _staff_details(message, moderation.get(message.pk))
            entry.review = details["review"]
            entry.cases = details["cases"]
            entry.actions = details["actions"]
        messages.append(entry)
    last_read = {role: p.last_read_at for role, p in participants.items()} if is_staff else {}
    found = selectors.evidence_notes(export=export, participant=participants.get(reader_role))
    notes = (
        [
            NoteEntry(
                id=note.pk,
                created_at=note.created_at,
                author_name=note.author.display_name if note.author is not None else None,
                body=note.body,
            )
            for note in found
        ]
        if found is not None
        else None
    )
    return Evidence(
        export=export,
        thread=thread,
        reader=reader,
        reader_role=reader_role,
        messages=messages,
        last_read=last_read,
        notes=notes,
    )
