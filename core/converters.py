"""URL converters shared by every app."""

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


# Registered once, when the first URLConf that uses `<id:...>` imports this module.
register_converter(IdConverter, "id")
