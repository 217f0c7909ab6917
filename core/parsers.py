"""The API's JSON parser: a body nested deeper than any request needs is refused, not parsed."""

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# No request body of the API goes deeper than three levels; the margin is for integrators'
# own fields, the limit for hostile bodies that would exhaust the parser's recursion.
MAX_JSON_DEPTH = 32


class JSONTooDeep(exceptions.ParseError):
    default_detail = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
    default_code = "too_deep"


def nesting_exceeds(data: Any, limit: int) -> bool:
    """Tell whether ``data`` has more than ``limit`` levels of lists and objects.

    Level by level, without recursion, and it stops at the first level past the limit.
    """
    level = [data]
    depth = 0
    while level:
        containers = [value for value in level if isinstance(value, list | Mapping)]
        if not containers:
            return False
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for container in containers
            for child in (container.values() if isinstance(container, Mapping) else container)
        ]
    return False


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``MAX_JSON_DEPTH`` (400 ``too_deep``).

    The body is parsed once by the standard (C) decoder, which gives up with a
    ``RecursionError`` on bodies thousands of levels deep; a body that does parse is then
    measured, level by level.
    """

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise JSONTooDeep() from None
        if nesting_exceeds(data, MAX_JSON_DEPTH):
            raise JSONTooDeep()
        return data
