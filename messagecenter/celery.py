import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "messagecenter.settings")

app = Celery("messagecenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
