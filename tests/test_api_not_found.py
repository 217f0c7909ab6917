"""Any path under /api/ that names no endpoint answers the JSON error shape, never HTML."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/threads",
        "/api/v1/threads/abc",
        "/api/v1/threads/1%0A3/messages",  # a newline inside the path
        "/api/v1/threads/99999999999999999999",  # longer than any 64-bit id
    ],
)
def test_unknown_api_paths_are_a_json_404(client, path):
    response = client.post(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "No such API endpoint."}
