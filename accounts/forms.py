from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Sign in with an email address; the errors speak the site's own voice in every language."""

    error_messages = {
        "invalid_login": _(
            "That email address and password do not match an account. "
            "Check both and try again; the password is case-sensitive."
        ),
        "inactive": _("This account is closed."),
    }
