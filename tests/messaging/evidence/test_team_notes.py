"""The seller team's internal notes in evidence exports: the team's export has them, apart from
the conversation; the buyer's (and staff's) never has any of them."""

from datetime import timedelta

import pytest
from django.test import Client

from accounts.models import MemberRole, ShopMember
from messaging.evidence import signing
from messaging.evidence.verify import archive_verify
from messaging.models import EvidenceExport, ParticipantRole
from messaging.team import notes
from tests.accounts.factories import BuyerFactory, StaffFactory
from tests.messaging.evidence.helpers import (
    T0,
    Conversation,
    archive_of,
    built,
    conversation,
    manifest_of,
    participant_export,
    pdf_text,
    staff_export,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

FIRST = "Carrier confirms the parcel was crushed in transit."
SECOND = "Refund approved, claim #4411 filed with the carrier."


def with_notes(conv: Conversation):
    """Two notes by the team: one by an agent, one by the shop's own account."""
    ana = BuyerFactory(display_name="Ana Torres", email="ana@team.example")
    ShopMember.objects.create(shop=conv.seller, user=ana, role=MemberRole.AGENT)
    side = conv.participant(conv.seller)
    first = notes.note_add(
        participant=side, author=ana, body=FIRST, now=T0 + timedelta(minutes=50, seconds=9)
    )
    second = notes.note_add(
        participant=side, author=conv.seller, body=SECOND, now=T0 + timedelta(hours=4)
    )
    return ana, first, second


def test_the_shops_export_has_the_teams_notes_in_their_own_section():
    conv = conversation()
    _ana, first, second = with_notes(conv)

    export = participant_export(conv, conv.seller)
    text = pdf_text(export)
    manifest = manifest_of(export)

    section = text.index("Internal notes (team only)")
    # After the whole conversation, before the closing note on how to check the export.
    assert text.index(conv.buyer_last.body) < section < text.index("How to check this export")
    notes_text = text[section:]
    assert "the buyer never saw them" in notes_text
    assert "Note 1 · 2026-03-02 10:05:16 UTC · Ana Torres" in notes_text
    assert FIRST in notes_text
    assert "Note 2 · 2026-03-02 13:15:07 UTC · Sam Seller" in notes_text
    assert SECOND in notes_text
    assert FIRST not in text[:section] and SECOND not in text[:section]
    assert "then your team's internal notes, which the buyer never saw" in text
    assert manifest["internal_notes"] == [
        {
            "id": first.pk,
            "created_at": "2026-03-02T10:05:16+00:00",
            "author": {"name": "Ana Torres"},
            "body": FIRST,
        },
        {
            "id": second.pk,
            "created_at": "2026-03-02T13:15:07+00:00",
            "author": {"name": "Sam Seller"},
            "body": SECOND,
        },
    ]
    # Notes are not messages: the conversation's count and list are unchanged.
    assert export.message_count == 4
    assert len(manifest["messages"]) == 4


def test_the_buyers_export_of_the_same_thread_has_none_of_the_notes():
    conv = conversation()
    with_notes(conv)

    export = participant_export(conv, conv.buyer)
    text = pdf_text(export)
    manifest = manifest_of(export)
    raw_manifest = archive_of(export).read("manifest.json").decode()

    for secret in (FIRST, SECOND, "crushed", "4411", "Ana Torres"):
        assert secret not in text
        assert secret not in raw_manifest
    assert "Internal notes" not in text
    assert "internal_notes" not in manifest
    assert "The conversation as it is shown to you" in text
    # The buyer's export is the same with or without notes in the thread.
    assert sorted(archive_of(export).namelist())[:2] == [
        f"attachments/{conv.buyer_first.attachments.get().pk}-broken mug.png",
        f"attachments/{conv.seller_reply.attachments.get().pk}-receipt.pdf",
    ]


def test_a_staff_export_has_no_team_notes():
    conv = conversation()
    with_notes(conv)

    export = staff_export(conv, StaffFactory())

    assert FIRST not in pdf_text(export)
    assert "internal_notes" not in manifest_of(export)


def test_a_shop_with_no_notes_gets_an_empty_section():
    conv = conversation()

    export = participant_export(conv, conv.seller)

    assert "Internal notes (team only)" in pdf_text(export)
    assert "No internal notes." in pdf_text(export)
    assert manifest_of(export)["internal_notes"] == []


def test_an_agent_asks_from_the_page_and_gets_the_notes_in_the_shops_export():
    conv = conversation()
    ana, first, _second = with_notes(conv)
    client = Client()
    client.force_login(ana)

    response = client.post(f"/messages/{conv.thread.pk}/evidence/")
    export = built(EvidenceExport.objects.get())

    assert response.status_code == 302
    assert export.requested_by == conv.seller
    assert [n["body"] for n in manifest_of(export)["internal_notes"]] == [FIRST, SECOND]
    assert manifest_of(export)["export"]["requested_by"]["role"] == ParticipantRole.SELLER
    assert first.body in pdf_text(export)


def test_the_signature_of_an_export_with_notes_verifies(tmp_path):
    conv = conversation()
    with_notes(conv)
    path = tmp_path / "evidence.zip"
    path.write_bytes(zip_bytes(participant_export(conv, conv.seller)))

    report = archive_verify(path, signing.public_key())

    assert report.problems == []
    assert report.checked_files == 3


def test_a_spanish_shop_gets_the_notes_section_in_spanish():
    conv = conversation(seller_language="es")
    with_notes(conv)

    text = pdf_text(participant_export(conv, conv.seller))

    assert "Notas internas (solo el equipo)" in text
    assert "Nota 1 · 2026-03-02 10:05:16 UTC · Ana Torres" in text
    assert "el comprador nunca las vio" in text
    assert "Internal notes (team only)" not in text
