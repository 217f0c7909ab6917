"""The SMTP listener for replies by email: accept mail for reply aliases only, store, process.

aiosmtpd runs the handler in its event loop; the database work runs in a worker thread
(``sync_to_async``). The email is acknowledged (250) only once it is stored: if storing fails,
the sending server is told to try again later (451), so nothing is lost either way.

A peer that names too many recipients that are no valid alias (forged, or expired) within
``INBOUND_ALIAS_FAILURES_PER_CLIENT`` is refused at RCPT (450) until the window ends.
"""

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, connections

from accounts.guessing import address_group
from accounts.ratelimit import rate_limit_count, rate_limit_peek
from core.logs import request_id_accept, request_id_bound
from core.metrics import INBOUND_SMTP_RECIPIENTS_REFUSED
from messaging.models import InboundEmail
from messaging.relay.alias import AliasError, is_alias_address, reply_alias_parse
from messaging.relay.services import inbound_email_accept

logger = logging.getLogger(__name__)

ALIAS_CLIENT_SCOPE = "inbound_alias_client"


def _accept(raw: bytes, envelope_from: str, recipients: list[str]) -> None:
    try:
        inbound_email_accept(
            raw=raw,
            source=InboundEmail.Source.SMTP,
            envelope_from=envelope_from,
            recipients=recipients,
            process_now=True,
        )
    finally:
        # This thread is not a request: give its connection back after each email.
        connections.close_all()


def _alias_guess_refused(peer: str, address: str) -> bool:
    """Whether to refuse a recipient because its peer sent too many that were no valid alias.

    A forged or expired alias below the limit is still accepted, stored and explained to its
    sender, as before. Once the peer's allowance is used up, every recipient it names is
    refused until the window ends, valid or not, so the refusal tells a guesser nothing.
    """
    client = address_group(peer)
    rate = settings.INBOUND_ALIAS_FAILURES_PER_CLIENT
    try:
        if rate_limit_peek(scope=ALIAS_CLIENT_SCOPE, ident=client, rate=rate).exhausted:
            return True
        try:
            reply_alias_parse(address)
        except AliasError:
            rate_limit_count(scope=ALIAS_CLIENT_SCOPE, ident=client, rate=rate)
        return False
    finally:
        # This thread is not a request; the count may have used a connection (Redis away).
        connections.close_all()


class InboundSMTPHandler:
    """aiosmtpd handler: refuses other recipients, stores and processes each email."""

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not is_alias_address(address):
            INBOUND_SMTP_RECIPIENTS_REFUSED.labels(reason="not_an_alias").inc()
            return "550 5.1.1 No such recipient here"
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer or "")
        try:
            refused = await sync_to_async(_alias_guess_refused, thread_sensitive=True)(
                peer, address
            )
        except DatabaseError:
            logger.exception("alias limit not counted; the sender will retry")
            return "451 4.3.0 Temporary failure, please try again later"
        if refused:
            INBOUND_SMTP_RECIPIENTS_REFUSED.labels(reason="too_many_unknown_aliases").inc()
            return "450 4.7.1 Too many unknown recipients from your address; try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            raw = str(raw or "").encode()
        # Each email is a request of its own: its log lines and the tasks it enqueues (a
        # bounce) carry one id.
        with request_id_bound(request_id_accept(None)):
            try:
                await sync_to_async(_accept, thread_sensitive=True)(
                    raw, envelope.mail_from or "", list(envelope.rcpt_tos)
                )
            except DatabaseError:
                logger.exception("inbound email not stored; the sender will retry")
                return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 Message accepted"


def inbound_smtp_controller(*, host: str | None = None, port: int | None = None) -> Controller:
    """An SMTP server (not started) for reply aliases on the configured host and port."""
    return Controller(
        InboundSMTPHandler(),
        hostname=host or settings.INBOUND_SMTP_HOST,
        port=port or settings.INBOUND_SMTP_PORT,
        data_size_limit=settings.INBOUND_EMAIL_MAX_BYTES,
        ident="Message Center inbound",
    )
