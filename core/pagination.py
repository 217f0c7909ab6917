"""Keyset (cursor) pagination: a page is found by its last row's sort key, never by OFFSET."""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _

from core.errors import ApplicationError

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(*values: Any) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


# The cursors handed out are well under 100 characters (a date-time and an id); anything much
# longer was not made here, and is refused before it is decoded.
MAX_CURSOR_LENGTH = 200
# Ids in cursors are keys of 64-bit columns; a larger number could not be compared to one.
_BIGINT = range(-(2**63), 2**63)


def decode_cursor(cursor: str, *, types: tuple[type, ...]) -> tuple[Any, ...]:
    """Read a cursor back into typed values, or refuse it with ``invalid_cursor``.

    Date-times come back in UTC: one whose offset puts it outside the years 1 to 9999 once
    in UTC (``0001-01-01T00:00:00+23:59``) is no moment the database can compare.
    """
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(types):
            raise ValueError
        values: list[Any] = []
        for value, kind in zip(raw, types, strict=True):
            if kind is datetime:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError
                values.append(parsed.astimezone(UTC))
            elif kind is int:
                if not isinstance(value, int) or isinstance(value, bool) or value not in _BIGINT:
                    raise ValueError
                values.append(value)
            else:
                raise ValueError
        return tuple(values)
    except (ValueError, TypeError, OverflowError):
        raise ApplicationError(
            "invalid_cursor", _("This page link is not valid; start from the first page.")
        ) from None
