"""Lifting a seller's restriction early (service and admin), and the seller's inbox notice."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from core.moments import moment_text
from messaging.models import ModerationAction, SellerRestriction
from messaging.moderation.selectors import restriction_get_active
from messaging.moderation.services import restriction_lift, seller_restrict
from messaging.rules import proactive
from messaging.threads import services
from tests.accounts.factories import SellerFactory, StaffFactory
from tests.messaging.factories import thread_with_message
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANGELIST = "admin:messaging_sellerrestriction_changelist"


def restrict(
    seller, staff, *, now=T0, days=14, reason="Off-platform contact."
) -> SellerRestriction:
    return seller_restrict(seller=seller, days=days, reason=reason, actor=staff, now=now)


def lift_trail() -> list[tuple]:
    return list(
        ModerationAction.objects.filter(action="lifted").values_list(
            "actor", "subject", "case", "detail", "created_at"
        )
    )


# --- the service ------------------------------------------------------------------------------


def test_lifting_ends_the_restriction_now_and_writes_the_audit_trail(seller, staff):
    restriction = restrict(seller, staff)
    lifted_at = T0 + timedelta(days=3)

    lifted = restriction_lift(restriction=restriction, actor=staff, now=lifted_at)

    restriction.refresh_from_db()
    assert lifted == restriction
    assert (restriction.starts_at, restriction.ends_at) == (T0, lifted_at)
    assert lift_trail() == [
        (
            staff.pk,
            seller.pk,
            None,
            "Was until 2026-03-16 09:00 UTC: Off-platform contact.",
            lifted_at,
        )
    ]
    assert restriction_get_active(seller_id=seller.pk, now=lifted_at) is None
    # The restriction stays in the seller's history, with its reason.
    assert list(SellerRestriction.objects.values_list("seller", "reason")) == [
        (seller.pk, "Off-platform contact.")
    ]


def test_a_lifted_seller_may_write_first_again(buyer, seller, staff):
    order = OrderFactory(buyer=buyer, seller=seller)
    now = timezone.now()
    restriction = restrict(seller, staff, now=now - timedelta(days=1))
    restricted = proactive.order_messaging_actions_get(seller=seller, order=order, now=now)

    restriction_lift(restriction=restriction, actor=staff, now=now)

    free = proactive.order_messaging_actions_get(seller=seller, order=order, now=now)
    assert restricted.restriction is not None
    assert free.restriction is None


def test_an_ended_restriction_cannot_be_lifted(seller, staff):
    restriction = restrict(seller, staff, days=2)
    trail_before = list(ModerationAction.objects.values())

    with pytest.raises(ApplicationError) as refused:
        restriction_lift(restriction=restriction, actor=staff, now=T0 + timedelta(days=2))

    assert (refused.value.code, refused.value.message) == (
        "restriction_ended",
        "This restriction has already ended.",
    )
    restriction.refresh_from_db()
    assert restriction.ends_at == T0 + timedelta(days=2)
    assert list(ModerationAction.objects.values()) == trail_before


def test_lifting_at_the_instant_it_began_still_ends_after_it_starts(seller, staff):
    restriction = restrict(seller, staff)

    restriction_lift(restriction=restriction, actor=staff, now=T0)

    restriction.refresh_from_db()
    assert restriction.ends_at == T0 + timedelta(microseconds=1)
    assert restriction_get_active(seller_id=seller.pk, now=restriction.ends_at) is None


def test_lifting_one_restriction_leaves_the_sellers_other_ones(seller, staff):
    short = restrict(seller, staff, days=3, reason="First warning.")
    long = restrict(seller, staff, now=T0 + timedelta(days=1), days=30, reason="Repeated.")

    restriction_lift(restriction=short, actor=staff, now=T0 + timedelta(days=2))

    assert restriction_get_active(seller_id=seller.pk, now=T0 + timedelta(days=2)) == long


# --- the admin --------------------------------------------------------------------------------


def lift_in_admin(client, restrictions):
    return client.post(
        reverse(CHANGELIST),
        {"action": "lift", "_selected_action": [restriction.pk for restriction in restrictions]},
        follow=True,
    )


def test_staff_lift_restrictions_from_the_admin_list(client, staff, seller):
    now = timezone.now()
    active = restrict(seller, staff, now=now - timedelta(days=1))
    ended = restrict(SellerFactory(), staff, now=now - timedelta(days=10), days=2)
    client.force_login(staff)

    response = lift_in_admin(client, [active, ended])
    after = timezone.now()

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [
        f"#{ended.pk}: This restriction has already ended.",
        "1 restriction(s) lifted.",
    ]
    active.refresh_from_db()
    ended.refresh_from_db()
    assert now <= active.ends_at <= after
    assert ended.ends_at == now - timedelta(days=8)
    assert [(actor, subject) for actor, subject, *_ in lift_trail()] == [(staff.pk, seller.pk)]


def test_the_admin_list_shows_restrictions_and_which_are_in_force(client, staff, seller):
    now = timezone.now()
    restrict(seller, staff, now=now - timedelta(days=1), reason="Spam to buyers.")
    client.force_login(staff)

    response = client.get(reverse(CHANGELIST))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Spam to buyers." in html
    assert 'alt="True"' in html
    assert '<option value="lift">Lift early: end the restriction now</option>' in html


def test_staff_who_may_only_view_restrictions_cannot_lift_them(client, seller, staff):
    restriction = restrict(seller, staff, now=timezone.now() - timedelta(days=1))
    viewer = StaffFactory(is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_sellerrestriction"))
    client.force_login(viewer)
    ends_at = restriction.ends_at

    listed = client.get(reverse(CHANGELIST))
    response = lift_in_admin(client, [restriction])

    assert listed.status_code == 200
    assert 'value="lift"' not in listed.content.decode()
    assert response.status_code == 200
    restriction.refresh_from_db()
    assert restriction.ends_at == ends_at
    assert lift_trail() == []


def test_restrictions_are_not_added_or_deleted_in_the_admin(client, staff, seller):
    restriction = restrict(seller, staff)
    client.force_login(staff)

    add = client.get(reverse("admin:messaging_sellerrestriction_add"))
    delete = client.post(
        reverse("admin:messaging_sellerrestriction_delete", args=[restriction.pk]), {"post": "yes"}
    )

    assert (add.status_code, delete.status_code) == (403, 403)
    assert SellerRestriction.objects.count() == 1


# --- the seller's inbox -----------------------------------------------------------------------


def test_the_seller_inbox_shows_a_restriction_in_force_with_reason_and_end(
    seller_client, seller, staff
):
    restriction = restrict(seller, staff, now=timezone.now() - timedelta(hours=1))
    until = moment_text(restriction.ends_at)

    html = seller_client.get("/seller/").content.decode()

    assert (
        '<p class="warning" role="alert">Your proactive messages and review requests are '
        f"restricted until {until} (reason: Off-platform contact.). You can still reply to "
        "buyers.</p>"
    ) in html


def test_the_notice_goes_once_the_restriction_is_lifted(seller_client, seller, staff):
    restriction = restrict(seller, staff, now=timezone.now() - timedelta(hours=1))
    restriction_lift(restriction=restriction, actor=staff)

    html = seller_client.get("/seller/").content.decode()

    assert "restricted until" not in html


def test_the_notice_is_only_for_the_restricted_seller(client, buyer, seller, staff):
    restrict(SellerFactory(), staff, now=timezone.now() - timedelta(hours=1))
    thread, _ = thread_with_message(buyer=buyer, seller=seller)
    services.message_send(thread=thread, sender=seller, body="Shipped today.")
    client.force_login(seller)
    seller_html = client.get("/seller/").content.decode()
    client.force_login(buyer)
    buyer_html = client.get("/messages/").content.decode()

    assert "restricted until" not in seller_html
    assert "restricted until" not in buyer_html


def test_the_notice_is_in_the_sellers_language(client, staff):
    spanish_seller = SellerFactory(language="es")
    restrict(spanish_seller, staff, now=timezone.now() - timedelta(hours=1), reason="Spam.")
    client.force_login(spanish_seller)

    html = client.get("/seller/").content.decode()

    assert "Tus mensajes proactivos y solicitudes de reseña están restringidos hasta el" in html
    assert "(motivo: Spam.). Puedes seguir respondiendo a los compradores." in html
