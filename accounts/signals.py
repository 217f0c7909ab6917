"""Events of accounts that other apps act on (accounts imports none of them)."""

from django.dispatch import Signal

# Sign-ins to an account were paused after too many failed attempts: sent once per window with
# ``user``, ``resume_at`` (an aware datetime) and ``window_end`` (Unix time, names the window).
sign_in_paused = Signal()
