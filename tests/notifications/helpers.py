def enqueued_ids(callbacks) -> list[int]:
    """The notification ids whose delivery the on-commit callbacks enqueue, in order."""
    return [
        c.args[1] for c in callbacks if getattr(c, "args", ())[:1] == ("notifications.deliver",)
    ]
