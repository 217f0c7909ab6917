"""A stand-in for the SMTP server: fails with the errors a test queues, then delivers."""

from collections.abc import Sequence

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.mail.message import EmailMessage

failures: list[Exception] = []


class FlakyBackend(LocmemBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if failures:
            raise failures.pop(0)
        return super().send_messages(messages)
