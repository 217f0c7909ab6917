"""Who of a seller's team has a thread open, and who is replying: "Ana is replying…".

Each open thread page of the shop's team reports its person's state on every live poll
(every few seconds): ``viewing``, or ``replying`` while the reply box holds text. The states
live in the shared cache only, one small entry per thread, each person's state expiring
``PRESENCE_SECONDS`` after their last report, so a closed tab disappears by itself. Two reports
racing may drop one state for one poll; the next report puts it back. With the cache away,
nobody is shown (the page works as without colleagues).
"""

import time
from contextlib import suppress

from django.core.cache import cache
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.cache import CacheUnavailable, cache_call

PRESENCE_SECONDS = 12
STATES = ("viewing", "replying")


def _key(thread_id: int) -> str:
    return f"presence:{thread_id}"


def _alive(entries: dict[str, list[object]], now: float) -> dict[str, list[object]]:
    return {
        person: entry
        for person, entry in entries.items()
        if isinstance(entry, list) and len(entry) == 3 and float(entry[2]) > now  # type: ignore[arg-type]
    }


def presence_report(
    *, thread_id: int, person_id: int, name: str, state: str, now: float | None = None
) -> list[dict[str, str]]:
    """Record this person's state in the thread; return the others' (replying ones first)."""
    if state not in STATES:
        raise ValueError(state)
    moment = time.time() if now is None else now
    with suppress(CacheUnavailable):
        entries = cache_call(cache.get, _key(thread_id)) or {}
        entries = _alive(entries if isinstance(entries, dict) else {}, moment)
        entries[str(person_id)] = [name, state, moment + PRESENCE_SECONDS]
        cache_call(cache.set, _key(thread_id), entries, PRESENCE_SECONDS)
        others = [
            {"name": str(entry[0]), "state": str(entry[1])}
            for person, entry in entries.items()
            if person != str(person_id)
        ]
        return sorted(others, key=lambda other: (other["state"] != "replying", other["name"]))
    return []


def presence_leave(*, thread_id: int, person_id: int) -> None:
    """Forget this person's state in the thread (their reply was sent, or they left)."""
    with suppress(CacheUnavailable):
        entries = cache_call(cache.get, _key(thread_id)) or {}
        if isinstance(entries, dict) and entries.pop(str(person_id), None) is not None:
            cache_call(cache.set, _key(thread_id), entries, PRESENCE_SECONDS)


def presence_line(others: list[dict[str, str]]) -> str:
    """One sentence for the page: who else is replying, or else who else has it open."""
    replying = [other["name"] for other in others if other["state"] == "replying"]
    viewing = [other["name"] for other in others if other["state"] != "replying"]
    if replying:
        return ngettext("%(names)s is replying…", "%(names)s are replying…", len(replying)) % {
            "names": get_text_list(replying, _("and"))
        }
    if viewing:
        return ngettext(
            "%(names)s also has this conversation open.",
            "%(names)s also have this conversation open.",
            len(viewing),
        ) % {"names": get_text_list(viewing, _("and"))}
    return ""
