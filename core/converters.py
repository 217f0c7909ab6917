"""URL converters shared by every app, and the same rule for ids posted in forms."""

import re

from django.urls import register_converter


class IdConverter:
    """A database id: a positive integer that fits a 64-bit column.

    Django's ``int`` converter accepts any number of digits, and an id too large for the
    database fails inside the query; this one simply does not match, so the URL is a 404.
    """

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class OrderNumberConverter:
    """An order number, ``123-1234567-1234567`` in ASCII digits.

    Django's ``str`` converter passes anything but a slash to the view, NUL bytes included,
    which PostgreSQL refuses in a query; a path that cannot name an order is a 404 instead.
    """

    regex = "[0-9]{3}-[0-9]{7}-[0-9]{7}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


_ID = re.compile(IdConverter.regex)


def id_from_text(value: str) -> int | None:
    """The id a form field names, or None if it names none (as the ``id`` converter decides).

    ``str.isdigit()`` is no test: it accepts "²" and other digits ``int()`` refuses.
    """
    return int(value) if _ID.fullmatch(value) else None


# Registered once, when the first URLConf that uses them imports this module.
register_converter(IdConverter, "id")
register_converter(OrderNumberConverter, "order_number")
