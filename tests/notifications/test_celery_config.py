from datetime import timedelta

from django.conf import settings

from messagecenter.celery import app
from notifications.services import retry_delay
from notifications.tasks import (
    digests_send,
    notification_deliver,
    notification_sweep,
    webhook_deliver,
)


def test_tasks_have_explicit_stable_names():
    assert notification_deliver.name == "notifications.deliver"
    assert notification_sweep.name == "notifications.sweep"
    assert digests_send.name == "notifications.send_digests"
    assert {"notifications.deliver", "notifications.sweep", "notifications.send_digests"} <= set(
        app.tasks
    )


def test_celery_acknowledges_late_and_takes_one_task_at_a_time():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert notification_deliver.acks_late is True
    assert (notification_deliver.soft_time_limit, notification_deliver.time_limit) == (330, 360)


def test_a_delivery_has_time_for_a_whole_slow_smtp_session():
    # About ten SMTP steps, each allowed EMAIL_TIMEOUT: the soft limit never cuts a session
    # short after the server accepted the email (which the next attempt would send again).
    assert notification_deliver.soft_time_limit >= 10 * settings.EMAIL_TIMEOUT
    assert webhook_deliver.soft_time_limit > 5 + 2 * settings.WEBHOOK_TIMEOUT_SECONDS


def test_redis_visibility_timeout_is_longer_than_any_retry_countdown():
    longest_countdown = max(retry_delay(n) for n in range(1, 50))

    assert longest_countdown == settings.NOTIFICATION_RETRY_MAX_SECONDS
    if settings.REDIS_URL:
        assert app.conf.broker_transport_options["visibility_timeout"] > longest_countdown


def test_a_claim_outlives_the_delivery_time_limit():
    assert timedelta(seconds=notification_deliver.time_limit) < settings.NOTIFICATION_CLAIM_TIMEOUT
    assert timedelta(seconds=webhook_deliver.time_limit) < settings.WEBHOOK_CLAIM_TIMEOUT


def test_beat_runs_the_sweep_and_the_digests_every_minute_or_faster():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert schedule["notifications.sweep"] <= 60
    assert schedule["notifications.send_digests"] <= 60
