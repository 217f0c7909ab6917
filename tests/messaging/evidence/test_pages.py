"""The thread page's "Download evidence" box, the public key, and staff's export in the admin."""

import pytest
from django.test import Client

from messaging.models import EvidenceExport, EvidenceScope
from tests.accounts.factories import BuyerFactory, StaffFactory
from tests.messaging.evidence.helpers import built, conversation

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_buyer_asks_from_the_page_and_the_page_follows_the_export():
    conv = conversation()
    client = client_for(conv.buyer)
    page = f"/messages/{conv.thread.pk}/"

    before = client.get(page).content.decode()
    response = client.post(f"/messages/{conv.thread.pk}/evidence/")
    export = EvidenceExport.objects.get()
    waiting = client.get(page).content.decode()
    built(export)
    ready = client.get(page).content.decode()

    assert 'id="evidence"' in before
    assert ">Download evidence</button>" in before
    assert f'action="/messages/{conv.thread.pk}/evidence/"' in before
    assert response.status_code == 302
    assert response["Location"] == f"{page}#evidence"
    assert (export.requested_by, export.scope) == (conv.buyer, EvidenceScope.PARTICIPANT)
    assert "Preparing your evidence export." in waiting
    assert f'data-status-url="/api/v1/evidence/{export.pk}"' in waiting
    assert '<progress max="100" value="0"' in waiting
    assert "js/evidence_export.js" in waiting
    assert "Your export is ready." in ready
    link = ready.split('class="evidence-download" href="')[1].split('"')[0].replace("&amp;", "&")
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"


def test_the_seller_asks_from_seller_central():
    conv = conversation()
    client = client_for(conv.seller)

    response = client.post(f"/messages/{conv.thread.pk}/evidence/")
    page = client.get(f"/seller/messages/{conv.thread.pk}/").content.decode()

    assert response["Location"] == f"/seller/messages/{conv.thread.pk}/#evidence"
    assert EvidenceExport.objects.get().requested_by == conv.seller
    assert 'id="evidence"' in page


def test_a_spanish_reader_sees_the_box_in_spanish():
    conv = conversation(buyer_language="es")

    page = client_for(conv.buyer).get(f"/messages/{conv.thread.pk}/").content.decode()

    assert "Pruebas para una reclamación" in page
    assert ">Descargar pruebas</button>" in page


def test_a_stranger_gets_a_404_and_nothing_is_exported():
    conv = conversation()
    stranger = client_for(BuyerFactory())

    response = stranger.post(f"/messages/{conv.thread.pk}/evidence/")
    page = stranger.get(f"/messages/{conv.thread.pk}/")

    assert (response.status_code, page.status_code) == (404, 404)
    assert EvidenceExport.objects.count() == 0


def test_asking_needs_a_post_and_a_sign_in():
    conv = conversation()

    anonymous = Client().post(f"/messages/{conv.thread.pk}/evidence/")
    get = client_for(conv.buyer).get(f"/messages/{conv.thread.pk}/evidence/")

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert get.status_code == 405
    assert EvidenceExport.objects.count() == 0


def test_without_a_signing_key_the_box_is_not_shown(settings):
    settings.EVIDENCE_SIGNING_KEY = None
    conv = conversation()

    page = client_for(conv.buyer).get(f"/messages/{conv.thread.pk}/").content.decode()
    public_key = Client().get("/evidence/public-key")

    assert 'id="evidence"' not in page
    assert public_key.status_code == 404


def test_the_public_key_is_published_as_pem_to_anyone():
    response = Client().get("/evidence/public-key")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response.content.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert response["X-Evidence-Key-Id"].startswith("ed25519:")


def test_staff_export_the_full_record_from_the_admin_thread_list():
    conv = conversation()
    staff = StaffFactory()
    other_staff = StaffFactory()
    client = client_for(staff)

    response = client.post(
        "/admin/messaging/thread/",
        {"action": "export_evidence", "_selected_action": [conv.thread.pk]},
        follow=True,
    )
    export = EvidenceExport.objects.get()
    built(export)
    mine = client.get("/admin/messaging/evidenceexport/").content.decode()
    theirs = client_for(other_staff).get("/admin/messaging/evidenceexport/").content.decode()

    assert response.status_code == 200
    assert "1 evidence export(s) started" in response.content.decode()
    assert (export.scope, export.requested_by) == (EvidenceScope.STAFF, staff)
    assert f"/api/v1/evidence/{export.pk}/download?expires=" in mine
    assert f"/api/v1/evidence/{export.pk}/download" not in theirs
    assert export.message_count == 5


def test_a_participant_cannot_reach_staff_exports_in_the_admin():
    conv = conversation()

    response = client_for(conv.buyer).get("/admin/messaging/evidenceexport/")

    assert response.status_code == 302  # to the admin's sign-in
