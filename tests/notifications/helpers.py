from notifications.tasks import notification_deliver


def enqueued_ids(callbacks) -> list[int]:
    """The notification ids whose delivery the on-commit callbacks enqueue, in order."""
    return [c.args[0] for c in callbacks if getattr(c, "func", None) == notification_deliver.delay]
