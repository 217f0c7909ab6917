"""Notification outbox and delivery (see notifications/services.py)."""
