"""Reply-To aliases: one signed address per (thread, recipient) that routes an emailed reply.

``reply+<token>@<REPLY_DOMAIN>`` where the token is ``v1-<thread>-<user>-<day>-<signature>``:
the thread and user ids and the day the alias was issued (days since 1970-01-01) in base 36,
and an HMAC-SHA256 of all of them keyed by ``SECRET_KEY``, truncated to 100 bits and written
in lowercase base 32. Everything is lowercase because mail servers may change the case of a
local part, and the whole local part stays under the 64 characters SMTP allows. The alias
names no one: it carries ids, never an address.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

VERSION = "v1"


PREFIX = "reply+"


_KEY_SALT = b"messaging.relay.alias"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class AliasError(Exception):
    """An alias that does not route: ``code`` is ``unknown_alias`` or ``expired_alias``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class AliasTarget:
    thread_id: int
    user_id: int


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _signature(payload: str, secret: str) -> str:
    key = hashlib.sha256(_KEY_SALT + secret.encode()).digest()
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:20]


def _day(now: datetime) -> int:
    return (now - _EPOCH).days


def reply_alias_token(*, thread_id: int, user_id: int, now: datetime | None = None) -> str:
    """Sign a reply token for one participant of one thread."""
    day = _day(now or timezone.now())
    payload = f"{VERSION}-{_base36(thread_id)}-{_base36(user_id)}-{_base36(day)}"
    return f"{payload}-{_signature(payload, settings.SECRET_KEY)}"


def reply_alias_address(*, thread_id: int, user_id: int, now: datetime | None = None) -> str:
    """The Reply-To address of a notification about a thread, for its reader."""
    token = reply_alias_token(thread_id=thread_id, user_id=user_id, now=now)
    return f"{PREFIX}{token}@{settings.REPLY_DOMAIN}"


def is_alias_address(address: str) -> bool:
    """Whether an address is one of ours, valid or not (the listener accepts only these)."""
    local, _, domain = address.strip().lower().rpartition("@")
    return local.startswith(PREFIX) and domain == str(settings.REPLY_DOMAIN).lower()


def reply_alias_parse(address: str, *, now: datetime | None = None) -> AliasTarget:
    """Return the thread and user an alias address stands for, or raise ``AliasError``."""
    if not is_alias_address(address):
        raise AliasError("unknown_alias")
    local = address.strip().lower().rpartition("@")[0]
    parts = local[len(PREFIX) :].split("-")
    if len(parts) != 5 or parts[0] != VERSION:
        raise AliasError("unknown_alias")
    payload, signature = "-".join(parts[:4]), parts[4]
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(hmac.compare_digest(signature, _signature(payload, key)) for key in secrets):
        raise AliasError("unknown_alias")
    try:
        thread_id, user_id, day = (int(part, 36) for part in parts[1:4])
    except ValueError as error:
        raise AliasError("unknown_alias") from error
    max_age = settings.REPLY_ALIAS_MAX_AGE_DAYS
    if max_age and _day(now or timezone.now()) - day > max_age:
        raise AliasError("expired_alias")
    return AliasTarget(thread_id=thread_id, user_id=user_id)
