"""A conversation worth exporting, and ways to build and read its evidence in tests."""

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.files.storage import default_storage
from pypdf import PdfReader

from messaging.attachments.checks import IncomingFile
from messaging.evidence import services
from messaging.models import EvidenceExport, Message, Participant, Thread
from messaging.threads import services as threads
from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging import badfiles
from tests.orders.factories import OrderFactory, OrderItemFactory

T0 = datetime(2026, 3, 2, 9, 15, 7, tzinfo=UTC)


@dataclass
class Conversation:
    thread: Thread
    buyer_first: Message
    seller_reply: Message
    buyer_blocked: Message
    seller_blocked: Message
    buyer_last: Message

    @property
    def buyer(self):
        return self.thread.buyer

    @property
    def seller(self):
        return self.thread.seller

    def participant(self, user) -> Participant:
        return Participant.objects.select_related("thread", "user").get(
            thread=self.thread, user=user
        )


def conversation(*, buyer_language: str = "en", seller_language: str = "en") -> Conversation:
    """A buyer and a seller about a delivered order: files, and one blocked message each."""
    buyer = BuyerFactory(display_name="Alex Buyer", language=buyer_language)
    seller = SellerFactory(
        display_name="Sam Seller",
        seller_profile__shop_name="Casa Cerámica",
        language=seller_language,
    )
    order = OrderFactory(buyer=buyer, seller=seller, placed_at=T0 - timedelta(days=9))
    OrderItemFactory(order=order, title="Blue ceramic mug", quantity=2)
    first = threads.thread_start(
        sender=buyer,
        order=order,
        topic="damaged_defective",
        body="The mug arrived broken, photo attached.",
        files=[IncomingFile("broken mug.png", badfiles.png())],
        now=T0,
    )
    thread = first.thread
    reply = threads.message_send(
        thread=thread,
        sender=seller,
        body="Sorry! Here is the shipping receipt.",
        files=[IncomingFile("receipt.pdf", badfiles.pdf())],
        now=T0 + timedelta(minutes=42, seconds=5),
    )
    buyer_blocked = threads.message_send(
        thread=thread,
        sender=buyer,
        body="Call me on +1 415 555 2671 tonight",
        now=T0 + timedelta(hours=1),
    )
    seller_blocked = threads.message_send(
        thread=thread,
        sender=seller,
        body="Write to me at sam.seller@gmail.com and I refund you there",
        now=T0 + timedelta(hours=2),
    )
    last = threads.message_send(
        thread=thread,
        sender=buyer,
        body="Thanks, waiting for the refund.",
        now=T0 + timedelta(hours=3),
    )
    assert (buyer_blocked.status, seller_blocked.status) == ("blocked", "blocked")
    return Conversation(thread, first, reply, buyer_blocked, seller_blocked, last)


def built(export: EvidenceExport) -> EvidenceExport:
    """Build an export the way its task does, and reload it."""
    assert services.evidence_export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    return export


def participant_export(conv: Conversation, user) -> EvidenceExport:
    export, _created = services.evidence_export_request(participant=conv.participant(user))
    return built(export)


def staff_export(conv: Conversation, staff) -> EvidenceExport:
    return built(services.evidence_export_request_staff(thread=conv.thread, staff=staff))


def zip_bytes(export: EvidenceExport) -> bytes:
    with default_storage.open(export.file.name, "rb") as handle:
        return handle.read()


def archive_of(export: EvidenceExport) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(zip_bytes(export)))


def manifest_of(export: EvidenceExport) -> dict:
    return json.loads(archive_of(export).read("manifest.json"))


def pdf_text(export: EvidenceExport) -> str:
    """The transcript's text as pypdf extracts it, lines joined by spaces."""
    reader = PdfReader(io.BytesIO(archive_of(export).read("transcript.pdf")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())
