"""Celery beat's scheduler, leaving a heartbeat: the beat healthcheck reads how old it is.

Beat serves nothing a healthcheck could call, so each turn of its loop touches
``BEAT_HEARTBEAT_FILE``. The loop turns at least as often as the shortest schedule (30 s here);
a file older than a few turns means beat is stuck or gone (``healthcheck beat``).
"""

import logging
from pathlib import Path
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)


class HeartbeatScheduler(PersistentScheduler):
    def tick(self, *args: Any, **kwargs: Any) -> float:
        path = settings.BEAT_HEARTBEAT_FILE
        if path:
            try:
                Path(path).touch()
            except OSError as error:
                logger.warning("beat heartbeat not written: %s", error)
        delay: float = super().tick(*args, **kwargs)
        return delay
