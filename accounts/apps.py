from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connects the receiver that tells the login throttle a sign-in succeeded.
        from accounts import guessing  # noqa: F401
