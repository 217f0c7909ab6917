from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # The inbound email admin lives beside the inbound path it shows (messaging/inbound*.py).
        from messaging import inbound_admin  # noqa: F401
