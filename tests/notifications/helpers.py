from notifications.tasks import notification_deliver


def enqueued_ids(callbacks) -> list[int]:
    """The notification ids whose delivery the on-commit callbacks enqueue, in order."""
    return [
        callback.args[0]
        for callback in callbacks
        if getattr(callback, "func", None) == notification_deliver.delay
    ]
