from django.apps import AppConfig
from django.db.backends.signals import connection_created


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from messaging.search.folding import register_sqlite_fold
        from messaging.threads.inbox_page import signals_connect

        connection_created.connect(register_sqlite_fold, dispatch_uid="messaging-sqlite-fold")
        signals_connect()
