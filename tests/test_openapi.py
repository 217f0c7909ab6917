"""The OpenAPI schema documents every API operation without warnings; docs need no CDN."""

import pytest
import yaml
from django.core.management import call_command

from accounts.tokens import token_create

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    operations = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    assert {
        "threads_list",
        "threads_start",
        "threads_retrieve",
        "threads_delete_for_me",
        "threads_restore",
        "messages_send",
        "threads_change_state",
        "policy_check",
        "messages_list",
        "attachments_retrieve",
        "attachments_content",
        "webhooks_list",
        "webhooks_create",
        "webhooks_retrieve",
        "webhooks_delete",
        "webhooks_rotate_secret",
        "webhooks_test",
        "webhooks_deliveries_list",
        "threads_bulk_update",
        "messages_report",
        "threads_block_seller",
        "threads_unblock_seller",
        "preferences_messaging_retrieve",
        "preferences_messaging_update",
    } <= operations
    # Reads document that they need credentials, may be a 404 and are throttled.
    for path in (
        "/api/v1/threads/{thread_id}/messages",
        "/api/v1/attachments/{attachment_id}",
        "/api/v1/attachments/{attachment_id}/content",
        "/api/v1/webhooks/{endpoint_id}/deliveries",
    ):
        assert {"200", "401", "404", "429"} <= set(schema["paths"][path]["get"]["responses"])
    content = schema["paths"]["/api/v1/attachments/{attachment_id}/content"]["get"]["responses"]
    assert set(content["200"]["content"]) == {
        "application/msword",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/gif",
        "image/jpeg",
        "image/png",
        "text/plain",
    }
    assert set(content["302"]["headers"]) == {"Location", "X-Content-Type-Options"}
    send = schema["paths"]["/api/v1/threads/{thread_id}/messages"]["post"]
    assert set(send["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"201", "400", "401", "404", "422", "429"} <= set(send["responses"])
    # Delete moves to Trash and says until when; restoring a thread not in Trash is a 409.
    delete = schema["paths"]["/api/v1/threads/{thread_id}"]["delete"]["responses"]
    assert set(delete) == {"200", "401", "404"}
    restore = schema["paths"]["/api/v1/threads/{thread_id}/restore"]["post"]["responses"]
    assert set(restore) == {"200", "401", "404", "409"}
    thread = schema["components"]["schemas"]["ThreadOutput"]["properties"]
    assert {"trashed_at", "purge_at"} <= set(thread)


def test_swagger_ui_is_served_from_our_own_static_files(client, buyer):
    client.force_login(buyer)

    response = client.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_every_operation_with_a_body_documents_the_415_it_answers_to_another_type(
    tmp_path, api_client, seller
):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    with_body = {
        (path, method): operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=seller, name='t')[1]}")

    response = api_client.generic(
        "POST", "/api/v1/threads/start", "order_number=112", content_type="text/plain"
    )

    assert len(with_body) >= 10
    assert all("415" in operation["responses"] for operation in with_body.values())
    start = with_body[("/api/v1/threads/start", "post")]["responses"]["415"]
    assert start["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "`application/json`, `multipart/form-data`" in start["description"]
    assert response.status_code == 415
    assert response.json() == {
        "code": "unsupported_media_type",
        "detail": 'Unsupported media type "text/plain" in request.',
    }
