import pytest

from tests.notifications import smtp


@pytest.fixture
def smtp_failures(settings):
    """Queue SMTP errors the next deliveries meet (the mail server is the boundary)."""
    settings.EMAIL_BACKEND = "tests.notifications.smtp.FlakyBackend"
    smtp.failures.clear()
    yield smtp.failures
    smtp.failures.clear()
