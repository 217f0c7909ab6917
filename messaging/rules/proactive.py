"""When a seller may write first about an order: the reasons, their rules and windows.

The rules
---------
* A *proactive message* is a seller's message about one of their orders that no buyer message
  asked for. It needs a permitted reason (``ProactiveReason``); each reason has a length limit
  and may require a file of a given type (an invoice needs a PDF). The order number is put at
  the top of the message automatically, in the buyer's language.
* Proactive messages are possible until ``PROACTIVE_WINDOW_DAYS`` (30) days after the order was
  completed (a moment exactly 30 days later still counts; before completion the window is
  open), and at most ``PROACTIVE_MESSAGES_PER_ORDER`` delivered ones per order.
* A buyer who opted out of unsolicited messages, or blocked this seller, receives only the
  critical reasons: delivery scheduling, customization and an unexpected problem.
* A *review request*: one per order, from ``REVIEW_REQUEST_EARLIEST_DAYS`` (5) to
  ``REVIEW_REQUEST_LATEST_DAYS`` (30) days after delivery, both ends included, in fixed neutral
  wording in the buyer's language. The buyer cannot reply to it and it opens no response
  obligation. Opted-out buyers and buyers who blocked the seller do not receive it.
* While staff restrict a seller (``SellerRestriction``), neither is possible; replies are.
* Replies — any seller message in a conversation where the buyer has written — are never
  subject to these rules.

``order_messaging_actions_get`` answers, for a seller and an order, what is possible now, until
when, how many remain and why anything is not; the dashboard, the API and the send services
all read it, so what the seller is shown is what is enforced.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ApplicationError
from core.moments import moment_text
from messaging.models import (
    Message,
    MessageKind,
    MessageStatus,
    ProactiveReason,
    SellerBlock,
    SellerRestriction,
    Thread,
    Topic,
    UnsolicitedOptOut,
)
from orders.models import Order

REVIEW_REQUEST = "review_request"


PDF = "application/pdf"


@dataclass(frozen=True)
class ReasonRule:
    """What a proactive message for one reason may be."""

    reason: str
    max_length: int
    topic: str
    is_critical: bool = False
    # At least one attached file must be of one of these types; empty: files are optional.
    required_file_types: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return str(ProactiveReason(self.reason).label)

    @property
    def requires_attachment(self) -> bool:
        return bool(self.required_file_types)


RULES: dict[str, ReasonRule] = {
    rule.reason: rule
    for rule in (
        ReasonRule(ProactiveReason.CUSTOMIZATION, 2000, Topic.OTHER, is_critical=True),
        ReasonRule(ProactiveReason.DELIVERY_SCHEDULING, 1000, Topic.SHIPPING, is_critical=True),
        ReasonRule(ProactiveReason.UNEXPECTED_PROBLEM, 2000, Topic.OTHER, is_critical=True),
        ReasonRule(ProactiveReason.INVOICE, 500, Topic.INVOICE, required_file_types=(PDF,)),
        ReasonRule(ProactiveReason.WARRANTY, 2000, Topic.OTHER),
        ReasonRule(ProactiveReason.LEGAL_DISCLOSURE, 2000, Topic.OTHER),
        ReasonRule(ProactiveReason.DIGITAL_ACCESS_KEY, 500, Topic.OTHER),
        ReasonRule(ProactiveReason.ORDER_DETAILS, 1000, Topic.OTHER),
    )
}


# Fixed, neutral wording: it asks for a review, never for a good one.
REVIEW_REQUEST_TEXT = {
    "en": (
        "Order {number}: thank you for your order. If you have a moment, please share your "
        "experience with the product and the seller by leaving a review on the marketplace. "
        "This is an automatic request; replies to it are not possible."
    ),
    "es": (
        "Pedido {number}: gracias por tu pedido. Si tienes un momento, comparte tu experiencia "
        "con el producto y el vendedor dejando una reseña en el marketplace. "
        "Es una solicitud automática; no es posible responder a ella."
    ),
}


def review_request_text(*, language: str, order_number: str) -> str:
    """The review request in the buyer's language (English when there is no translation)."""
    template = REVIEW_REQUEST_TEXT.get(language, REVIEW_REQUEST_TEXT["en"])
    return template.format(number=order_number)


def show_moment(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


class NotAvailableNow(ApplicationError):
    """The rules do not allow this now (window, cap, the buyer's choice, a restriction)."""

    status = 409


@dataclass(frozen=True)
class Unavailable:
    """Why an action is not possible now: a stable code and a sentence for the seller.

    ``text`` is the sentence in the active language with its ``%(name)s`` fields, filled from
    ``params``: ``detail`` (the API's) writes a moment in UTC, ``page_detail`` the way pages
    write every date (core/moments.py).
    """

    code: str
    text: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        return self.text % {
            name: show_moment(value) if isinstance(value, datetime) else value
            for name, value in self.params.items()
        }

    @property
    def page_detail(self) -> str:
        return self.text % {
            name: moment_text(value, "datetime") if isinstance(value, datetime) else value
            for name, value in self.params.items()
        }


@dataclass(frozen=True)
class ActionStatus:
    """One thing the seller could send about the order, and whether they can now."""

    action: str  # "proactive_message" or "review_request"
    reason: str
    label: str
    available_from: datetime | None
    available_until: datetime | None  # None: no end yet (the order is not completed)
    remaining: int
    unavailable: Unavailable | None
    rule: ReasonRule | None = None

    @property
    def is_available(self) -> bool:
        return self.unavailable is None


@dataclass(frozen=True)
class Restriction:
    until: datetime
    reason: str


@dataclass(frozen=True)
class MessagingActions:
    """Everything a seller may send about one order now, and why not the rest."""

    order_number: str
    as_of: datetime
    thread_id: int | None
    restriction: Restriction | None
    buyer_opted_out: bool
    seller_blocked: bool
    proactive_cap: int
    proactive_sent: int
    window_until: datetime | None
    reasons: tuple[ActionStatus, ...]
    review_request: ActionStatus

    @property
    def proactive_remaining(self) -> int:
        return max(0, self.proactive_cap - self.proactive_sent)

    @property
    def available_reasons(self) -> list[ActionStatus]:
        return [status for status in self.reasons if status.is_available]

    def status_for(self, reason: str) -> ActionStatus:
        if reason == REVIEW_REQUEST:
            return self.review_request
        return next(status for status in self.reasons if status.reason == reason)


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about an order, read in one query."""

    order: Order
    thread_id: int | None
    proactive_sent: int
    review_requested: bool
    buyer_opted_out: bool
    seller_blocked: bool
    restriction: Restriction | None


def order_facts_get(*, order: Order, now: datetime) -> OrderFacts:
    """Read, in one query, the counts and flags the messaging rules of an order depend on."""
    restrictions = SellerRestriction.objects.filter(
        seller_id=OuterRef("seller_id"), starts_at__lte=now, ends_at__gt=now
    ).order_by("-ends_at", "-id")
    delivered_proactive = (
        Message.objects.filter(thread__order_id=OuterRef("pk"), status=MessageStatus.DELIVERED)
        .exclude(reason="")
        .order_by()
        .values("thread__order_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    row = (
        Order.objects.filter(pk=order.pk)
        .annotate(
            thread_pk=Subquery(Thread.objects.filter(order_id=OuterRef("pk")).values("pk")[:1]),
            proactive_sent=Coalesce(
                Subquery(delivered_proactive, output_field=IntegerField()), Value(0)
            ),
            review_requested=Exists(
                Message.objects.filter(
                    thread__order_id=OuterRef("pk"), kind=MessageKind.REVIEW_REQUEST
                )
            ),
            buyer_opted_out=Exists(UnsolicitedOptOut.objects.filter(buyer_id=OuterRef("buyer_id"))),
            seller_blocked=Exists(
                SellerBlock.objects.filter(
                    buyer_id=OuterRef("buyer_id"), seller_id=OuterRef("seller_id")
                )
            ),
            restricted_until=Subquery(restrictions.values("ends_at")[:1]),
            restricted_because=Subquery(restrictions.values("reason")[:1]),
        )
        .values(
            "thread_pk",
            "proactive_sent",
            "review_requested",
            "buyer_opted_out",
            "seller_blocked",
            "restricted_until",
            "restricted_because",
        )
        .get()
    )
    until = row["restricted_until"]
    return OrderFacts(
        order=order,
        thread_id=row["thread_pk"],
        proactive_sent=row["proactive_sent"],
        review_requested=row["review_requested"],
        buyer_opted_out=row["buyer_opted_out"],
        seller_blocked=row["seller_blocked"],
        restriction=Restriction(until=until, reason=row["restricted_because"]) if until else None,
    )


def _restricted(restriction: Restriction) -> Unavailable:
    return Unavailable(
        "seller_restricted",
        _(
            "Your proactive messages and review requests are restricted until %(until)s "
            "(reason: %(reason)s). You can still reply to buyers."
        ),
        {"until": restriction.until, "reason": restriction.reason},
    )


def _refused_by_buyer(facts: OrderFacts) -> Unavailable | None:
    if facts.buyer_opted_out:
        return Unavailable(
            "buyer_opted_out",
            _(
                "The buyer opted out of unsolicited messages; only delivery scheduling, "
                "customization and unexpected-problem messages reach them."
            ),
        )
    if facts.seller_blocked:
        return Unavailable(
            "seller_blocked",
            _(
                "The buyer blocked you; only delivery scheduling, customization and "
                "unexpected-problem messages reach them."
            ),
        )
    return None


def _proactive_status(
    *, rule: ReasonRule, facts: OrderFacts, now: datetime, until: datetime | None, cap: int
) -> ActionStatus:
    remaining = max(0, cap - facts.proactive_sent)
    unavailable: Unavailable | None = None
    if facts.restriction is not None:
        unavailable = _restricted(facts.restriction)
    elif until is not None and now > until:
        unavailable = Unavailable(
            "window_closed",
            _(
                "Proactive messages are possible until %(days)d days after the order was "
                "completed; that was %(until)s."
            ),
            {"days": settings.PROACTIVE_WINDOW_DAYS, "until": until},
        )
    elif remaining == 0:
        unavailable = Unavailable(
            "cap_reached",
            _("You have sent the %(cap)d proactive messages allowed for this order."),
            {"cap": cap},
        )
    elif not rule.is_critical:
        unavailable = _refused_by_buyer(facts)
    return ActionStatus(
        action="proactive_message",
        reason=rule.reason,
        label=rule.label,
        available_from=None,
        available_until=until,
        remaining=remaining,
        unavailable=unavailable,
        rule=rule,
    )


def _review_request_status(*, facts: OrderFacts, now: datetime) -> ActionStatus:
    delivered_at = facts.order.delivered_at
    starts = ends = None
    if delivered_at is not None:
        starts = delivered_at + timedelta(days=settings.REVIEW_REQUEST_EARLIEST_DAYS)
        ends = delivered_at + timedelta(days=settings.REVIEW_REQUEST_LATEST_DAYS)
    unavailable: Unavailable | None = None
    if facts.restriction is not None:
        unavailable = _restricted(facts.restriction)
    elif facts.review_requested:
        unavailable = Unavailable(
            "review_already_requested", _("A review was already requested for this order.")
        )
    elif starts is None or ends is None:
        unavailable = Unavailable(
            "not_delivered", _("A review can be requested once the order has been delivered.")
        )
    elif now < starts:
        unavailable = Unavailable(
            "too_early",
            _("A review can be requested from %(days)d days after delivery: from %(starts)s."),
            {"days": settings.REVIEW_REQUEST_EARLIEST_DAYS, "starts": starts},
        )
    elif now > ends:
        unavailable = Unavailable(
            "window_closed",
            _("A review can be requested until %(days)d days after delivery; that was %(ends)s."),
            {"days": settings.REVIEW_REQUEST_LATEST_DAYS, "ends": ends},
        )
    else:
        unavailable = _refused_by_buyer(facts)
    return ActionStatus(
        action="review_request",
        reason=REVIEW_REQUEST,
        label=_("Request a review"),
        available_from=starts,
        available_until=ends,
        remaining=0 if facts.review_requested else 1,
        unavailable=unavailable,
    )


def messaging_actions(*, facts: OrderFacts, now: datetime) -> MessagingActions:
    """Apply the rules to an order's facts at ``now``."""
    order = facts.order
    until = (
        order.completed_at + timedelta(days=settings.PROACTIVE_WINDOW_DAYS)
        if order.completed_at is not None
        else None
    )
    cap = settings.PROACTIVE_MESSAGES_PER_ORDER
    return MessagingActions(
        order_number=order.number,
        as_of=now,
        thread_id=facts.thread_id,
        restriction=facts.restriction,
        buyer_opted_out=facts.buyer_opted_out,
        seller_blocked=facts.seller_blocked,
        proactive_cap=cap,
        proactive_sent=facts.proactive_sent,
        window_until=until,
        reasons=tuple(
            _proactive_status(rule=rule, facts=facts, now=now, until=until, cap=cap)
            for rule in RULES.values()
        ),
        review_request=_review_request_status(facts=facts, now=now),
    )


def order_messaging_actions_get(*, seller: User, order: Order, now: datetime) -> MessagingActions:
    """Say, for a seller's order, what they may send now, until when, how many, and why not."""
    assert order.seller_id == seller.pk, "the caller fetched the order for this seller"
    return messaging_actions(facts=order_facts_get(order=order, now=now), now=now)
