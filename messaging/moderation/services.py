from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import ApplicationError, NotFound
from messaging.clock.selectors import thread_waiting_since
from messaging.models import (
    CaseKind,
    CaseResolution,
    CaseStatus,
    FeedbackKind,
    Message,
    MessageKind,
    MessageStatus,
    ModerationAction,
    ModerationCase,
    Participant,
    ParticipantRole,
    PolicyFeedback,
    ReportReason,
    ReviewOutcome,
    SellerRestriction,
)
from messaging.moderation import services as moderation
from messaging.policy import CATEGORIES
from messaging.threads.delivery import (
    message_deliver,
    message_notification_context,
    participants_lock,
)
from notifications.services import notify

Action = ModerationAction.Action


def moderation_action_record(
    *,
    action: str,
    actor: User | None,
    now: datetime,
    case: ModerationCase | None = None,
    subject_id: int | None = None,
    message_id: int | None = None,
    detail: str = "",
) -> ModerationAction:
    """Write one line of the audit trail."""
    return ModerationAction.objects.create(
        case=case,
        actor=actor,
        action=action,
        subject_id=subject_id if subject_id is not None else (case.subject_id if case else None),
        message_id=message_id if message_id is not None else (case.message_id if case else None),
        detail=detail[:500],
        created_at=now,
    )


def _close(case: ModerationCase, *, resolution: str, actor: User | None, now: datetime) -> None:
    case.status, case.resolution = CaseStatus.CLOSED, resolution
    case.resolved_by, case.resolved_at = actor, now
    case.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])


def blocked_message_enqueue(*, message: Message, now: datetime) -> None:
    """Queue a message the content policy stopped; queue its seller after repeated blocks.

    Called inside the sending transaction.
    """
    if message.sender_id is None:
        return
    case = ModerationCase.objects.create(
        kind=CaseKind.BLOCKED_MESSAGE,
        subject_id=message.sender_id,
        message=message,
        created_at=now,
    )
    moderation_action_record(
        action=Action.QUEUED, actor=None, now=now, case=case, detail=", ".join(message.categories)
    )
    if message.sender_role == ParticipantRole.SELLER:
        _seller_review_if_repeated(seller_id=message.sender_id, now=now)


def _seller_review_if_repeated(*, seller_id: int, now: datetime) -> None:
    threshold = settings.SELLER_REVIEW_BLOCKED_MESSAGES
    days = settings.SELLER_REVIEW_WINDOW_DAYS
    recent = Message.objects.filter(
        sender_id=seller_id,
        status=MessageStatus.BLOCKED,
        created_at__gt=now - timedelta(days=days),
        created_at__lte=now,
    ).count()
    if recent < threshold:
        return
    if ModerationCase.objects.filter(
        kind=CaseKind.REPEATED_BLOCKS, subject_id=seller_id, status=CaseStatus.OPEN
    ).exists():
        return
    try:
        with transaction.atomic():
            case = ModerationCase.objects.create(
                kind=CaseKind.REPEATED_BLOCKS,
                subject_id=seller_id,
                note=f"{recent} blocked messages in the last {days} days.",
                created_at=now,
            )
    except IntegrityError:
        return  # another send queued this seller a moment ago
    moderation_action_record(action=Action.QUEUED, actor=None, now=now, case=case, detail=case.note)


def message_review_record(
    *, message: Message, resolution: str, reviewer: User, now: datetime
) -> None:
    """Close the open cases of a blocked message staff released or confirmed."""
    cases = list(
        ModerationCase.objects.select_for_update().filter(
            message=message, kind=CaseKind.BLOCKED_MESSAGE, status=CaseStatus.OPEN
        )
    )
    for case in cases:
        _close(case, resolution=resolution, actor=reviewer, now=now)
    action = Action.RELEASED if resolution == CaseResolution.RELEASED else Action.CONFIRMED
    moderation_action_record(
        action=action,
        actor=reviewer,
        now=now,
        case=cases[0] if cases else None,
        subject_id=message.sender_id,
        message_id=message.pk,
    )


@transaction.atomic
def message_report(
    *, reporter: User, message: Message, reason: str, note: str = "", now: datetime | None = None
) -> ModerationCase:
    """Report a message the other side sent; it goes to the moderation queue."""
    now = now or timezone.now()
    visible = (
        message.status == MessageStatus.DELIVERED
        and message.sender_id is not None
        and message.sender_id != reporter.pk
        and reporter.pk in (message.thread.buyer_id, message.thread.seller_id)
    )
    if not visible:
        raise NotFound("No such message.")
    if reason not in ReportReason.values:
        detail = "Pick why you are reporting this message."
        raise ApplicationError("invalid_report_reason", detail, fields={"reason": [detail]})
    assert message.sender_id is not None
    try:
        with transaction.atomic():
            case = ModerationCase.objects.create(
                kind=CaseKind.REPORT,
                subject_id=message.sender_id,
                message=message,
                reporter=reporter,
                report_reason=reason,
                note=(note or "").strip()[:500],
                created_at=now,
            )
    except IntegrityError:
        raise ApplicationError(
            "already_reported", "You already reported this message; our team is looking at it."
        ) from None
    moderation_action_record(
        action=Action.REPORTED, actor=reporter, now=now, case=case, detail=reason
    )
    return case


def _lock_open(case: ModerationCase) -> ModerationCase:
    locked = ModerationCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.OPEN:
        raise ApplicationError("case_closed", "This case was already closed.")
    return locked


@transaction.atomic
def case_dismiss(
    *, case: ModerationCase, reviewer: User, now: datetime | None = None
) -> ModerationCase:
    """Close a report (or a seller review) as needing no action."""
    now = now or timezone.now()
    locked = _lock_open(case)
    if locked.kind == CaseKind.BLOCKED_MESSAGE:
        raise ApplicationError(
            "not_dismissable", "A blocked message is released or confirmed, not dismissed."
        )
    _close(locked, resolution=CaseResolution.DISMISSED, actor=reviewer, now=now)
    moderation_action_record(action=Action.DISMISSED, actor=reviewer, now=now, case=locked)
    return locked


@transaction.atomic
def report_confirm(
    *, case: ModerationCase, reviewer: User, now: datetime | None = None
) -> ModerationCase:
    """Close a report as a confirmed violation (the delivered message stays as it is)."""
    now = now or timezone.now()
    locked = _lock_open(case)
    if locked.kind != CaseKind.REPORT:
        raise ApplicationError("not_a_report", "Only a report is confirmed this way.")
    _close(locked, resolution=CaseResolution.CONFIRMED, actor=reviewer, now=now)
    moderation_action_record(action=Action.CONFIRMED, actor=reviewer, now=now, case=locked)
    return locked


@transaction.atomic
def seller_restrict(
    *,
    seller: User,
    days: int,
    reason: str,
    actor: User,
    case: ModerationCase | None = None,
    now: datetime | None = None,
) -> SellerRestriction:
    """Stop a seller's proactive messages and review requests for ``days`` days.

    Replies stay possible. The reason is shown to the seller. Closes the case it came from.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not seller.is_seller:
        raise ApplicationError(
            "not_seller", "Only a seller's proactive messaging can be restricted."
        )
    if not 1 <= days <= 365:
        detail = "Restrict for 1 to 365 days."
        raise ApplicationError("invalid_days", detail, fields={"days": [detail]})
    if not reason:
        detail = "Say why; the seller is shown this reason."
        raise ApplicationError("reason_required", detail, fields={"reason": [detail]})
    locked = _lock_open(case) if case is not None else None
    restriction = SellerRestriction.objects.create(
        seller=seller,
        reason=reason[:300],
        starts_at=now,
        ends_at=now + timedelta(days=days),
        created_by=actor,
    )
    if locked is not None:
        _close(locked, resolution=CaseResolution.RESTRICTED, actor=actor, now=now)
        if locked.kind == CaseKind.BLOCKED_MESSAGE and locked.message_id is not None:
            # Restricting the sender over a blocked message confirms that block too.
            Message.objects.filter(
                pk=locked.message_id,
                status=MessageStatus.BLOCKED,
                review_outcome=ReviewOutcome.PENDING,
            ).update(review_outcome=ReviewOutcome.CONFIRMED, reviewed_by=actor, reviewed_at=now)
    moderation_action_record(
        action=Action.RESTRICTED,
        actor=actor,
        now=now,
        case=locked,
        subject_id=seller.pk,
        message_id=locked.message_id if locked else None,
        detail=f"{days} days: {reason}",
    )
    return restriction


@transaction.atomic
def restriction_lift(
    *, restriction: SellerRestriction, actor: User, now: datetime | None = None
) -> SellerRestriction:
    """End a seller's restriction now, before its planned end; write who did it to the trail.

    The restriction is kept, ending now, so the seller's history stays readable.
    """
    now = now or timezone.now()
    locked = SellerRestriction.objects.select_for_update().get(pk=restriction.pk)
    if locked.ends_at <= now:
        raise ApplicationError("restriction_ended", "This restriction has already ended.")
    planned_end = locked.ends_at
    # A restriction always ends after it starts; one lifted the instant it began (or before)
    # ends a microsecond after its start.
    locked.ends_at = max(now, locked.starts_at + timedelta(microseconds=1))
    locked.save(update_fields=["ends_at"])
    moderation_action_record(
        action=Action.LIFTED,
        actor=actor,
        now=now,
        subject_id=locked.seller_id,
        detail=f"Was until {planned_end.astimezone(UTC):%Y-%m-%d %H:%M} UTC: {locked.reason}",
    )
    return locked


def _notify_released(*, message: Message, participants: dict[str, Participant]) -> None:
    """Tell the sender of a message staff released that it was delivered."""
    if message.sender is None:
        return
    other_role = (
        ParticipantRole.SELLER
        if message.sender_role == ParticipantRole.BUYER
        else ParticipantRole.BUYER
    )
    other = User.objects.get(pk=participants[other_role].user_id)
    notify(
        recipient=message.sender,
        kind="message_released",
        dedupe_key=f"released:{message.pk}:to:{message.sender.pk}",
        context={
            **message_notification_context(
                message=message, reader=message.sender, reader_role=message.sender_role
            ),
            "recipient_name": other.public_name,
        },
    )


@transaction.atomic
def message_release(*, message: Message, reviewer: User, now: datetime | None = None) -> Message:
    """Deliver a blocked message staff judged a false positive, as if sent at this moment.

    On the response clock a seller's reply released this way counts from when the seller sent
    it: the seller is not held to the time the review took.
    """
    now = now or timezone.now()
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.status != MessageStatus.BLOCKED or locked.review_outcome:
        raise ApplicationError("already_reviewed", "This message was already reviewed.")
    participants = participants_lock(locked.thread)
    sent_at = locked.created_at
    locked.status = MessageStatus.DELIVERED
    locked.created_at = now
    locked.review_outcome = ReviewOutcome.RELEASED
    locked.reviewed_by = reviewer
    locked.reviewed_at = now
    locked.save(
        update_fields=["status", "created_at", "review_outcome", "reviewed_by", "reviewed_at"]
    )
    message_deliver(message=locked, participants=participants, now=now, sent_at=sent_at)
    if locked.sender_role == ParticipantRole.SELLER and locked.kind == MessageKind.MESSAGE:
        # Buyer messages that came in after the reply was sent are still waiting for one.
        Participant.objects.filter(pk=participants[ParticipantRole.SELLER].pk).update(
            needs_response_since=thread_waiting_since(thread_id=locked.thread_id)
        )
    _notify_released(message=locked, participants=participants)
    moderation.message_review_record(
        message=locked, resolution=ReviewOutcome.RELEASED, reviewer=reviewer, now=now
    )
    return locked


@transaction.atomic
def message_confirm_block(
    *, message: Message, reviewer: User, now: datetime | None = None
) -> Message:
    """Confirm that a blocked message breaks the policy; it stays undelivered."""
    now = now or timezone.now()
    updated = Message.objects.filter(
        pk=message.pk, status=MessageStatus.BLOCKED, review_outcome=ReviewOutcome.PENDING
    ).update(
        review_outcome=ReviewOutcome.CONFIRMED,
        reviewed_by=reviewer,
        reviewed_at=now,
    )
    if not updated:
        raise ApplicationError("already_reviewed", "This message was already reviewed.")
    confirmed = Message.objects.get(pk=message.pk)
    moderation.message_review_record(
        message=confirmed, resolution=ReviewOutcome.CONFIRMED, reviewer=reviewer, now=now
    )
    return confirmed


def _policy_feedback_record(
    *,
    message: Message,
    kind: str,
    categories: list[str],
    staff: User,
    case: ModerationCase | None,
    now: datetime,
) -> tuple[PolicyFeedback, bool]:
    """Store a label once per message and kind; labelling again returns the first label."""
    sender = message.sender
    try:
        with transaction.atomic():
            feedback = PolicyFeedback.objects.create(
                message=message,
                kind=kind,
                categories=categories,
                text=message.body,
                filenames=[attachment.name for attachment in message.attachments.all()],
                language=sender.language if sender is not None else "",
                created_by=staff,
                created_at=now,
            )
    except IntegrityError:
        return PolicyFeedback.objects.get(message=message, kind=kind), False
    moderation_action_record(
        action=Action.LABELLED,
        actor=staff,
        now=now,
        case=case,
        subject_id=message.sender_id,
        message_id=message.pk,
        detail=f"{kind}: {', '.join(categories)}" if categories else kind,
    )
    return feedback, True


@transaction.atomic
def message_mark_false_positive(
    *, message: Message, staff: User, now: datetime | None = None
) -> tuple[PolicyFeedback, bool]:
    """Label a released blocked message as one the content policy should have allowed.

    Returns the label and whether it is new: marking the same message again changes nothing.
    """
    now = now or timezone.now()
    message = Message.objects.select_related("sender").get(pk=message.pk)
    if message.review_outcome != ReviewOutcome.RELEASED:
        raise ApplicationError(
            "not_released", "Only a blocked message staff released can be a false positive."
        )
    case = (
        ModerationCase.objects.filter(message=message, kind=CaseKind.BLOCKED_MESSAGE)
        .order_by("-created_at", "-id")
        .first()
    )
    return _policy_feedback_record(
        message=message,
        kind=FeedbackKind.FALSE_POSITIVE,
        categories=[],
        staff=staff,
        case=case,
        now=now,
    )


@transaction.atomic
def report_mark_missed_violation(
    *, case: ModerationCase, categories: list[str], staff: User, now: datetime | None = None
) -> tuple[PolicyFeedback, bool]:
    """Label the message of a confirmed report as one the content policy should have blocked.

    ``categories`` are the policy categories it breaks. Returns the label and whether it is
    new: marking the same message again (from this or another report) changes nothing.
    """
    now = now or timezone.now()
    case = ModerationCase.objects.select_related("message__sender").get(pk=case.pk)
    if (
        case.kind != CaseKind.REPORT
        or case.resolution != CaseResolution.CONFIRMED
        or case.message is None
    ):
        raise ApplicationError(
            "report_not_confirmed",
            "Only a report staff confirmed as a violation can be a missed violation.",
        )
    chosen = sorted(set(categories))
    if not chosen or not set(chosen) <= set(CATEGORIES):
        detail = "Pick the policy categories the message breaks."
        raise ApplicationError("invalid_categories", detail, fields={"categories": [detail]})
    return _policy_feedback_record(
        message=case.message,
        kind=FeedbackKind.MISSED_VIOLATION,
        categories=chosen,
        staff=staff,
        case=case,
        now=now,
    )
