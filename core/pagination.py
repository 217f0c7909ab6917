"""Keyset (cursor) pagination: a page is found by its last row's sort key, never by OFFSET."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
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


def decode_cursor(cursor: str, *, types: tuple[type, ...]) -> tuple[Any, ...]:
    """Read a cursor back into typed values, or refuse it with ``invalid_cursor``."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(types):
            raise ValueError
        values: list[Any] = []
        for value, kind in zip(raw, types, strict=True):
            if kind is datetime:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError
                values.append(parsed)
            elif kind is int:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError
                values.append(value)
            else:
                raise ValueError
        return tuple(values)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise ApplicationError(
            "invalid_cursor", _("This page link is not valid; start from the first page.")
        ) from None
