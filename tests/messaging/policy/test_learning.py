"""The learning loop: staff label the filter's mistakes in the admin, and export them as corpus."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.errors import ApplicationError
from messaging.attachments.checks import IncomingFile
from messaging.models import ModerationAction, ModerationCase, PolicyFeedback
from messaging.moderation import services as moderation
from messaging.threads.services import message_send
from tests.messaging import badfiles
from tests.messaging.factories import thread_with_message

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BLOCKED_BODY = "Write to me at sam@gmail.com"
PASSED_BODY = "Thanks for your order, enjoy it!"

BLOCKED_CHANGELIST = "admin:messaging_blockedmessage_changelist"
CASE_CHANGELIST = "admin:messaging_moderationcase_changelist"


@pytest.fixture
def thread(buyer, seller):
    thread, _ = thread_with_message(buyer=buyer, seller=seller, now=T0)
    return thread


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def blocked_message(thread, buyer, *, files=()):
    return message_send(thread=thread, sender=buyer, body=BLOCKED_BODY, files=files, now=T0)


def released_message(thread, buyer, staff, *, files=()):
    message = blocked_message(thread, buyer, files=files)
    return moderation.message_release(message=message, reviewer=staff, now=T0)


def report(thread, buyer, seller):
    """A seller's message the filter let through, reported by the buyer."""
    message = message_send(thread=thread, sender=seller, body=PASSED_BODY, now=T0)
    return moderation.message_report(reporter=buyer, message=message, reason="spam", now=T0)


def confirmed_report(thread, buyer, seller, staff):
    case = report(thread, buyer, seller)
    return moderation.report_confirm(case=case, reviewer=staff, now=T0)


def admin_notes(response) -> list[tuple[str, str]]:
    return [(note.level_tag, note.message) for note in get_messages(response.wsgi_request)]


def labels() -> list[tuple]:
    return list(
        PolicyFeedback.objects.order_by("id").values_list(
            "message_id", "kind", "categories", "text", "filenames", "language", "created_by__email"
        )
    )


def labelled_trail() -> list[tuple]:
    return list(
        ModerationAction.objects.filter(action="labelled")
        .order_by("id")
        .values_list("actor__email", "subject__email", "message_id", "case__kind", "detail")
    )


# --- false positives --------------------------------------------------------------------------


def test_staff_label_a_released_message_a_false_positive(
    staff_client, staff, thread, buyer, seller
):
    buyer.language = "es"
    buyer.save(update_fields=["language"])
    message = released_message(
        thread, buyer, staff, files=[IncomingFile("photo 1.jpg", badfiles.jpeg())]
    )

    response = staff_client.post(
        reverse(BLOCKED_CHANGELIST),
        {"action": "mark_false_positive", "_selected_action": [message.pk]},
    )

    assert response.status_code == 302
    assert admin_notes(response) == [("info", "1 message(s) labelled false positive.")]
    assert labels() == [
        (message.pk, "false_positive", [], BLOCKED_BODY, ["photo 1.jpg"], "es", staff.email)
    ]
    assert labelled_trail() == [
        (staff.email, buyer.email, message.pk, "blocked_message", "false_positive")
    ]


def test_labelling_a_false_positive_again_changes_nothing(
    staff_client, staff, thread, buyer, seller
):
    message = released_message(thread, buyer, staff)
    moderation.message_mark_false_positive(message=message, staff=staff)

    response = staff_client.post(
        reverse(BLOCKED_CHANGELIST),
        {"action": "mark_false_positive", "_selected_action": [message.pk]},
    )

    assert admin_notes(response) == [
        ("info", f"#{message.pk}: already labelled false positive."),
        ("info", "0 message(s) labelled false positive."),
    ]
    assert PolicyFeedback.objects.count() == 1
    assert len(labelled_trail()) == 1


def test_the_case_queue_labels_a_released_message_a_false_positive(
    staff_client, staff, thread, buyer, seller
):
    message = released_message(thread, buyer, staff)
    case = ModerationCase.objects.get(message=message)

    response = staff_client.post(
        reverse(CASE_CHANGELIST), {"action": "mark_false_positive", "_selected_action": [case.pk]}
    )

    assert admin_notes(response) == [("info", "1 message(s) labelled false positive.")]
    assert labels() == [(message.pk, "false_positive", [], BLOCKED_BODY, [], "en", staff.email)]
    assert labelled_trail() == [
        (staff.email, buyer.email, message.pk, "blocked_message", "false_positive")
    ]


@pytest.mark.parametrize("review", ["pending", "confirmed"])
def test_a_message_not_released_is_refused_as_a_false_positive_and_nothing_is_written(
    staff_client, staff, thread, buyer, seller, review
):
    message = blocked_message(thread, buyer)
    if review == "confirmed":
        moderation.message_confirm_block(message=message, reviewer=staff, now=T0)
    actions_before = ModerationAction.objects.count()

    response = staff_client.post(
        reverse(BLOCKED_CHANGELIST),
        {"action": "mark_false_positive", "_selected_action": [message.pk]},
    )

    assert admin_notes(response) == [
        (
            "warning",
            f"#{message.pk}: Only a blocked message staff released can be a false positive.",
        ),
        ("info", "0 message(s) labelled false positive."),
    ]
    assert PolicyFeedback.objects.count() == 0
    assert ModerationAction.objects.count() == actions_before


def test_a_report_is_refused_as_a_false_positive(staff_client, thread, buyer, seller, staff):
    case = confirmed_report(thread, buyer, seller, staff)

    response = staff_client.post(
        reverse(CASE_CHANGELIST), {"action": "mark_false_positive", "_selected_action": [case.pk]}
    )

    assert admin_notes(response)[0] == (
        "warning",
        f"#{case.pk}: Only a blocked message staff released can be a false positive.",
    )
    assert PolicyFeedback.objects.count() == 0


# --- missed violations ------------------------------------------------------------------------


def test_the_missed_violation_action_asks_for_the_categories_first(
    staff_client, thread, buyer, seller, staff
):
    case = confirmed_report(thread, buyer, seller, staff)

    response = staff_client.post(
        reverse(CASE_CHANGELIST),
        {"action": "mark_missed_violation", "_selected_action": [case.pk]},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="categories" value="review_manipulation"' in page
    assert f'name="_selected_action" value="{case.pk}"' in page
    assert PolicyFeedback.objects.count() == 0


def test_staff_label_a_confirmed_report_a_missed_violation(
    staff_client, thread, buyer, seller, staff
):
    seller.language = "es"
    seller.save(update_fields=["language"])
    case = confirmed_report(thread, buyer, seller, staff)

    response = staff_client.post(
        reverse(CASE_CHANGELIST),
        {
            "action": "mark_missed_violation",
            "_selected_action": [case.pk],
            "apply": "1",
            "categories": ["review_manipulation", "marketing"],
        },
    )

    assert response.status_code == 302
    assert admin_notes(response) == [("info", "1 message(s) labelled missed violation.")]
    assert labels() == [
        (
            case.message_id,
            "missed_violation",
            ["marketing", "review_manipulation"],
            PASSED_BODY,
            [],
            "es",
            staff.email,
        )
    ]
    assert labelled_trail() == [
        (
            staff.email,
            seller.email,
            case.message_id,
            "report",
            "missed_violation: marketing, review_manipulation",
        )
    ]


def test_labelling_a_missed_violation_again_keeps_the_first_label(thread, buyer, seller, staff):
    case = confirmed_report(thread, buyer, seller, staff)
    first, created = moderation.report_mark_missed_violation(
        case=case, categories=["marketing"], staff=staff, now=T0
    )

    again, created_again = moderation.report_mark_missed_violation(
        case=case, categories=["opt_out"], staff=staff, now=T0 + timedelta(hours=1)
    )

    assert (created, created_again, again.pk, again.categories) == (
        True,
        False,
        first.pk,
        ["marketing"],
    )
    assert PolicyFeedback.objects.count() == 1
    assert len(labelled_trail()) == 1


@pytest.mark.parametrize("state", ["open", "dismissed"])
def test_a_report_not_confirmed_is_refused_as_a_missed_violation_and_nothing_is_written(
    staff_client, thread, buyer, seller, staff, state
):
    case = report(thread, buyer, seller)
    if state == "dismissed":
        moderation.case_dismiss(case=case, reviewer=staff, now=T0)
    actions_before = ModerationAction.objects.count()

    response = staff_client.post(
        reverse(CASE_CHANGELIST),
        {
            "action": "mark_missed_violation",
            "_selected_action": [case.pk],
            "apply": "1",
            "categories": ["marketing"],
        },
    )

    assert admin_notes(response) == [
        (
            "warning",
            f"#{case.pk}: Only a report staff confirmed as a violation can be a missed violation.",
        ),
        ("info", "0 message(s) labelled missed violation."),
    ]
    assert PolicyFeedback.objects.count() == 0
    assert ModerationAction.objects.count() == actions_before


def test_a_missed_violation_without_categories_shows_the_form_again_and_writes_nothing(
    staff_client, thread, buyer, seller, staff
):
    case = confirmed_report(thread, buyer, seller, staff)

    response = staff_client.post(
        reverse(CASE_CHANGELIST),
        {"action": "mark_missed_violation", "_selected_action": [case.pk], "apply": "1"},
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert PolicyFeedback.objects.count() == 0


def test_a_missed_violation_needs_known_categories(thread, buyer, seller, staff):
    case = confirmed_report(thread, buyer, seller, staff)

    with pytest.raises(ApplicationError) as error:
        moderation.report_mark_missed_violation(case=case, categories=["spam"], staff=staff)

    assert error.value.code == "invalid_categories"
    assert PolicyFeedback.objects.count() == 0


# --- the feedback list ------------------------------------------------------------------------


def test_staff_read_the_feedback_in_a_read_only_list(staff_client, thread, buyer, seller, staff):
    message = released_message(thread, buyer, staff)
    moderation.message_mark_false_positive(message=message, staff=staff)
    moderation.report_mark_missed_violation(
        case=confirmed_report(thread, buyer, seller, staff), categories=["marketing"], staff=staff
    )

    listing = staff_client.get(reverse("admin:messaging_policyfeedback_changelist"))
    adding = staff_client.get(reverse("admin:messaging_policyfeedback_add"))

    assert listing.status_code == 200
    page = listing.content.decode()
    assert BLOCKED_BODY in page and PASSED_BODY in page
    assert "Missed violation" in page and "False positive" in page
    assert adding.status_code == 403


# --- the export -------------------------------------------------------------------------------


def export(**options) -> list[dict]:
    out = StringIO()
    call_command("policy_corpus_export", stdout=out, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def labelled(thread, buyer, seller, staff):
    """A false positive with a file (day 0) and a missed violation (day 3)."""
    message = released_message(
        thread, buyer, staff, files=[IncomingFile("photo 1.jpg", badfiles.jpeg())]
    )
    false_positive, _ = moderation.message_mark_false_positive(message=message, staff=staff, now=T0)
    missed, _ = moderation.report_mark_missed_violation(
        case=confirmed_report(thread, buyer, seller, staff),
        categories=["review_manipulation", "marketing"],
        staff=staff,
        now=T0 + timedelta(days=3),
    )
    return false_positive, missed


def test_the_export_writes_each_label_as_a_corpus_line(labelled):
    false_positive, missed = labelled
    out = StringIO()

    call_command("policy_corpus_export", stdout=out)

    assert out.getvalue().splitlines() == [
        json.dumps(
            {
                "id": f"fb-{false_positive.pk}",
                "lang": "en",
                "text": "Write to me at sam@gmail.com\n[attachment: photo 1.jpg]",
                "expected": "allow",
                "categories": ["none"],
                "tags": ["feedback", "false_positive"],
            }
        ),
        json.dumps(
            {
                "id": f"fb-{missed.pk}",
                "lang": "en",
                "text": "Thanks for your order, enjoy it!",
                "expected": "block",
                "categories": ["marketing", "review_manipulation"],
                "tags": ["feedback", "missed_violation"],
            }
        ),
    ]


def test_the_export_keeps_non_ascii_text_as_is(thread, buyer, staff):
    buyer.language = "es"
    buyer.save(update_fields=["language"])
    message = message_send(
        thread=thread, sender=buyer, body="Escríbeme a sam@gmail.com, ¿vale?", now=T0
    )
    moderation.message_release(message=message, reviewer=staff, now=T0)
    feedback, _ = moderation.message_mark_false_positive(message=message, staff=staff)
    out = StringIO()

    call_command("policy_corpus_export", stdout=out)

    assert out.getvalue() == (
        f'{{"id": "fb-{feedback.pk}", "lang": "es", "text": "Escríbeme a sam@gmail.com, ¿vale?", '
        '"expected": "allow", "categories": ["none"], "tags": ["feedback", "false_positive"]}\n'
    )


def test_the_export_filters_by_kind_and_date(labelled):
    false_positive, missed = labelled

    assert [line["id"] for line in export(kind=["false_positive"])] == [f"fb-{false_positive.pk}"]
    assert [line["id"] for line in export(kind=["missed_violation", "false_positive"])] == [
        f"fb-{false_positive.pk}",
        f"fb-{missed.pk}",
    ]
    assert [line["id"] for line in export(since="2026-03-03")] == [f"fb-{missed.pk}"]
    assert [line["id"] for line in export(since="2026-03-05T09:00:00+00:00")] == [f"fb-{missed.pk}"]
    assert export(since="2026-03-06") == []


def test_the_export_refuses_a_bad_date(db):
    with pytest.raises(CommandError) as error:
        export(since="last week")

    assert str(error.value) == "--since: 'last week' is not a date (YYYY-MM-DD) or date-time"


def test_exported_feedback_is_read_back_by_policy_eval(labelled, tmp_path):
    corpus = tmp_path / "feedback.jsonl"
    err = StringIO()
    call_command("policy_corpus_export", output=str(corpus), stdout=StringIO(), stderr=err)
    out = StringIO()

    call_command("policy_eval", str(corpus), format="json", stdout=out)

    assert err.getvalue() == f"2 line(s) written to {corpus}.\n"
    report = json.loads(out.getvalue())
    # Every label is a mistake of the filter: the false positive is blocked, the missed
    # violation allowed.
    assert report["overall"] == {
        "count": 2,
        "block": 1,
        "allow": 1,
        "true_positives": 0,
        "false_positives": 1,
        "false_negatives": 1,
        "true_negatives": 0,
        "precision": 0.0,
        "recall": 0.0,
        "false_positive_rate": 1.0,
    }
    assert report["by_tag"]["feedback"]["count"] == 2
    assert [miss["got"] for miss in report["false_positives"]] == [["email"]]
    assert [miss["text"] for miss in report["false_negatives"]] == [PASSED_BODY]
