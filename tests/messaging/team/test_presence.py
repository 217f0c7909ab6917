"""Presence: who of the team has a thread open or is replying, from the shared cache."""

from messaging.team.presence import PRESENCE_SECONDS, presence_leave, presence_report


def test_each_person_sees_the_others_replying_first():
    presence_report(thread_id=7, person_id=1, name="Ana", state="viewing", now=100.0)
    presence_report(thread_id=7, person_id=2, name="Ben", state="replying", now=101.0)

    seen_by_sam = presence_report(thread_id=7, person_id=3, name="Sam", state="viewing", now=102.0)
    seen_by_ana = presence_report(thread_id=7, person_id=1, name="Ana", state="replying", now=103.0)

    assert seen_by_sam == [
        {"name": "Ben", "state": "replying"},
        {"name": "Ana", "state": "viewing"},
    ]
    assert seen_by_ana == [
        {"name": "Ben", "state": "replying"},
        {"name": "Sam", "state": "viewing"},
    ]


def test_a_state_expires_without_a_new_report():
    presence_report(thread_id=7, person_id=1, name="Ana", state="replying", now=100.0)

    later = presence_report(
        thread_id=7, person_id=2, name="Ben", state="viewing", now=100.0 + PRESENCE_SECONDS + 1
    )

    assert later == []


def test_leaving_forgets_the_state_and_threads_are_apart():
    presence_report(thread_id=7, person_id=1, name="Ana", state="replying", now=100.0)
    presence_report(thread_id=8, person_id=2, name="Ben", state="replying", now=100.0)
    presence_leave(thread_id=7, person_id=1)

    assert presence_report(thread_id=7, person_id=3, name="Sam", state="viewing", now=101.0) == []


def test_with_the_cache_away_nobody_is_shown(redis_away):
    assert presence_report(thread_id=7, person_id=1, name="Ana", state="viewing") == []


def test_the_presence_line_names_who_is_replying_first():
    from django.utils import translation

    from messaging.team.presence import presence_line

    both = [{"name": "Ana", "state": "replying"}, {"name": "Ben", "state": "viewing"}]
    two = [{"name": "Ana", "state": "replying"}, {"name": "Ben", "state": "replying"}]

    assert presence_line(both) == "Ana is replying…"
    assert presence_line(two) == "Ana and Ben are replying…"
    assert presence_line(both[1:]) == "Ben also has this conversation open."
    assert presence_line([]) == ""
    with translation.override("es"):
        assert presence_line(two) == "Ana y Ben están respondiendo…"
