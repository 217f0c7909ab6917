from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from accounts.models import User
from messaging.clock.deadline import due_time
from messaging.management.commands.seed_bench import marker_read, plan_for
from messaging.models import (
    Attachment,
    Message,
    MessageStatus,
    Obligation,
    ObligationOutcome,
    Participant,
    ResponseDay,
    Thread,
)
from orders.models import Order
from tests.accounts.factories import BuyerFactory

pytestmark = pytest.mark.django_db

MESSAGES = 300


def seeded() -> dict:
    call_command("seed_bench", messages=MESSAGES)
    marker = marker_read()
    assert marker is not None
    return marker


def delivered_by_thread() -> dict[int, list[Message]]:
    rows: dict[int, list[Message]] = defaultdict(list)
    for message in Message.objects.filter(status=MessageStatus.DELIVERED).order_by(
        "created_at", "id"
    ):
        rows[message.thread_id].append(message)
    return rows


def test_seed_writes_exactly_the_requested_messages_and_one_order_per_thread():
    marker = seeded()

    plan = plan_for(MESSAGES, marker["seed"])
    assert Message.objects.count() == MESSAGES
    assert Thread.objects.count() == plan.threads
    assert Order.objects.count() == plan.threads
    assert Thread.objects.filter(order__isnull=True).count() == 0
    assert Participant.objects.count() == 2 * plan.threads
    assert User.objects.count() == plan.buyers + plan.sellers
    assert not User.objects.exclude(email__endswith="@bench.invalid").exists()
    assert Attachment.objects.filter(message__isnull=True).count() == 0


def test_heavy_seller_has_its_scaled_share_of_threads():
    marker = seeded()

    # 20,000 threads at 1,000,000 messages, scaled to 300 messages.
    assert Thread.objects.filter(seller_id=marker["heavy_seller_id"]).count() == 6
    assert Message.objects.filter(thread_id=marker["bench_thread_id"]).count() == 50


def test_participant_state_is_what_the_messages_imply():
    seeded()
    messages = delivered_by_thread()

    for thread in Thread.objects.all():
        delivered = messages[thread.pk]
        last = delivered[-1]
        assert (thread.last_message_id, thread.last_message_at) == (last.pk, last.created_at)
        trailing = 0
        for message in reversed(delivered):
            if message.sender_role != last.sender_role:
                break
            trailing += 1
        for participant in Participant.objects.filter(thread=thread):
            assert participant.user_id == (
                thread.buyer_id if participant.role == "buyer" else thread.seller_id
            )
            assert participant.last_message_at == last.created_at
            assert participant.last_message_is_mine == (participant.role == last.sender_role)
            if participant.role == last.sender_role:
                assert participant.unread_count == 0
            elif participant.unread_count:
                assert participant.unread_count == trailing
            else:
                assert participant.last_read_at is not None
                assert participant.last_read_at >= last.created_at


def test_obligations_replay_the_response_clock():
    seeded()
    messages = delivered_by_thread()

    for thread in Thread.objects.all():
        delivered = messages[thread.pk]
        buyer_messages = [m for m in delivered if m.sender_role == "buyer"]
        obligations = {o.message_id: o for o in Obligation.objects.filter(thread=thread)}
        assert set(obligations) == {m.pk for m in buyer_messages}
        last_seller_at = max(
            (m.created_at for m in delivered if m.sender_role == "seller"), default=None
        )
        waiting = [
            m for m in buyer_messages if last_seller_at is None or m.created_at > last_seller_at
        ]
        for message in buyer_messages:
            obligation = obligations[message.pk]
            assert obligation.due_at == due_time(message.created_at)
            if message in waiting:
                assert obligation.outcome in {ObligationOutcome.OPEN, ObligationOutcome.EXCLUDED}
                # "No response needed" excludes a message only when marked within its time.
                marked = obligation.no_response_needed_at
                in_time = marked is not None and marked <= obligation.due_at
                assert (obligation.outcome == ObligationOutcome.EXCLUDED) == in_time
                assert obligation.excluded_at == (marked if in_time else None)
            else:
                assert obligation.outcome in {
                    ObligationOutcome.ANSWERED_ON_TIME,
                    ObligationOutcome.ANSWERED_LATE,
                }
        seller_side = Participant.objects.get(thread=thread, role="seller")
        # A thread marked "no response needed" is not waiting, even where the marking came
        # too late to excuse its messages.
        open_received = sorted(
            o.received_at
            for o in obligations.values()
            if o.outcome == ObligationOutcome.OPEN and o.no_response_needed_at is None
        )
        assert seller_side.needs_response_since == (open_received[0] if open_received else None)
        buyer_side = Participant.objects.get(thread=thread, role="buyer")
        assert buyer_side.needs_response_since is None


def test_response_days_add_up_to_the_obligations():
    seeded()

    totals = ResponseDay.objects.aggregate(
        due=Sum("due"),
        on_time=Sum("answered_on_time"),
        late=Sum("answered_late"),
        excluded=Sum("excluded"),
    )
    by_outcome = defaultdict(int)
    for outcome in Obligation.objects.values_list("outcome", flat=True):
        by_outcome[outcome] += 1
    assert totals == {
        "due": Obligation.objects.count(),
        "on_time": by_outcome[ObligationOutcome.ANSWERED_ON_TIME],
        "late": by_outcome[ObligationOutcome.ANSWERED_LATE],
        "excluded": by_outcome[ObligationOutcome.EXCLUDED],
    }


def test_seed_is_deterministic_in_shape():
    assert plan_for(MESSAGES, 7).thread_lengths == plan_for(MESSAGES, 7).thread_lengths


def test_refuses_a_database_with_other_accounts_unless_forced():
    BuyerFactory()

    with pytest.raises(CommandError, match="not bench accounts"):
        call_command("seed_bench", messages=MESSAGES)
    assert Message.objects.count() == 0

    call_command("seed_bench", messages=MESSAGES, force=True)
    assert Message.objects.count() == MESSAGES


def test_refuses_to_seed_twice():
    seeded()

    with pytest.raises(CommandError, match="already holds bench data"):
        call_command("seed_bench", messages=MESSAGES)
    assert Message.objects.count() == MESSAGES
