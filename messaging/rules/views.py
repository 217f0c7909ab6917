"""Sellers writing first from an order page; a buyer's messaging preferences."""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_seller
from accounts.typing import AuthenticatedHttpRequest
from core.converters import id_from_text
from core.errors import ApplicationError
from messaging.models import (
    Message,
)
from messaging.moderation.selectors import restriction_get_active
from messaging.rules import proactive, selectors, services
from messaging.rules.forms import MessagingPreferencesForm, ProactiveMessageForm
from messaging.threads.links import thread_path
from messaging.threads.views import form_send
from orders.selectors import (
    order_get_for_seller,
    order_list_for_seller,
)


@login_required
@require_http_methods(["GET", "POST"])
def messaging_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A buyer's choice to receive (or not) messages sellers start."""
    if request.user.is_seller:
        raise Http404
    receiving = not selectors.unsolicited_opt_out_exists(buyer=request.user)
    form = MessagingPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"receive_unsolicited": receiving},
    )
    if request.method == "POST" and form.is_valid():
        services.unsolicited_messages_set(
            buyer=request.user, receive=form.cleaned_data["receive_unsolicited"]
        )
        flash.success(request, _("Preferences saved."))
        return redirect("messaging:preferences")
    blocked = selectors.seller_block_list_for_buyer(buyer=request.user)
    return render(request, "messaging/preferences.html", {"form": form, "blocked": blocked})


@login_required
@require_GET
def seller_order_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_seller(request)
    orders = order_list_for_seller(seller=request.user)[:100]
    # A restriction in force is stated once, above the orders (one indexed query).
    restriction = restriction_get_active(seller_id=request.user.pk, now=timezone.now())
    return render(request, "seller/order_list.html", {"orders": orders, "restriction": restriction})


def _compose_max_length(actions: proactive.MessagingActions, reason: object) -> int | None:
    # Each reason has its own length limit: the chosen one's, else the longest one can pick
    # (the page's script narrows it when a reason is picked).
    rule = proactive.RULES.get(str(reason or ""))
    if rule is not None:
        return rule.max_length
    limits = [status.rule.max_length for status in actions.available_reasons if status.rule]
    return max(limits, default=None)


@login_required
@require_http_methods(["GET", "POST"])
def seller_order_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """A seller's order: what they may send about it now, and the forms to send it."""
    require_seller(request)
    order = order_get_for_seller(seller=request.user, number=number)
    form = ProactiveMessageForm(
        request.POST if request.POST.get("action") == "proactive" else None,
        initial={"reason": request.GET.get("reason", "")},
    )
    extra: dict[str, object] = {}
    action_error = ""  # a refused review request (or no action picked)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "proactive" and form.is_valid():
        sent = form_send(
            request,
            form,
            lambda files: services.proactive_message_send(
                seller=request.user,
                order=order,
                reason=form.cleaned_data["reason"],
                body=form.cleaned_data["body"],
                files=files,
            ),
            done=_("Message sent."),
        )
        if isinstance(sent, Message):
            return redirect(thread_path(sent.thread_id, for_seller=True))
        extra = sent
    elif action == "review_request":
        try:
            message = services.review_request_send(seller=request.user, order=order)
        except ApplicationError as error:
            action_error = error.message
        else:
            flash.success(request, _("Message sent."))
            return redirect(thread_path(message.thread_id, for_seller=True))
    elif request.method == "POST" and action != "proactive":
        action_error = _("Pick what to send.")
    actions = proactive.order_messaging_actions_get(
        seller=request.user, order=order, now=timezone.now()
    )
    return render(
        request,
        "seller/order_detail.html",
        {
            "order": order,
            "actions": actions,
            "form": form,
            "action_error": action_error,
            "window_days": settings.PROACTIVE_WINDOW_DAYS,
            "compose_max_length": _compose_max_length(actions, form["reason"].value()),
            **extra,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def preferences_unblock(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Unblock one of the sellers listed on the buyer's preferences page."""
    if request.user.is_seller:
        raise Http404
    seller_id = id_from_text(request.POST.get("seller", ""))
    if seller_id is None:
        raise Http404
    services.seller_unblock(buyer=request.user, seller_id=seller_id)
    flash.success(request, _("Seller unblocked."))
    return redirect("messaging:preferences")
