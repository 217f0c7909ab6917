"""Per-person figures of a seller's team, checked against a brute-force count of the rows."""

import random
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from accounts import members
from accounts.models import MemberRole, ShopMember
from messaging.models import Message, MessageStatus, Obligation, ObligationOutcome
from messaging.team.figures import team_figures
from messaging.threads.services import message_send
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@contextmanager
def writing_as(person):
    token = members._acting_member_id.set(person.pk if person is not None else None)
    try:
        yield
    finally:
        members._acting_member_id.reset(token)


def brute_force(shop, people, days):
    """Every row read in Python: what each person's figures must be."""
    today = datetime(NOW.year, NOW.month, NOW.day, tzinfo=UTC)
    start = today - timedelta(days=days)
    figures = {}
    for person in people:
        author = None if person == shop else person.pk
        replies = [
            m
            for m in Message.objects.all()
            if m.sender_id == shop.pk
            and m.author_id == author
            and m.status == MessageStatus.DELIVERED
            and m.kind == "message"
            and start <= m.created_at < today
        ]
        answered = [
            o
            for o in Obligation.objects.select_related("answer")
            if o.outcome in (ObligationOutcome.ANSWERED_ON_TIME, ObligationOutcome.ANSWERED_LATE)
            and o.answer is not None
            and o.answer.author_id == author
            and start <= o.due_at < today
        ]
        durations = sorted(o.answered_at - o.received_at for o in answered)
        median = None
        if durations:
            middle = len(durations) // 2
            median = (
                durations[middle]
                if len(durations) % 2
                else (durations[middle - 1] + durations[middle]) / 2
            )
        on_time = sum(o.outcome == ObligationOutcome.ANSWERED_ON_TIME for o in answered)
        figures[person.pk] = (len(replies), len(answered), on_time, median)
    return figures


def test_team_figures_match_a_brute_force_count(seller, settings):
    settings.MESSAGE_SEND_RATE = "1000/60"  # a quarter's traffic written in one go
    rng = random.Random(20261207)
    ana, ben = BuyerFactory(display_name="Ana"), BuyerFactory(display_name="Ben")
    ShopMember.objects.create(shop=seller, user=ana, role=MemberRole.AGENT)
    ShopMember.objects.create(shop=seller, user=ben, role=MemberRole.AGENT)
    writers = [seller, ana, ben]
    for _ in range(40):
        asked = NOW - timedelta(days=rng.randint(1, 100), hours=rng.randint(0, 23))
        thread, _ = thread_with_message(seller=seller, now=asked)
        if rng.random() < 0.85:
            writer = rng.choice(writers)
            with writing_as(None if writer == seller else writer):
                message_send(
                    thread=thread,
                    sender=seller,
                    body="On it.",
                    now=asked + timedelta(hours=rng.choice([1, 3, 20, 30, 50])),
                )

    figures = {person.user_id: person for person in team_figures(shop=seller, now=NOW)}

    assert [p.display_name for p in team_figures(shop=seller, now=NOW)] == [
        "Sam Seller",
        "Ana",
        "Ben",
    ]
    for index, days in enumerate((7, 30, 90)):
        expected = brute_force(seller, writers, days)
        got = {
            pk: (
                figures[pk].windows[index].replies,
                figures[pk].windows[index].answered,
                figures[pk].windows[index].answered_on_time,
                figures[pk].windows[index].median_response,
            )
            for pk in expected
        }
        assert got == expected, days
    # The scenario is not empty: each person answered something in 90 days.
    assert all(figures[p.pk].windows[2].answered > 0 for p in writers)


def test_team_figures_cost_three_queries(seller, django_assert_num_queries):
    ShopMember.objects.create(shop=seller, user=BuyerFactory(), role=MemberRole.AGENT)

    with django_assert_num_queries(3):
        rows = team_figures(shop=seller, now=NOW)

    assert [window.replies for window in rows[0].windows] == [0, 0, 0]


def test_the_performance_page_shows_each_persons_figures(seller, buyer, client):
    ana = BuyerFactory(display_name="Ana")
    ShopMember.objects.create(shop=seller, user=ana, role=MemberRole.AGENT)
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=NOW - timedelta(days=3))
    with writing_as(ana):
        message_send(
            thread=thread, sender=seller, body="Done.", now=NOW - timedelta(days=3, hours=-2)
        )
    client.force_login(ana)

    response = client.get("/seller/performance/")

    team = response.context["team"]
    assert [(p.display_name, [w.answered for w in p.windows]) for p in team] == [
        ("Sam Seller", [0, 0, 0]),
        ("Ana", [1, 1, 1]),
    ]
    assert team[1].windows[0].median_response == timedelta(hours=2)
    assert 'id="team-figures"' in response.content.decode()


def test_a_shop_without_a_team_shows_no_team_figures(seller_client):
    response = seller_client.get("/seller/performance/")

    assert response.context["team"] == []
    assert 'id="team-figures"' not in response.content.decode()
