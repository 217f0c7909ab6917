"""The PDF transcript and the manifest: what each reader's export contains."""

import pytest

from messaging.models import EvidenceScope
from tests.messaging.evidence.helpers import (
    archive_of,
    conversation,
    manifest_of,
    participant_export,
    pdf_text,
    staff_export,
)

pytestmark = pytest.mark.django_db


def stamp(message) -> str:
    return message.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def test_a_buyers_transcript_has_the_order_every_message_its_time_and_the_files():
    conv = conversation()

    export = participant_export(conv, conv.buyer)
    text = pdf_text(export)

    order = conv.thread.order
    assert f"Order {order.number}" in text
    assert "Blue ceramic mug" in text
    assert "Delivered" in text
    for message in (conv.buyer_first, conv.seller_reply, conv.buyer_blocked, conv.buyer_last):
        assert message.body in text
        assert stamp(message) in text
    assert stamp(conv.buyer_first) == "2026-03-02 09:15:07 UTC"
    for attachment in [*conv.buyer_first.attachments.all(), *conv.seller_reply.attachments.all()]:
        assert attachment.name in text
        assert attachment.sha256 in text
    assert "Casa Cerámica" in text
    # Every page has the header and its number.
    assert f"Evidence export #{export.pk} · Message Center" in text
    assert "Page 1" in text


def test_a_spanish_buyer_gets_the_transcript_in_spanish():
    conv = conversation(buyer_language="es")

    export = participant_export(conv, conv.buyer)
    text = pdf_text(export)

    assert export.language == "es"
    order = conv.thread.order
    assert f"Pedido {order.number}" in text
    assert "Pruebas de la conversación" in text
    assert "Página 1" in text
    assert "Order " + order.number not in text
    for message in (conv.buyer_first, conv.seller_reply, conv.buyer_blocked, conv.buyer_last):
        assert message.body in text
        assert stamp(message) in text
    for attachment in conv.buyer_first.attachments.all():
        assert attachment.name in text and attachment.sha256 in text


def test_a_participant_never_gets_the_other_sides_blocked_message():
    conv = conversation()

    buyer_text = pdf_text(participant_export(conv, conv.buyer))
    manifest = manifest_of(participant_export(conv, conv.seller))

    assert conv.seller_blocked.body not in buyer_text
    # Their own blocked message, as they see it: not delivered, with what the policy found.
    assert conv.buyer_blocked.body in buyer_text
    assert "Not delivered: blocked by the content policy" in buyer_text
    assert "Content policy: a phone number" in buyer_text
    seller_ids = [m["id"] for m in manifest["messages"]]
    assert conv.buyer_blocked.pk not in seller_ids
    assert conv.seller_blocked.pk in seller_ids
    assert manifest["export"]["scope"] == "participant"
    # Nothing internal: no review, reports or moderation trail in a participant's export.
    assert all("moderation" not in m and "review" not in m for m in manifest["messages"])


def test_staff_get_every_message_with_the_policys_findings_and_moderation():
    conv = conversation()
    from tests.accounts.factories import StaffFactory

    staff = StaffFactory(email="trust@marketplace.example")

    export = staff_export(conv, staff)
    text = pdf_text(export)
    manifest = manifest_of(export)

    assert export.scope == EvidenceScope.STAFF
    for message in (conv.buyer_blocked, conv.seller_blocked):
        assert message.body in text
    assert "sam.seller@gmail.com" in text
    assert "Review: waiting for review" in text
    assert "Queued by the system" in text
    by_id = {m["id"]: m for m in manifest["messages"]}
    blocked = by_id[conv.seller_blocked.pk]
    assert blocked["status"] == "blocked"
    assert blocked["findings"] == conv.seller_blocked.findings
    assert [a["action"] for a in blocked["moderation"]["actions"]] == ["queued"]
    assert blocked["review"]["outcome"] == "pending"
    assert len(manifest["messages"]) == 5


def test_the_manifest_lists_every_file_with_its_hash_and_the_messages_as_data():
    conv = conversation()

    export = participant_export(conv, conv.seller)
    manifest = manifest_of(export)
    archive = archive_of(export)

    photo = conv.buyer_first.attachments.get()
    receipt = conv.seller_reply.attachments.get()
    assert sorted(archive.namelist()) == sorted(
        [
            "manifest.json",
            "manifest.sig",
            "transcript.pdf",
            f"attachments/{photo.pk}-broken mug.png",
            f"attachments/{receipt.pk}-receipt.pdf",
        ]
    )
    files = {f["path"]: f for f in manifest["files"]}
    assert files[f"attachments/{photo.pk}-broken mug.png"]["sha256"] == photo.sha256
    assert files[f"attachments/{photo.pk}-broken mug.png"]["size"] == photo.size
    assert archive.read(f"attachments/{receipt.pk}-receipt.pdf") == receipt.file.open("rb").read()
    assert manifest["order"]["number"] == conv.thread.order.number
    assert manifest["order"]["items"] == [
        {"title": "Blue ceramic mug", "quantity": 2, "unit_price": "19.99"}
    ]
    first = manifest["messages"][0]
    assert first["body"] == conv.buyer_first.body
    assert first["created_at"] == "2026-03-02T09:15:07+00:00"
    assert first["sender"] == {"role": "buyer", "name": "Alex Buyer"}
    assert first["attachments"][0]["path"] == f"attachments/{photo.pk}-broken mug.png"
    assert manifest["signing"]["algorithm"] == "Ed25519"
    assert manifest["signing"]["key_id"].startswith("ed25519:")
    assert manifest["signing"]["public_key_url"].endswith("/evidence/public-key")


def test_a_message_still_sending_is_only_in_its_senders_export():
    from messaging.models import MessageStatus
    from messaging.threads import services as threads

    if not hasattr(MessageStatus, "SENDING"):
        pytest.skip("no undo send in this version")
    conv = conversation()
    sending = threads.message_send(
        thread=conv.thread, sender=conv.seller, body="Refund sent, check it", undo_seconds=30
    )
    assert sending.status == MessageStatus.SENDING

    buyer = manifest_of(participant_export(conv, conv.buyer))
    seller = manifest_of(participant_export(conv, conv.seller))

    assert sending.pk not in [m["id"] for m in buyer["messages"]]
    assert [m["status"] for m in seller["messages"] if m["id"] == sending.pk] == ["sending"]
