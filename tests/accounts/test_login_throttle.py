"""Failed sign-ins are limited per account and per client address, on the site and the admin."""

import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.guessing import client_address
from accounts.models import RateLimitWindow
from core.cache import CACHE_OUTAGE
from notifications.emails import email_build
from notifications.models import Notification
from tests.accounts.factories import BuyerFactory, StaffFactory

pytestmark = pytest.mark.django_db

FROZEN = 1_800_000_000  # 2027-01-15 08:00:00 UTC, a boundary of 900-second windows
PASSWORD = "pass-word-123"  # the factories' password
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
# sha256("ana@example.com"): counters name no one
ANA_KEY = "8e43ca37701228e74983efdbd0cff5c16b3b1e5d4e29a7c05626d4d25a018e11"


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("accounts.ratelimit.time.time", return_value=FROZEN + 100):
        yield


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = "5/900"
    settings.LOGIN_FAILURES_PER_CLIENT = "20/900"
    settings.TRUSTED_PROXY_COUNT = 0


def sign_in(client, email, password="wrong", *, path=LOGIN, address="127.0.0.1", **headers):  # noqa: S107
    return client.post(
        path, {"username": email, "password": password}, REMOTE_ADDR=address, headers=headers
    )


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_sixth_attempt_on_one_account_is_refused_with_429_even_with_the_right_password(
    client,
):
    BuyerFactory(email="ana@example.com")

    failures = [sign_in(client, "ana@example.com").status_code for _ in range(5)]
    refused = sign_in(client, "ana@example.com", PASSWORD)

    assert failures == [200, 200, 200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "800"
    assert "no-store" in refused["Cache-Control"]
    page = refused.content.decode()
    assert "<title>Sign-in paused · Message Center</title>" in page
    assert "<h1>Sign-in paused</h1>" in page
    assert (
        "There were too many unsuccessful attempts to sign in, so signing in is paused for a "
        "while to keep accounts safe." in page
    )
    assert "Try again in 14 minutes." in page
    assert "_auth_user_id" not in client.session


def test_the_paused_page_speaks_spanish(client):
    for _ in range(5):
        sign_in(client, "ana@example.com")

    refused = sign_in(client, "ana@example.com", **{"accept-language": "es"})

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "<h1>Inicio de sesión en pausa</h1>" in page
    assert "Vuelve a intentarlo dentro de 14 minutos." in page


def test_the_email_is_counted_whatever_its_case_and_spaces(client):
    for email in ["ana@example.com", "ANA@example.com", " Ana@Example.COM ", "ana@example.com"]:
        sign_in(client, email)

    assert sign_in(client, "Ana@example.com").status_code == 200
    assert sign_in(client, "ana@example.com").status_code == 429


def test_the_pause_ends_with_its_window(client):
    BuyerFactory(email="ana@example.com")
    for _ in range(5):
        sign_in(client, "ana@example.com")

    with mock.patch("accounts.ratelimit.time.time", return_value=FROZEN + 900):
        response = sign_in(client, "ana@example.com", PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_successful_sign_in_clears_the_accounts_failures(client):
    BuyerFactory(email="ana@example.com")
    for _ in range(4):
        sign_in(client, "ana@example.com")

    assert sign_in(client, "ana@example.com", PASSWORD).status_code == 302
    client.logout()

    assert [sign_in(client, "ana@example.com").status_code for _ in range(6)] == [
        200,
        200,
        200,
        200,
        200,
        429,
    ]


def test_credential_stuffing_from_one_address_is_refused_over_many_accounts(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = "4/900"
    BuyerFactory(email="ana@example.com")
    BuyerFactory(email="own@example.com")

    first = [sign_in(client, f"victim{n}@example.com").status_code for n in range(3)]
    # The attacker's own account signs in: that clears nothing for the address.
    own = sign_in(client, "own@example.com", PASSWORD)
    client.logout()
    fourth = sign_in(client, "victim3@example.com")
    refused = sign_in(client, "ana@example.com", PASSWORD)
    elsewhere = sign_in(client, "ana@example.com", PASSWORD, address="198.51.100.7")

    assert first == [200, 200, 200]
    assert own.status_code == 302
    assert fourth.status_code == 200
    assert (refused.status_code, refused["Retry-After"]) == (429, "800")
    assert "<h1>Sign-in paused</h1>" in refused.content.decode()
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/")


def test_an_ipv6_client_is_counted_by_its_64_network(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = "2/900"

    sign_in(client, "a@example.com", address="2001:db8:1:2::1")
    sign_in(client, "b@example.com", address="2001:db8:1:2:ffff::9")
    refused = sign_in(client, "c@example.com", address="2001:db8:1:2::abcd")
    other_network = sign_in(client, "c@example.com", address="2001:db8:1:3::1")

    assert (refused.status_code, other_network.status_code) == (429, 200)


def test_the_admin_sign_in_is_limited_too_and_shares_the_accounts_counter(client):
    StaffFactory(email="boss@example.com")

    site = [sign_in(client, "boss@example.com").status_code for _ in range(3)]
    admin = [sign_in(client, "boss@example.com", path=ADMIN_LOGIN).status_code for _ in range(2)]
    refused = sign_in(client, "boss@example.com", PASSWORD, path=ADMIN_LOGIN)

    assert (site, admin) == ([200, 200, 200], [200, 200])
    assert (refused.status_code, refused["Retry-After"]) == (429, "800")
    page = refused.content.decode()
    assert "<h1>Sign-in paused</h1>" in page
    assert "Try again in 14 minutes." in page
    assert 'href="/admin/login/"' in page
    assert "_auth_user_id" not in client.session
    # The site's page is paused for that account as well.
    assert sign_in(client, "boss@example.com", PASSWORD).status_code == 429


def test_the_admin_counts_failures_from_the_same_address_as_the_site(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = "2/900"

    sign_in(client, "x@example.com", path=ADMIN_LOGIN)
    sign_in(client, "y@example.com")

    assert sign_in(client, "z@example.com", path=ADMIN_LOGIN).status_code == 429


def test_an_unknown_email_is_answered_exactly_like_a_known_one(client):
    BuyerFactory(email="ana@example.com")

    def attempts(email: str) -> list[tuple[int, str, str | None, int]]:
        seen = []
        for _ in range(6):
            with CaptureQueriesContext(connection) as queries:
                response = sign_in(client, email, address="203.0.113.5")
            seen.append(
                (
                    response.status_code,
                    without_csrf(response).replace(email, "EMAIL"),
                    response.get("Retry-After"),
                    len(queries),
                )
            )
        return seen

    known = attempts("ana@example.com")
    unknown = attempts("nobody@example.com")

    assert [status for status, *_ in known] == [200, 200, 200, 200, 200, 429]
    # Same status, same page, same Retry-After; the same queries, except that the failure
    # that pauses a real account also writes its owner's notice.
    assert [row[:3] for row in known] == [row[:3] for row in unknown]
    assert [row[3] for row in known[:4]] == [row[3] for row in unknown[:4]]
    assert known[5][3] == unknown[5][3] == 0
    assert Notification.objects.count() == 1


def test_the_owner_is_emailed_once_when_sign_ins_to_the_account_are_paused(client):
    ana = BuyerFactory(email="ana@example.com")

    for _ in range(5):
        sign_in(client, "ana@example.com")
    assert Notification.objects.count() == 1
    for _ in range(3):
        sign_in(client, "ana@example.com")

    notice = Notification.objects.get()
    assert (notice.recipient, notice.address, notice.kind, notice.status) == (
        ana,
        "ana@example.com",
        "sign_in_paused",
        "pending",
    )
    assert notice.context == {"resume_at": "2027-01-15T08:15:00+00:00"}
    assert notice.dedupe_key == f"sign_in_paused:{ana.pk}:{FROZEN + 900}:ana@example.com"
    email = email_build(notice)
    assert email.subject == "Sign-in to your account is paused for a while"
    assert email.to == ["ana@example.com"]
    assert email.reply_to == []
    assert email.body == (
        "Hello,\n\n"
        "Someone tried several times to sign in to your Message Center account with a wrong "
        "password, so we paused signing in to it for a while to keep it safe.\n\n"
        "You can sign in again from Jan 15, 2027, 08:15 (UTC).\n\n"
        "If it was you, wait until then and try again. If it was not you, you do not need to "
        "do anything: those attempts did not get into your account.\n\n"
        "--\nReplies to this email are not delivered: please reply in Message Center.\n"
        "Change your email notifications: http://127.0.0.1:8000/account/notifications/\n\n"
    )
    assert "127.0.0.1" not in email.body.replace("http://127.0.0.1:8000", "")
    html = email.alternatives[0][0]
    assert "You can sign in again from Jan 15, 2027, 08:15 (UTC)." in html


def test_a_new_window_pauses_again_and_emails_again(client):
    BuyerFactory(email="ana@example.com")
    for _ in range(5):
        sign_in(client, "ana@example.com")

    with mock.patch("accounts.ratelimit.time.time", return_value=FROZEN + 1000):
        for _ in range(5):
            sign_in(client, "ana@example.com")

    assert list(Notification.objects.order_by("id").values_list("context", flat=True)) == [
        {"resume_at": "2027-01-15T08:15:00+00:00"},
        {"resume_at": "2027-01-15T08:30:00+00:00"},
    ]


def test_an_unknown_email_pauses_but_emails_no_one(client):
    for _ in range(6):
        sign_in(client, "nobody@example.com")

    assert Notification.objects.count() == 0


def test_with_redis_away_failures_are_counted_in_the_database(client, redis_away):
    BuyerFactory(email="ana@example.com")

    failures = [sign_in(client, "ana@example.com").status_code for _ in range(5)]
    refused = sign_in(client, "ana@example.com", PASSWORD)

    assert failures == [200] * 5
    assert (refused.status_code, refused["Retry-After"]) == (429, "800")
    assert sorted(RateLimitWindow.objects.values_list("key", "count")) == [
        (f"ratelimit:login_account:{ANA_KEY}:{FROZEN}", 5),
        (f"ratelimit:login_client:127.0.0.1:{FROZEN}", 5),
    ]
    assert Notification.objects.filter(kind="sign_in_paused").count() == 1
    assert CACHE_OUTAGE.is_resting()


def test_a_client_cannot_pick_its_counter_with_x_forwarded_for(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = "2/900"

    for n in range(2):
        sign_in(client, f"a{n}@example.com", **{"x-forwarded-for": f"192.0.2.{n}"})
    refused = sign_in(client, "b@example.com", **{"x-forwarded-for": "192.0.2.99"})

    assert refused.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "192.0.2.1", "203.0.113.9"),
        (1, "10.0.0.2", "192.0.2.1", "192.0.2.1"),
        # The client wrote the first entry; the proxy appended the address it saw.
        (1, "10.0.0.2", "192.0.2.66, 198.51.100.4", "198.51.100.4"),
        (2, "10.0.0.2", "192.0.2.66, 198.51.100.4, 10.0.0.1", "198.51.100.4"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", "unknown"),
        (0, "::ffff:192.0.2.8", "", "192.0.2.8"),
    ],
)
def test_the_client_address_comes_from_a_trusted_proxy_only(
    rf, settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_the_limits_are_read_at_each_call(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = "2/900"
    sign_in(client, "ana@example.com")
    sign_in(client, "ana@example.com")
    assert sign_in(client, "ana@example.com").status_code == 429

    settings.LOGIN_FAILURES_PER_ACCOUNT = "3/900"

    assert sign_in(client, "ana@example.com").status_code == 200
