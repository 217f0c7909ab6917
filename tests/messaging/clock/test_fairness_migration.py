"""The data migration that applies the fairer rules to obligations stored under the old ones.

Each test builds the stored state the old rules left (a late "no response needed" counted as
excluded; a released reply answering at its release) and runs the migration's function on it.
"""

from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from messaging.models import Obligation, Participant, ParticipantRole, ResponseDay
from messaging.moderation.services import message_release
from messaging.threads.services import message_send, thread_mark_no_response_needed
from tests.accounts.factories import StaffFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

migration = import_module("messaging.migrations.0018_obligation_no_response_needed_at")

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR_US = 3_600_000_000


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def seller_side(thread) -> Participant:
    return Participant.objects.get(thread=thread, role=ParticipantRole.SELLER)


def old_day(seller, **counts) -> None:
    """Set the day counters of 3 March (every obligation here is due then) as stored."""
    values = {
        "due": 1,
        "answered_on_time": 0,
        "answered_late": 0,
        "excluded": 0,
        "response_microseconds_total": 0,
    }
    ResponseDay.objects.filter(seller=seller, day=date(2026, 3, 3)).update(**{**values, **counts})


def day(seller) -> tuple:
    return ResponseDay.objects.filter(seller=seller).values_list(
        "due", "answered_on_time", "answered_late", "excluded", "response_microseconds_total"
    )[0]


def run_migration(*, row_by_row: bool = False) -> None:
    """The migration's data step, as `migrate` runs it (or as on SQLite: one row at a time)."""
    if row_by_row:
        migration.forwards(apps, SimpleNamespace(connection=SimpleNamespace(vendor="sqlite")))
        return
    with connection.schema_editor() as editor:
        migration.forwards(apps, editor)


@pytest.mark.parametrize("row_by_row", [False, True], ids=["postgresql", "one-by-one"])
def test_a_late_exclusion_becomes_not_answered(buyer, seller, row_by_row):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(30))
    Obligation.objects.update(
        outcome="excluded", excluded_at=at(30), no_response_needed_at=None, why="old"
    )
    old_day(seller, excluded=1)

    run_migration(row_by_row=row_by_row)

    obligation = Obligation.objects.get()
    assert (
        obligation.outcome,
        obligation.excluded_at,
        obligation.no_response_needed_at,
        obligation.why,
    ) == ("open", None, at(30), "")
    assert day(seller) == (1, 0, 0, 0, 0)


def test_a_late_exclusion_followed_by_a_reply_becomes_answered_late(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(30))
    answer = message_send(thread=thread, sender=seller, body="Sorry, shipped.", now=at(35))
    Obligation.objects.update(
        outcome="excluded",
        excluded_at=at(30),
        answered_at=None,
        answer=None,
        no_response_needed_at=None,
    )
    old_day(seller, excluded=1)

    run_migration()

    obligation = Obligation.objects.get()
    assert (
        obligation.outcome,
        obligation.answered_at,
        obligation.answer_id,
        obligation.no_response_needed_at,
        obligation.why,
    ) == (
        "answered_late",
        at(35),
        answer.pk,
        at(30),
        "Seller replied 1d 11h after the buyer's message, 11h 00m past the deadline",
    )
    assert day(seller) == (1, 0, 1, 0, 35 * HOUR_US)


def test_an_exclusion_in_time_stays_and_records_when_it_was_marked(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    thread_mark_no_response_needed(participant=seller_side(thread), now=at(3))
    Obligation.objects.update(no_response_needed_at=None)

    run_migration()

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.excluded_at, obligation.no_response_needed_at) == (
        "excluded",
        at(3),
        at(3),
    )
    assert day(seller) == (1, 0, 0, 1, 0)


def test_a_reply_answered_at_its_release_is_answered_when_it_was_sent(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    held = message_send(
        thread=thread, sender=seller, body="Call me on 415 555 0132 and we sort it out", now=at(2)
    )
    message_release(message=held, reviewer=StaffFactory(), now=at(40))
    Obligation.objects.update(outcome="answered_late", answered_at=at(40), why="old")
    old_day(seller, answered_late=1, response_microseconds_total=40 * HOUR_US)

    run_migration()

    obligation = Obligation.objects.get()
    assert (obligation.outcome, obligation.answered_at, obligation.answer_id, obligation.why) == (
        "answered_on_time",
        at(2),
        held.pk,
        "Seller replied 2h 00m after the buyer's message (held for review, delivered 1d 14h later)",
    )
    assert day(seller) == (1, 1, 0, 0, 2 * HOUR_US)


def test_the_migration_leaves_rows_of_the_new_rules_alone(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=at(0))
    message_send(thread=thread, sender=seller, body="Shipped.", now=at(2))
    before = list(Obligation.objects.values())

    run_migration()

    assert list(Obligation.objects.values()) == before
    assert day(seller) == (1, 1, 0, 0, 2 * HOUR_US)
