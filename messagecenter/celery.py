import os

from celery import Celery

from core import task_observability

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "messagecenter.settings")

app = Celery("messagecenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Request ids through tasks, a JSON line and metrics per task run, Django's logging config.
task_observability.connect()
# Each installed app's tasks.py, and those of the messaging capabilities that have tasks.
app.autodiscover_tasks()
app.autodiscover_tasks(
    [
        "messaging.clock",
        "messaging.evidence",
        "messaging.relay",
        "messaging.search",
        "messaging.threads",
    ]
)
