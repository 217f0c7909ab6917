"""A service that failed a moment ago is left alone for a few seconds, in this process.

Redis (the shared cache, the task broker) can be down, or frozen so that every call waits for
its socket timeout. After one failure, callers skip it for ``seconds`` and degrade at once, so
an outage costs one request at most one timeout instead of costing every request.
"""

import logging
import time

logger = logging.getLogger(__name__)


class Outage:
    """The recent failures of one service, as this process saw them."""

    def __init__(self, name: str, *, seconds: float = 5.0) -> None:
        self.name = name
        self.seconds = seconds
        self._until = 0.0

    def is_resting(self) -> bool:
        """Whether the service failed less than ``seconds`` ago."""
        return time.monotonic() < self._until

    def failed(self, error: BaseException) -> None:
        """Note a failure: the service is left alone for the next ``seconds``."""
        self._until = time.monotonic() + self.seconds
        logger.warning("%s unavailable (%s); degrading for %.0f s", self.name, error, self.seconds)

    def reset(self) -> None:
        """Forget past failures."""
        self._until = 0.0
