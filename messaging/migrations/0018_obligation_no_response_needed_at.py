"""When "no response needed" was marked, and the fairer rules applied to the stored obligations.

- Every excluded obligation was marked at ``excluded_at``.
- One marked after its deadline no longer erases the miss: it is open again (not answered),
  or answered late by the seller's first real reply after it, if there is one.
- One answered by a seller reply the content policy held and staff released is answered at
  the moment the seller sent it (when the blocked message was queued), not at the release.

The day counters move with each change, so the metric and the obligations agree.
"""

from datetime import UTC, timedelta

from django.db import migrations, models
from django.db.models import F

MICROSECOND = timedelta(microseconds=1)


def _duration(delta):
    minutes = max(0, int(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def _why(received_at, due_at, answered_at, delivered_at):
    waited = _duration(max(answered_at - received_at, timedelta(0)))
    if answered_at <= due_at:
        why = f"Seller replied {waited} after the buyer's message"
    else:
        late = _duration(answered_at - due_at)
        why = f"Seller replied {waited} after the buyer's message, {late} past the deadline"
    if delivered_at > answered_at:
        why += f" (held for review, delivered {_duration(delivered_at - answered_at)} later)"
    return why


def _add(ResponseDay, obligation, **amounts):
    day = obligation.due_at.astimezone(UTC).date()
    ResponseDay.objects.filter(seller_id=obligation.seller_id, day=day).update(
        **{name: F(name) + amount for name, amount in amounts.items()}
    )


def _microseconds(obligation, answered_at):
    return max(answered_at - obligation.received_at, timedelta(0)) // MICROSECOND


# Open again every obligation marked "no response needed" after its deadline with no seller
# reply after it, and take it out of its day's excluded count (the day of its deadline, UTC).
_REOPEN_UNANSWERED = """
WITH reopened AS (
    UPDATE messaging_obligation o
    SET outcome = 'open', excluded_at = NULL, why = ''
    WHERE o.outcome = 'excluded' AND o.excluded_at > o.due_at
      AND NOT EXISTS (
          SELECT 1 FROM messaging_message m
          WHERE m.thread_id = o.thread_id AND m.sender_role = 'seller' AND m.kind = 'message'
            AND m.status = 'delivered' AND m.created_at > o.received_at
      )
    RETURNING o.seller_id, (o.due_at AT TIME ZONE 'UTC')::date AS day
)
UPDATE messaging_responseday r
SET excluded = r.excluded - c.n
FROM (SELECT seller_id, day, count(*) AS n FROM reopened GROUP BY seller_id, day) c
WHERE r.seller_id = c.seller_id AND r.day = c.day
"""


def forwards(apps, schema_editor):
    Obligation = apps.get_model("messaging", "Obligation")
    ResponseDay = apps.get_model("messaging", "ResponseDay")
    Message = apps.get_model("messaging", "Message")
    ModerationCase = apps.get_model("messaging", "ModerationCase")

    Obligation.objects.filter(outcome="excluded").update(no_response_needed_at=F("excluded_at"))

    if schema_editor.connection.vendor == "postgresql":
        # The late markings no seller reply followed (most of them) in two statements: a
        # marketplace holds millions of them, too many to walk one by one.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(_REOPEN_UNANSWERED)
    late_marked = Obligation.objects.filter(outcome="excluded", excluded_at__gt=F("due_at"))
    for obligation in late_marked.order_by("id").iterator():
        _add(ResponseDay, obligation, excluded=-1)
        reply = (
            Message.objects.filter(
                thread_id=obligation.thread_id,
                sender_role="seller",
                kind="message",
                status="delivered",
                created_at__gt=obligation.received_at,
            )
            .order_by("created_at", "id")
            .first()
        )
        if reply is None:
            Obligation.objects.filter(pk=obligation.pk).update(
                outcome="open", excluded_at=None, why=""
            )
            continue
        on_time = reply.created_at <= obligation.due_at
        outcome = "answered_on_time" if on_time else "answered_late"
        Obligation.objects.filter(pk=obligation.pk).update(
            outcome=outcome,
            answered_at=reply.created_at,
            answer_id=reply.pk,
            excluded_at=None,
            why=_why(obligation.received_at, obligation.due_at, reply.created_at, reply.created_at),
        )
        _add(
            ResponseDay,
            obligation,
            **{outcome: 1},
            response_microseconds_total=_microseconds(obligation, reply.created_at),
        )

    released = Obligation.objects.filter(
        outcome__in=["answered_on_time", "answered_late"],
        answer__review_outcome="released",
        answered_at=F("answer__created_at"),
    ).select_related("answer")
    for obligation in released.order_by("id").iterator():
        sent_at = (
            ModerationCase.objects.filter(message_id=obligation.answer_id, kind="blocked_message")
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if sent_at is None or not obligation.received_at <= sent_at < obligation.answered_at:
            continue  # no record of the send, or a buyer message that came in after it
        _add(
            ResponseDay,
            obligation,
            **{obligation.outcome: -1},
            response_microseconds_total=-_microseconds(obligation, obligation.answered_at),
        )
        on_time = sent_at <= obligation.due_at
        outcome = "answered_on_time" if on_time else "answered_late"
        Obligation.objects.filter(pk=obligation.pk).update(
            outcome=outcome,
            answered_at=sent_at,
            why=_why(obligation.received_at, obligation.due_at, sent_at, obligation.answered_at),
        )
        _add(
            ResponseDay,
            obligation,
            **{outcome: 1},
            response_microseconds_total=_microseconds(obligation, sent_at),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0017_message_sending"),
    ]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="no_response_needed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
