from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # The inbound email admin lives beside the inbound path it shows (messaging/inbound*.py);
        # the accounts admin is extended so that renames re-index threads (imports run one way).
        from messaging import inbound_admin, party_admin  # noqa: F401
