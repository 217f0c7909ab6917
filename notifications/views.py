"""Notification settings: how to be emailed, team addresses, webhooks, recent deliveries."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import members
from accounts import services as account_services
from accounts.selectors import notification_address_list, undo_send_seconds_for
from accounts.typing import AuthenticatedHttpRequest
from core.errors import ApplicationError, NotFound
from notifications import webhooks
from notifications.forms import AddressForm, PreferenceForm, UndoSendForm, WebhookEndpointForm
from notifications.selectors import (
    notification_list_recent,
    webhook_delivery_list_recent,
    webhook_endpoint_list,
)


def _apply_error(
    form: PreferenceForm | AddressForm | UndoSendForm | WebhookEndpointForm,
    error: ApplicationError,
) -> None:
    if error.fields:
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


def _render(
    request: AuthenticatedHttpRequest,
    *,
    form: PreferenceForm | None = None,
    address_form: AddressForm | None = None,
    undo_form: UndoSendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    # A member of a seller's team sets their own emails (assigned threads, mentions); the
    # shop's undo time and team addresses are its owners'.
    person = members.acting_user(request)
    manages_shop = members.request_manages_shop(request)
    initial = {
        "mode": person.notification_mode,
        "digest_interval_minutes": person.digest_interval_minutes,
    }
    context = {
        "form": form or PreferenceForm(initial=initial),
        "address_form": address_form or AddressForm(),
        "undo_form": (
            undo_form or UndoSendForm(initial={"seconds": undo_send_seconds_for(user=user)})
            if manages_shop
            else None
        ),
        "addresses": (
            list(notification_address_list(user=user)) if user.is_seller and manages_shop else []
        ),
        "manages_shop": manages_shop,
        "team_person": person if person.pk != user.pk else None,
        "notifications": notification_list_recent(user=person),
    }
    return render(request, "notifications/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request)
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            account_services.notification_preference_update(
                user=members.acting_user(request),
                mode=form.cleaned_data["mode"],
                digest_interval_minutes=form.cleaned_data["digest_interval_minutes"],
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            flash.success(request, _("Your notification settings were saved."))
            return redirect("notifications:settings")
    return _render(request, form=form, status=400)


@login_required
@require_POST
def undo_send_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose how long a sent message can be taken back (undo send)."""
    form = UndoSendForm(request.POST)
    if form.is_valid():
        try:
            account_services.undo_send_preference_update(
                user=request.user, seconds=form.cleaned_data["seconds"]
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            flash.success(request, _("Your undo send setting was saved."))
            return redirect("notifications:settings")
    return _render(request, undo_form=form, status=400)


@login_required
@require_POST
def address_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_seller:
        raise Http404
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            account_services.notification_address_add(
                user=request.user, email=form.cleaned_data["email"]
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            flash.success(request, _("The address was added."))
            return redirect("notifications:settings")
    return _render(request, address_form=form, status=400)


@login_required
@require_POST
def address_remove(request: AuthenticatedHttpRequest, address_id: int) -> HttpResponse:
    account_services.notification_address_remove(user=request.user, address_id=address_id)
    flash.success(request, _("The address was removed."))
    return redirect("notifications:settings")


def _webhooks_render(
    request: AuthenticatedHttpRequest, *, form: WebhookEndpointForm | None = None, status: int = 200
) -> HttpResponse:
    seller = request.user
    context = {
        "form": form or WebhookEndpointForm(),
        "endpoints": webhook_endpoint_list(seller=seller),
        "deliveries": webhook_delivery_list_recent(seller=seller),
    }
    response = render(request, "notifications/webhooks.html", context, status=status)
    # The page shows signing secrets: never cache it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def webhook_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List my webhook endpoints and their latest deliveries; register a new endpoint."""
    if not request.user.is_seller:
        raise Http404
    if request.method == "GET":
        return _webhooks_render(request)
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        try:
            webhooks.webhook_endpoint_create(seller=request.user, url=form.cleaned_data["url"])
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            flash.success(request, _("The endpoint was added. Use its secret to check signatures."))
            return redirect("notifications:webhooks")
    return _webhooks_render(request, form=form, status=400)


@login_required
@require_POST
def webhook_remove(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    webhooks.webhook_endpoint_delete(seller=request.user, endpoint_id=endpoint_id)
    flash.success(request, _("The endpoint was removed."))
    return redirect("notifications:webhooks")


@login_required
@require_POST
def webhook_rotate_secret(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    webhooks.webhook_endpoint_rotate_secret(seller=request.user, endpoint_id=endpoint_id)
    flash.success(request, _("The endpoint has a new secret; the old one no longer signs."))
    return redirect("notifications:webhooks")


@login_required
@require_POST
def webhook_test(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    try:
        webhooks.webhook_endpoint_test(seller=request.user, endpoint_id=endpoint_id)
    except NotFound:
        raise  # a 404 page, whether or not it exists for someone else
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("A test event is on its way; its delivery shows below."))
    return redirect("notifications:webhooks")
