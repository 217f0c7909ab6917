"""Accent- and case-insensitive matching for the substring search (SQLite, the embedded default).

PostgreSQL's full-text search ignores accents through the ``unaccent`` dictionary (migration
0010). The substring match folds both sides instead: the query words in Python with ``fold``,
the stored text in the database with ``Folded`` — the same ``fold`` registered as an SQLite
function on every new connection, ``lower(unaccent(…))`` on PostgreSQL.
"""

import unicodedata
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func

SQLITE_FUNCTION = "messagecenter_fold"


def fold(text: str | None) -> str | None:
    """Lower case without accents: "Cerámica" → "ceramica", "ÑANDÚ" → "nandu"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Folded(Func):
    """A text expression folded like ``fold`` folds the words it is compared with."""

    function = SQLITE_FUNCTION
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="lower(unaccent(%(expressions)s))")


def register_sqlite_fold(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: give each new SQLite connection the fold function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
