"""Tasks are enqueued by their stable names (core.tasks): every name used must be a task's."""

import ast
from pathlib import Path

from django.conf import settings

from messagecenter.celery import app

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "core", "messaging", "notifications", "orders")


def names_enqueued_in_code() -> set[str]:
    names = set()
    for app_name in APPS:
        for path in (ROOT / app_name).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") in {"task_enqueue", "task_send"}
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    names.add(node.args[0].value)
    return names


def test_every_task_enqueued_by_name_or_scheduled_is_registered():
    app.loader.import_default_modules()  # what a worker imports when it starts
    enqueued = names_enqueued_in_code()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert enqueued == {
        "messaging.build_evidence_export",
        "messaging.process_inbound_email",
        "messaging.release_sending_message",
        "messaging.send_inbound_bounce",
        "notifications.deliver",
        "notifications.deliver_webhook",
    }
    assert scheduled == {
        "accounts.purge_rate_limit_windows",
        "messaging.purge_idempotency_keys",
        "messaging.purge_trash",
        "messaging.send_response_reminders",
        "messaging.snapshot_response_metrics",
        "messaging.sweep_evidence_exports",
        "messaging.sweep_inbound_emails",
        "messaging.sweep_search_refreshes",
        "messaging.sweep_sending_messages",
        "notifications.purge_outboxes",
        "notifications.send_digests",
        "notifications.sweep",
        "notifications.sweep_webhooks",
    }
    assert (enqueued | scheduled) - set(app.tasks) == set()
