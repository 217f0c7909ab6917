"""The PDF transcript of an export, laid out by ReportLab one page at a time.

ReportLab is pure Python (no system libraries, unlike WeasyPrint's Pango and Cairo) and lays
out flowables onto pages as they come: the messages are turned into flowables lazily
(``_Streamed``), so a thread of thousands of messages never has all of its paragraphs in memory,
and only thumbnails (never the files themselves) go into the PDF. The text is set in Bitstream
Vera, the font that ships inside ReportLab, embedded, so the text can be copied and searched.
"""

import io
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from messaging.evidence.content import Evidence, FileEntry, MessageEntry, NoteEntry
from messaging.models import MessageStatus, ModerationAction, ParticipantRole
from messaging.policy.reasons import CATEGORY_LABELS, reason_display
from orders.models import OrderStatus

logger = logging.getLogger(__name__)

FONT = "Vera"
FONT_BOLD = "Vera-Bold"
MONO = "Courier"
THUMBNAIL_BOX = (60 * mm, 45 * mm)
# Paragraphs kept ready ahead of the page being laid out; more are made as these are used.
LOOKAHEAD = 40


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    # Found on ReportLab's own font path (reportlab/fonts), shipped in its wheel.
    pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, "VeraBd.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def utc(moment: datetime | None) -> str:
    """A moment as the transcript writes it: exact, in UTC, the same in every language."""
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def text(value: str) -> str:
    """Plain text for a Paragraph: markup escaped, line breaks kept, control characters gone."""
    cleaned = "".join(c for c in value if c in "\n\t" or c.isprintable() or c == " ")
    return escape(cleaned).replace("\n", "<br/>")


class _Streamed(list):
    """The flowables of a document, made from a generator as ReportLab asks for more.

    ReportLab's build loop takes flowables from the front of a list (and puts split parts
    back there) and asks its length before each one: the list is topped up at that moment.
    """

    def __init__(self, source: Iterator[Flowable]) -> None:
        super().__init__()
        self._source = source
        self._exhausted = False
        self._top_up()

    def _top_up(self) -> None:
        while not self._exhausted and super().__len__() < LOOKAHEAD:
            try:
                self.append(next(self._source))
            except StopIteration:
                self._exhausted = True

    def __len__(self) -> int:
        self._top_up()
        return super().__len__()


class Styles:
    def __init__(self) -> None:
        base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5)
        self.body = base
        self.title = ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=21, spaceAfter=4
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
        )
        self.meta = ParagraphStyle(
            "meta", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12.5, spaceBefore=8
        )
        self.small = ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444")
        )
        self.hash = ParagraphStyle("hash", parent=base, fontName=MONO, fontSize=7.5, leading=9.5)
        self.warning = ParagraphStyle("warning", parent=base, textColor=colors.HexColor("#9a1c1c"))
        self.message = ParagraphStyle(
            "message", parent=base, leftIndent=4 * mm, spaceBefore=2, spaceAfter=2
        )
        self.right = ParagraphStyle("right", parent=base, fontSize=8, alignment=TA_RIGHT)
        # Notes are set apart from the conversation: another colour, a tinted box.
        self.note = ParagraphStyle(
            "note",
            parent=base,
            leftIndent=4 * mm,
            spaceBefore=2,
            spaceAfter=2,
            textColor=colors.HexColor("#5a4300"),
            backColor=colors.HexColor("#fff6d8"),
            borderPadding=2,
        )


def role_label(role: str) -> str:
    if role == "staff":
        return _("Marketplace staff")
    return str(ParticipantRole(role).label) if role in ParticipantRole.values else role


def _status_line(entry: MessageEntry, evidence: Evidence) -> str:
    if entry.status == MessageStatus.DELIVERED:
        parts = [_("Delivered")]
    elif entry.status == MessageStatus.BLOCKED:
        parts = [_("Not delivered: blocked by the content policy")]
    else:
        parts = [entry.status_label]
    if entry.read_by_recipient is not None:
        if evidence.is_staff_export:
            recipient = role_label(
                ParticipantRole.SELLER
                if entry.sender_role == ParticipantRole.BUYER
                else ParticipantRole.BUYER
            )
            parts.append(
                (
                    _("read by the %(recipient)s")
                    if entry.read_by_recipient
                    else _("not read by the %(recipient)s")
                )
                % {"recipient": recipient.lower()}
            )
        else:
            parts.append(_("read by you") if entry.read_by_recipient else _("not read by you"))
    return " · ".join(parts)


def _thumbnail(file: FileEntry) -> Flowable | None:
    if not (file.is_image and file.thumbnail_name):
        return None
    try:
        with default_storage.open(file.thumbnail_name, "rb") as stored:
            data = stored.read()
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except (OSError, ValueError) as error:
        logger.warning(
            "evidence thumbnail %s not embedded: %s", file.attachment_id, type(error).__name__
        )
        return None
    scale = min(THUMBNAIL_BOX[0] / width, THUMBNAIL_BOX[1] / height, 1.0)
    image = Image(io.BytesIO(data), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return image


def _file_flowables(file: FileEntry, styles: Styles) -> list[Flowable]:
    size = str(filesizeformat(file.size)).replace("\xa0", " ")
    line = f"<b>{text(file.name)}</b> · {text(size)} ({file.size:,} B) · {text(file.content_type)}"
    parts: list[Flowable] = [Paragraph(line, styles.body)]
    if file.missing:
        parts.append(
            Paragraph(
                text(_("The stored file could not be read; it is not in the archive.")),
                styles.warning,
            )
        )
    parts.append(Paragraph(f"SHA-256: {file.sha256 or file.sha256_at_upload}", styles.hash))
    if file.sha256 and file.sha256 != file.sha256_at_upload:
        parts.append(
            Paragraph(
                text(
                    _("Differs from the SHA-256 recorded at upload: %(sha)s")
                    % {"sha": file.sha256_at_upload}
                ),
                styles.warning,
            )
        )
    thumbnail = _thumbnail(file)
    if thumbnail is not None:
        parts.append(thumbnail)
    parts.append(Spacer(1, 2))
    return parts


def _findings_flowables(entry: MessageEntry, evidence: Evidence, styles: Styles) -> list[Flowable]:
    if not entry.findings:
        return []
    categories = sorted({f.get("category", "") for f in entry.findings})
    found = ", ".join(str(CATEGORY_LABELS.get(c, c)) for c in categories)
    parts: list[Flowable] = [
        Paragraph(text(_("Content policy: %(found)s") % {"found": found}), styles.warning)
    ]
    for finding in entry.findings:
        line = reason_display(finding)
        if evidence.is_staff_export:
            start, end = int(finding.get("start", 0)), int(finding.get("end", 0))
            excerpt = entry.body[start:end] if 0 <= start < end <= len(entry.body) else ""
            line = f"{line} [{finding.get('source', '')} {start}–{end}]" + (
                f": “{excerpt}”" if excerpt else ""
            )
        parts.append(Paragraph("• " + text(line), styles.small))
    return parts


def _moderation_flowables(entry: MessageEntry, styles: Styles) -> list[Flowable]:
    parts: list[Flowable] = []
    if entry.review is not None:
        outcome = {
            "pending": _("waiting for review"),
            "released": _("released (false positive)"),
            "confirmed": _("violation confirmed"),
        }.get(entry.review["outcome"], entry.review["outcome"])
        line = _("Review: %(outcome)s") % {"outcome": outcome}
        if entry.review["reviewed_by"]:
            line += f" · {entry.review['reviewed_by']} · {entry.review['reviewed_at'] or ''}"
        parts.append(Paragraph(text(line), styles.small))
    for case in entry.cases:
        line = _("Case #%(id)s: %(kind)s, %(status)s") % {
            "id": case["id"],
            "kind": case["kind"],
            "status": case["status"],
        }
        if case["report_reason"]:
            line += f" · {case['report_reason']}"
        if case["note"]:
            line += f" · “{case['note']}”"
        parts.append(Paragraph("• " + text(line), styles.small))
    labels = dict(ModerationAction.Action.choices)
    for action in entry.actions:
        line = _("%(when)s · %(action)s by %(actor)s") % {
            "when": utc(datetime.fromisoformat(action["created_at"])),
            "action": str(labels.get(action["action"], action["action"])),
            "actor": action["actor"] or _("the system"),
        }
        if action["detail"]:
            line += f" · {action['detail']}"
        parts.append(Paragraph("• " + text(line), styles.small))
    return parts


def _message_flowables(
    number: int, entry: MessageEntry, evidence: Evidence, styles: Styles
) -> list[Flowable]:
    who = _("You") if entry.is_from_reader else entry.sender_name
    heading = (
        f"#{number} · {utc(entry.created_at)} · {text(role_label(entry.sender_role))} · {text(who)}"
    )
    if entry.kind != "message":
        heading += f" · {text(entry.kind_label)}"
    head: list[Flowable] = [
        Paragraph(heading, styles.meta),
        Paragraph(text(_status_line(entry, evidence)) + f" · id {entry.id}", styles.small),
    ]
    parts: list[Flowable] = []
    if entry.body:
        parts.append(Paragraph(text(entry.body), styles.message))
    parts += _findings_flowables(entry, evidence, styles)
    if evidence.is_staff_export:
        parts += _moderation_flowables(entry, styles)
    for file in entry.files:
        parts += _file_flowables(file, styles)
    # The heading is never left alone at the foot of a page.
    first = parts[:1]
    return [KeepTogether([*head, *first]), *parts[1:]]


def _note_flowables(number: int, note: NoteEntry, styles: Styles) -> list[Flowable]:
    author = note.author_name if note.author_name is not None else _("Former member")
    label = _("Note %(number)s") % {"number": number}
    heading = f"{text(label)} · {utc(note.created_at)} · {text(author)}"
    return [
        KeepTogether(
            [
                Paragraph(heading, styles.meta),
                Paragraph(f"id {note.id}", styles.small),
                Paragraph(text(note.body), styles.note),
            ]
        )
    ]


def _notes_heading_flowables(notes: list[NoteEntry], styles: Styles) -> list[Flowable]:
    parts: list[Flowable] = [
        Spacer(1, 8),
        Paragraph(text(_("Internal notes (team only)")), styles.h2),
        Paragraph(
            text(
                _(
                    "Notes your team wrote in this conversation, oldest first, times in UTC. "
                    "They are not part of the conversation: the buyer never saw them."
                )
            ),
            styles.small,
        ),
    ]
    if not notes:
        parts.append(Paragraph(text(_("No internal notes.")), styles.body))
    return parts


def _summary_flowables(
    evidence: Evidence, generated_at: datetime, key_id: str, styles: Styles
) -> list[Flowable]:
    thread = evidence.thread
    export = evidence.export
    rows: list[tuple[str, str]] = [
        (
            _("Conversation"),
            _("#%(id)s · %(topic)s · started %(when)s")
            % {
                "id": thread.pk,
                "topic": thread.get_topic_display(),
                "when": utc(thread.created_at),
            },
        ),
        (_("Buyer"), thread.buyer.display_name),
        (_("Seller"), thread.seller.public_name),
        (_("Exported for"), f"{evidence.reader.public_name} ({role_label(evidence.reader_role)})"),
        (
            _("Contents"),
            _(
                "Everything: blocked messages, the content policy's findings, reports and "
                "moderation actions"
            )
            if evidence.is_staff_export
            else _(
                "The conversation as it is shown to you, then your team's internal notes, "
                "which the buyer never saw"
            )
            if evidence.notes is not None
            else _("The conversation as it is shown to you"),
        ),
        (_("Generated"), utc(generated_at)),
        (
            _("Export"),
            _("#%(id)s · manifest signed with %(key_id)s") % {"id": export.pk, "key_id": key_id},
        ),
    ]
    if evidence.is_staff_export:
        for role in (ParticipantRole.BUYER, ParticipantRole.SELLER):
            if role in evidence.last_read:
                rows.append(
                    (
                        _("%(role)s last read the thread") % {"role": role_label(role)},
                        utc(evidence.last_read[role]),
                    )
                )
    table = Table(
        [
            [Paragraph(text(label), styles.small), Paragraph(text(value), styles.body)]
            for label, value in rows
        ],
        colWidths=[42 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    parts: list[Flowable] = [Paragraph(text(_("Conversation evidence")), styles.title), table]
    order = evidence.order
    if order is not None:
        parts.append(Paragraph(text(_("Order %(number)s") % {"number": order.number}), styles.h2))
        dates = [
            (
                _("Status"),
                str(OrderStatus(order.status).label)
                if order.status in OrderStatus.values
                else order.status,
            ),
            (_("Placed"), utc(order.placed_at)),
            (_("Shipped"), utc(order.shipped_at)),
            (_("Delivered"), utc(order.delivered_at)),
            (_("Completed"), utc(order.completed_at)),
            (_("Total"), f"{order.total} {order.currency}"),
        ]
        table = Table(
            [[Paragraph(text(a), styles.small), Paragraph(text(b), styles.body)] for a, b in dates],
            colWidths=[42 * mm, None],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)]
            )
        )
        parts.append(table)
        items = [
            [
                Paragraph(text(_("Item")), styles.small),
                Paragraph(text(_("Quantity")), styles.small),
                Paragraph(text(_("Unit price")), styles.small),
            ]
        ]
        for item in order.items.all():
            items.append(
                [
                    Paragraph(text(item.title), styles.body),
                    Paragraph(str(item.quantity), styles.body),
                    Paragraph(f"{item.unit_price} {order.currency}", styles.body),
                ]
            )
        if len(items) > 1:
            table = Table(items, colWidths=[None, 25 * mm, 35 * mm], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            parts += [Spacer(1, 4), table]
    elif thread.product is not None:
        parts.append(
            Paragraph(
                text(_("Question about %(product)s") % {"product": thread.product.title}), styles.h2
            )
        )
    parts.append(
        Paragraph(
            text(
                _("Messages (%(count)s), oldest first, times in UTC")
                % {"count": len(evidence.messages)}
            ),
            styles.h2,
        )
    )
    if not evidence.messages:
        parts.append(Paragraph(text(_("No messages.")), styles.body))
    return parts


def _closing_flowables(key_id: str, styles: Styles) -> list[Flowable]:
    return [
        Spacer(1, 8),
        Paragraph(text(_("How to check this export")), styles.h2),
        Paragraph(
            text(
                _(
                    "This PDF is part of a ZIP archive with the original files and "
                    "manifest.json, which lists every file with its SHA-256 and every message "
                    "as data. manifest.sig is the manifest's Ed25519 signature by key "
                    "%(key_id)s, whose public key is published at /evidence/public-key. Any "
                    "change to a file or to the manifest makes the check fail."
                )
                % {"key_id": key_id}
            ),
            styles.small,
        ),
    ]


def transcript_write(
    evidence: Evidence,
    path: Path,
    *,
    generated_at: datetime,
    key_id: str,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Write the transcript of ``evidence`` to ``path``, in the active language."""
    _register_fonts()
    styles = Styles()
    export = evidence.export
    order = evidence.order
    header_left = _("Evidence export #%(id)s · Message Center") % {"id": export.pk}
    header_right = (
        _("Order %(number)s · conversation #%(thread)s")
        % {"number": order.number, "thread": evidence.thread.pk}
        if order is not None
        else _("Conversation #%(thread)s") % {"thread": evidence.thread.pk}
    )
    generated = _("Generated %(when)s") % {"when": utc(generated_at)}
    page_label = _("Page %(number)s")

    def decorate(canvas: Canvas, doc: Any) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.drawString(doc.leftMargin, height - 12 * mm, header_left)
        canvas.drawRightString(width - doc.rightMargin, height - 12 * mm, header_right)
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setLineWidth(0.5)
        canvas.line(doc.leftMargin, height - 13.5 * mm, width - doc.rightMargin, height - 13.5 * mm)
        canvas.drawString(doc.leftMargin, 10 * mm, generated)
        canvas.drawRightString(width - doc.rightMargin, 10 * mm, page_label % {"number": doc.page})
        canvas.restoreState()

    total = max(len(evidence.messages), 1)

    def flowables() -> Iterator[Flowable]:
        yield from _summary_flowables(evidence, generated_at, key_id, styles)
        for number, entry in enumerate(evidence.messages, start=1):
            yield from _message_flowables(number, entry, evidence, styles)
            if progress is not None:
                progress(number / total)
        if evidence.notes is not None:
            yield from _notes_heading_flowables(evidence.notes, styles)
            for number, note in enumerate(evidence.notes, start=1):
                yield from _note_flowables(number, note, styles)
        yield from _closing_flowables(key_id, styles)

    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=_("Conversation evidence") + f" #{export.pk}",
        author="Message Center",
        subject=header_right,
        creator="Message Center evidence export",
        invariant=0,
    )
    document.build(_Streamed(flowables()), onFirstPage=decorate, onLaterPages=decorate)
