"""In a real browser: a demo seller reads the Performance page — the weekly chart, the figures
behind it, and the late and unanswered messages, each a link to its conversation."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from messaging.clock.deadline import format_duration
from messaging.models import Obligation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDED_AT = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)


def shown(moment: datetime) -> str:
    """As the page writes a moment (core/moments.py): relative today and yesterday, else a date."""
    days = (SEEDED_AT.date() - moment.date()).days
    if days == 0:
        return f"today at {moment:%H:%M}"
    if days == 1:
        return f"yesterday at {moment:%H:%M}"
    return f"{moment:%b} {moment.day}, {moment.year}, {moment:%H:%M}"


@pytest.fixture
def demo_seller(monkeypatch):
    # The live server runs in this process: the page is read at the moment the demo was built.
    monkeypatch.setattr(timezone, "now", lambda: SEEDED_AT)
    call_command("seed_demo", stdout=StringIO())
    seller = User.objects.get(email="seller@example.com")
    User.objects.filter(pk=seller.pk).update(language="en")
    seller.refresh_from_db()
    return seller


def test_demo_seller_reads_the_chart_and_the_late_and_unanswered_messages(signed_in, demo_seller):
    seller = demo_seller
    misses = list(
        Obligation.objects.filter(
            seller=seller,
            outcome__in=["answered_late", "open"],
            due_at__lt=SEEDED_AT.replace(hour=0),
        )
        .select_related("thread__order")
        .order_by("-due_at", "-id")
    )
    tab = signed_in(seller, "seller-performance")

    tab.open("/seller/performance/")
    tab.shot("page")

    page = tab.page
    assert page.text_content("h1") == "Response performance"
    # The list: the demo's unanswered plates question, then the two late replies of the history.
    rows = page.locator("table.misses tbody tr")
    assert [m.outcome for m in misses] == ["open", "answered_late", "answered_late"]
    assert rows.count() == 3
    for index, miss in enumerate(misses):
        cells = [
            " ".join(text.split()) for text in rows.nth(index).locator("th, td").all_text_contents()
        ]
        answered = shown(miss.answered_at) if miss.answered_at else "Not answered"
        late_by = format_duration((miss.answered_at or SEEDED_AT) - miss.due_at)
        assert cells == [
            f"Shipping · Order {miss.thread.order.number}"
            if miss.thread.topic == "shipping"
            else str(miss.thread.subject),
            shown(miss.received_at),
            shown(miss.due_at),
            answered,
            late_by if miss.answered_at else f"{late_by} so far",
        ]
    plates = misses[0]
    assert (plates.received_at, plates.due_at) == (
        SEEDED_AT - timedelta(hours=50),
        SEEDED_AT - timedelta(hours=26),
    )
    assert rows.nth(0).locator("td").last.text_content() == "1d 2h so far"

    # The chart: 13 weekly bars whose parts add up to the 90-day figures on the page.
    assert page.locator("svg.week-chart g.week").count() == 13
    parts: dict[str, int] = {}
    for segment in page.locator("svg.week-chart rect.segment").all():
        name = segment.get_attribute("class").split()[1]
        parts[name] = parts.get(name, 0) + int(segment.get_attribute("data-count"))
    assert parts == {"answered_on_time": 11, "answered_late": 2, "not_answered": 1, "excluded": 1}
    newest = page.locator("svg.week-chart g.week").last.locator("title").text_content()
    assert newest == (
        "Mar 26 – Apr 1: 2 messages due, 50.0% on time (on time 1, late 0, not answered 1, "
        "no response needed 0)"
    )
    box = page.locator("svg.week-chart").bounding_box()
    assert box is not None and box["width"] > 600 and 150 < box["height"] < 300

    # The table behind the chart opens with the same figures.
    assert not page.locator("details.chart-figures table").is_visible()
    page.click("details.chart-figures summary")
    figures = page.locator("details.chart-figures tbody tr")
    assert figures.count() == 13
    assert [" ".join(t.split()) for t in figures.last.locator("th, td").all_text_contents()] == [
        "Mar 26 – Apr 1",
        "2",
        "1",
        "0",
        "1",
        "0",
        "50.0%",
    ]
    tab.shot("figures")

    # Each listed message opens its conversation.
    rows.nth(0).locator("a").click()
    page.wait_for_url(f"**/seller/messages/{plates.thread_id}/")
    assert "dishwasher safe" in page.text_content("main")


def test_the_performance_page_in_spanish(signed_in, demo_seller):
    User.objects.filter(pk=demo_seller.pk).update(language="es")
    tab = signed_in(demo_seller, "seller-performance-es")

    tab.open("/seller/performance/")
    tab.shot("page")

    assert tab.page.text_content("h1") == "Rendimiento de respuesta"
    assert tab.page.locator("table.misses tbody tr").count() == 3
    assert tab.page.locator("svg.week-chart g.week").count() == 13
