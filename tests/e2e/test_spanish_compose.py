"""In a real browser, a Spanish buyer's compose box explains itself in Spanish: the check as
you type and the files refused before sending."""

import pytest

from tests.accounts.factories import BuyerFactory, SellerFactory
from tests.messaging.factories import thread_with_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_compose_box_speaks_spanish(signed_in, tmp_path):
    buyer, seller = BuyerFactory(language="es"), SellerFactory()
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ" + b"\0" * 64)
    empty = tmp_path / "notes.txt"
    empty.write_bytes(b"")

    tab = signed_in(buyer, "buyer-es-compose")
    tab.open(f"/messages/{thread.pk}/")
    tab.page.fill("#id_body", "Llámame al 415 555 2671 esta noche")
    tab.page.locator("#policy-live mark").wait_for()
    title = tab.page.locator("#policy-live .policy-title").inner_text()
    mark_title = tab.page.locator("#policy-live mark").get_attribute("title")
    findings = tab.page.locator("#policy-live .policy-findings li").all_inner_texts()
    tab.page.set_input_files("#id_files", [str(program), str(empty)])
    reasons = tab.page.locator("#file-list .file-reason").all_inner_texts()
    validity = tab.page.eval_on_selector("#id_files", "input => input.validationMessage")
    tab.shot("policy-and-files")

    assert tab.page.locator("html").get_attribute("lang") == "es"
    assert title == "Esto no se enviará tal como está escrito:"
    assert mark_title == "Número de teléfono"
    assert findings == ["Número de teléfono"]
    assert reasons == ["Este tipo de archivo no se puede enviar.", "El archivo está vacío."]
    assert validity == "Algunos archivos no se pueden enviar."
