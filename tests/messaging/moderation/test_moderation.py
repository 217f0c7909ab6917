"""The moderation queue: blocked messages, reports, repeated blocks, restrictions, audit trail."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from core.errors import ApplicationError, NotFound
from messaging.models import Message, ModerationAction, ModerationCase, SellerRestriction
from messaging.moderation import services as moderation
from messaging.moderation.services import message_release
from messaging.threads.services import message_send
from tests.accounts.factories import BuyerFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OFF_PLATFORM = "Write to me at sam@gmail.com"


def trail() -> list[tuple]:
    return list(
        ModerationAction.objects.order_by("created_at", "id").values_list(
            "action", "actor__email", "subject__email", "case__kind"
        )
    )


def test_a_blocked_message_opens_a_case_with_an_audit_line(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)

    blocked = message_send(thread=thread, sender=buyer, body=OFF_PLATFORM, now=T0)

    case = ModerationCase.objects.get()
    assert (case.kind, case.status, case.subject, case.message) == (
        "blocked_message",
        "open",
        buyer,
        blocked,
    )
    assert trail() == [("queued", None, buyer.email, "blocked_message")]


def test_releasing_closes_the_case_and_records_who(buyer, seller, staff):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=buyer, body=OFF_PLATFORM, now=T0)

    message_release(message=blocked, reviewer=staff, now=T0 + timedelta(hours=1))

    case = ModerationCase.objects.get()
    assert (case.status, case.resolution, case.resolved_by, case.resolved_at) == (
        "closed",
        "released",
        staff,
        T0 + timedelta(hours=1),
    )
    assert trail()[-1] == ("released", staff.email, buyer.email, "blocked_message")


def test_repeated_blocked_messages_put_the_seller_in_the_queue_once(buyer, seller, settings):
    settings.SELLER_REVIEW_BLOCKED_MESSAGES = 3
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    for minutes in range(2):
        message_send(
            thread=thread, sender=seller, body=OFF_PLATFORM, now=T0 + timedelta(minutes=minutes)
        )
    assert not ModerationCase.objects.filter(kind="repeated_blocks").exists()

    for minutes in range(2, 5):
        message_send(
            thread=thread, sender=seller, body=OFF_PLATFORM, now=T0 + timedelta(minutes=minutes)
        )

    review = ModerationCase.objects.get(kind="repeated_blocks")
    assert (review.subject, review.status, review.note) == (
        seller,
        "open",
        "3 blocked messages in the last 7 days.",
    )
    assert ("queued", None, seller.email, "repeated_blocks") in trail()


def test_blocks_older_than_the_window_do_not_count(buyer, seller, settings):
    settings.SELLER_REVIEW_BLOCKED_MESSAGES = 2
    settings.SELLER_REVIEW_WINDOW_DAYS = 7
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    message_send(thread=thread, sender=seller, body=OFF_PLATFORM, now=T0)

    message_send(
        thread=thread, sender=seller, body=OFF_PLATFORM, now=T0 + timedelta(days=7, seconds=1)
    )

    assert not ModerationCase.objects.filter(kind="repeated_blocks").exists()


def test_a_buyer_reports_a_seller_message(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    reply = message_send(thread=thread, sender=seller, body="Buy our other stuff!")

    case = moderation.message_report(
        reporter=buyer, message=reply, reason="spam", note="Advertising", now=T0
    )

    assert (case.kind, case.subject, case.reporter, case.report_reason, case.note) == (
        "report",
        seller,
        buyer,
        "spam",
        "Advertising",
    )
    assert trail() == [("reported", buyer.email, seller.email, "report")]
    with pytest.raises(ApplicationError) as again:
        moderation.message_report(reporter=buyer, message=reply, reason="spam")
    assert again.value.code == "already_reported"


def test_nobody_reports_their_own_or_someone_elses_message(buyer, seller):
    _, first = thread_with_message(buyer=buyer, seller=seller, now=T0)

    with pytest.raises(NotFound):
        moderation.message_report(reporter=buyer, message=first, reason="spam")
    with pytest.raises(NotFound):
        moderation.message_report(reporter=BuyerFactory(), message=first, reason="spam")
    assert ModerationCase.objects.count() == 0


def test_restricting_a_seller_closes_the_case_and_is_audited(buyer, seller, staff):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    blocked = message_send(thread=thread, sender=seller, body=OFF_PLATFORM, now=T0)
    case = ModerationCase.objects.get()

    restriction = moderation.seller_restrict(
        seller=seller, days=14, reason="Off-platform contact.", actor=staff, case=case, now=T0
    )

    assert (restriction.starts_at, restriction.ends_at, restriction.created_by) == (
        T0,
        T0 + timedelta(days=14),
        staff,
    )
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("closed", "restricted")
    assert Message.objects.get(pk=blocked.pk).review_outcome == "confirmed"
    assert trail()[-1] == ("restricted", staff.email, seller.email, "blocked_message")
    assert ModerationAction.objects.first().detail == "14 days: Off-platform contact."


def test_only_sellers_are_restricted_and_a_reason_is_required(buyer, seller, staff):
    with pytest.raises(ApplicationError) as not_seller:
        moderation.seller_restrict(seller=buyer, days=3, reason="x", actor=staff)
    with pytest.raises(ApplicationError) as no_reason:
        moderation.seller_restrict(seller=seller, days=3, reason=" ", actor=staff)

    assert (not_seller.value.code, no_reason.value.code) == ("not_seller", "reason_required")
    assert SellerRestriction.objects.count() == 0


# The admin queue


def queue_action(client, action: str, cases, **extra):
    return client.post(
        reverse("admin:messaging_moderationcase_changelist"),
        {"action": action, "_selected_action": [case.pk for case in cases], **extra},
    )


def test_the_queue_lists_blocked_messages_reports_and_sellers(client, staff, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    message_send(thread=thread, sender=buyer, body=OFF_PLATFORM)
    reply = message_send(thread=thread, sender=seller, body="Buy more!")
    moderation.message_report(reporter=buyer, message=reply, reason="spam")
    client.force_login(staff)

    response = client.get(reverse("admin:messaging_moderationcase_changelist"))

    assert response.status_code == 200
    assert [case.kind for case in response.context["cl"].result_list] == [
        "blocked_message",
        "report",
    ]


def test_staff_dismiss_a_report_from_the_queue(client, staff, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    reply = message_send(thread=thread, sender=seller, body="Buy more!")
    case = moderation.message_report(reporter=buyer, message=reply, reason="spam")
    client.force_login(staff)

    response = queue_action(client, "dismiss", [case])

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resolution, case.resolved_by) == ("closed", "dismissed", staff)
    assert trail()[-1] == ("dismissed", staff.email, seller.email, "report")


def test_staff_release_and_confirm_from_the_queue(client, staff, buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    first = message_send(thread=thread, sender=buyer, body=OFF_PLATFORM)
    second = message_send(thread=thread, sender=buyer, body="Call 415 555 0132")
    release_case, confirm_case = ModerationCase.objects.order_by("id")
    client.force_login(staff)

    queue_action(client, "release", [release_case])
    queue_action(client, "confirm", [confirm_case])

    assert Message.objects.get(pk=first.pk).status == "delivered"
    assert Message.objects.get(pk=second.pk).review_outcome == "confirmed"
    assert list(ModerationCase.objects.order_by("id").values_list("resolution", flat=True)) == [
        "released",
        "confirmed",
    ]


def test_staff_restrict_the_sender_through_a_form_with_days_and_reason(
    client, staff, buyer, seller
):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    message_send(thread=thread, sender=seller, body=OFF_PLATFORM)
    case = ModerationCase.objects.get()
    client.force_login(staff)

    form = queue_action(client, "restrict_sender", [case])
    assert form.status_code == 200
    assert form.context["form"].initial == {"days": 14}

    done = queue_action(
        client, "restrict_sender", [case], apply="1", days="3", reason="Off-platform contact."
    )

    assert done.status_code == 302
    restriction = SellerRestriction.objects.get()
    assert (restriction.seller, restriction.reason, restriction.created_by) == (
        seller,
        "Off-platform contact.",
        staff,
    )
    assert restriction.ends_at - restriction.starts_at == timedelta(days=3)
    case.refresh_from_db()
    assert case.resolution == "restricted"


def test_the_case_page_shows_its_audit_trail(client, staff, buyer, seller):
    order = OrderFactory(buyer=buyer, seller=seller)
    thread, _ = thread_with_message(order=order, now=T0)
    message_send(thread=thread, sender=buyer, body=OFF_PLATFORM)
    case = ModerationCase.objects.get()
    client.force_login(staff)

    response = client.get(reverse("admin:messaging_moderationcase_change", args=[case.pk]))

    assert response.status_code == 200
    assert "Queued" in response.content.decode()
