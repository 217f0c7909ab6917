"""The messaging data, one module per area; every model is importable from here."""

from messaging.models.attachments import Attachment, attachment_key
from messaging.models.clock import Obligation, ObligationOutcome, ResponseDay, ResponseSnapshot
from messaging.models.evidence import EvidenceExport, EvidenceScope, EvidenceStatus
from messaging.models.idempotency import IdempotencyKey
from messaging.models.moderation import (
    CaseKind,
    CaseResolution,
    CaseStatus,
    FeedbackKind,
    ModerationAction,
    ModerationCase,
    PolicyFeedback,
    ReportReason,
    SellerRestriction,
)
from messaging.models.relay import InboundEmail, InboundEmailStatus, InboundWebhookToken
from messaging.models.replies import SavedReply
from messaging.models.rules import ProactiveReason, SellerBlock, UnsolicitedOptOut
from messaging.models.search import SearchDocument, SearchRefresh
from messaging.models.team import TeamActivity, TeamActivityKind, ThreadNote
from messaging.models.threads import (
    BlockedMessage,
    Message,
    MessageKind,
    MessageStatus,
    Participant,
    ParticipantRole,
    ReviewOutcome,
    Thread,
    ThreadKind,
    Topic,
)

__all__ = [
    "Attachment",
    "BlockedMessage",
    "CaseKind",
    "CaseResolution",
    "CaseStatus",
    "EvidenceExport",
    "EvidenceScope",
    "EvidenceStatus",
    "FeedbackKind",
    "IdempotencyKey",
    "InboundEmail",
    "InboundEmailStatus",
    "InboundWebhookToken",
    "Message",
    "MessageKind",
    "MessageStatus",
    "ModerationAction",
    "ModerationCase",
    "Obligation",
    "ObligationOutcome",
    "Participant",
    "ParticipantRole",
    "PolicyFeedback",
    "ProactiveReason",
    "ReportReason",
    "ResponseDay",
    "ResponseSnapshot",
    "ReviewOutcome",
    "SavedReply",
    "SearchDocument",
    "SearchRefresh",
    "SellerBlock",
    "SellerRestriction",
    "TeamActivity",
    "TeamActivityKind",
    "Thread",
    "ThreadKind",
    "ThreadNote",
    "Topic",
    "UnsolicitedOptOut",
    "attachment_key",
]
