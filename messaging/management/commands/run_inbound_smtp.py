"""Run the SMTP listener that turns replies to notification emails into messages."""

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.metrics import exporter_start
from messaging.relay.smtp import inbound_smtp_controller


class Command(BaseCommand):
    help = "Accept replies by email (SMTP on INBOUND_SMTP_HOST:INBOUND_SMTP_PORT)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=None, help="Overrides INBOUND_SMTP_HOST.")
        parser.add_argument("--port", type=int, default=None, help="Overrides INBOUND_SMTP_PORT.")

    def handle(self, *args: Any, **options: Any) -> None:
        # aiosmtpd logs every SMTP command at INFO; our own log says what happened to each email.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = inbound_smtp_controller(host=options["host"], port=options["port"])
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        controller.start()
        if settings.METRICS_PORT:
            exporter_start(port=settings.METRICS_PORT, host=settings.METRICS_HOST)
        self.stdout.write(
            f"Accepting replies for *@{settings.REPLY_DOMAIN} on "
            f"{controller.hostname}:{controller.port}",
        )
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
