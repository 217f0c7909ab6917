from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connect the receivers of sign-ins: the login throttle's, and the one that makes a team
        # member's session act for their shop.
        from accounts import guessing, members  # noqa: F401
