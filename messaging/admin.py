"""The messaging admin. Django discovers this module; each capability registers its own models."""

from messaging.clock import admin as clock_admin  # noqa: F401
from messaging.evidence import admin as evidence_admin  # noqa: F401
from messaging.moderation import admin as moderation_admin  # noqa: F401
from messaging.relay import admin as relay_admin  # noqa: F401
from messaging.threads import admin as threads_admin  # noqa: F401
