"""Requests no browser sends, which must still get a 4xx and never a server error."""

import pytest
from django.test import Client

MULTIPART_TYPES = [
    "multipart/form-data",  # no boundary
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xx",  # a body that never closes its part
]
BODY = b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x'


@pytest.fixture
def quiet_client():
    return Client(
        enforce_csrf_checks=True, raise_request_exception=False, HTTP_USER_AGENT="Mozilla/5.0"
    )


@pytest.mark.parametrize("content_type", MULTIPART_TYPES)
@pytest.mark.parametrize(
    "path",
    [
        "/no/such/place/",
        "/v/000000000000/ask/",
        "/v/000000000000/",
        "/q/XXXX-XXXX/",
        "/admin/login/",
        "/admin/nothing/",
        "/v/371603201201/ask/",
        "/v/371603201201/nothing/",
        "/v/371603201201/",
        "/language/en/",
        "/q/",
        "/no/such",
        "/admin",
    ],
)
def test_a_malformed_multipart_body_is_a_client_error(db, quiet_client, wumiao, path, content_type):
    response = quiet_client.generic("POST", path, BODY, content_type=content_type)

    assert response.status_code < 500


@pytest.mark.parametrize(
    "path", ["/?q=%00", "/?q=a%00b", "/q/?code=%00", "/v/371603201201/ask/?entry=%00"]
)
def test_a_nul_in_a_query_string_is_not_a_server_error(db, quiet_client, wumiao, path):
    """PostgreSQL refuses NUL in a query's text."""
    response = quiet_client.get(path)

    assert response.status_code < 500
