"""A slow or rude mail server: an email it accepted is recorded as sent, and sent once.

A real SMTP server on loopback (aiosmtpd) that takes its time over the goodbye (QUIT), or
hangs up instead of answering it, after it accepted the email.
"""

import asyncio
import signal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from celery.exceptions import SoftTimeLimitExceeded

from notifications import services
from notifications.models import NotificationStatus
from notifications.tasks import notification_deliver
from tests.notifications import live
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


class RudeGoodbye(SMTP):
    """Accepts mail, then answers QUIT late (``quit_delay``) or not at all (hangs up)."""

    quit_delay: float | None = None

    async def smtp_QUIT(self, arg: str) -> None:
        if self.quit_delay is None:
            self.transport.close()
            return
        await asyncio.sleep(self.quit_delay)
        await super().smtp_QUIT(arg)


class RudeController(Controller):
    def __init__(self, *args, quit_delay: float | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.quit_delay = quit_delay

    def factory(self) -> SMTP:
        server = RudeGoodbye(self.handler, **self.SMTP_kwargs)
        server.quit_delay = self.quit_delay
        return server


@pytest.fixture
def smtp_settings(settings):
    def serve(*, quit_delay: float | None) -> live.Mailbox:
        box = live.Mailbox()
        controller = RudeController(
            box, hostname="127.0.0.1", port=live.free_port(), quit_delay=quit_delay
        )
        controller.start()
        servers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 1  # each step; the goodbye below takes longer
        return box

    servers: list[Controller] = []
    yield serve
    for controller in servers:
        controller.stop()


@pytest.mark.parametrize("quit_delay", [3.0, None], ids=["slow goodbye", "hangs up"])
def test_an_email_the_server_accepted_is_sent_once_however_the_session_ends(
    smtp_settings, quit_delay
):
    box = smtp_settings(quit_delay=quit_delay)
    row = NotificationFactory(address="owner@shop.example")

    assert notification_deliver(row.pk) == "sent"
    assert notification_deliver(row.pk) == "skipped"

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 1, "")
    assert [message["To"] for message in box.messages] == ["owner@shop.example"]
    assert box.messages[0]["Message-ID"] == f"<notification-{row.pk}@localhost>"


def test_the_soft_time_limit_striking_during_the_goodbye_leaves_the_email_sent(
    smtp_settings, settings
):
    # The worker's soft time limit is a signal that raises wherever the task is; here it
    # strikes while the server holds the QUIT of a session in which it accepted the email.
    box = smtp_settings(quit_delay=5.0)
    settings.EMAIL_TIMEOUT = 10
    row = NotificationFactory(address="owner@shop.example")

    def soft_limit(signum: int, frame: object) -> None:
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, soft_limit)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        outcome = services.notification_deliver(notification_id=row.pk)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    row.refresh_from_db()
    assert outcome.status == "sent"
    assert (row.status, row.locked_until) == (NotificationStatus.SENT, None)
    assert len(box.messages) == 1
