"""The notification settings page: how to be emailed, team addresses, recent deliveries."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services as account_services
from accounts.selectors import notification_address_list
from messagecenter.errors import ApplicationError, NotFound
from messagecenter.typing import AuthenticatedHttpRequest
from notifications.forms import AddressForm, PreferenceForm
from notifications.selectors import notification_list_recent


def _apply_error(form: PreferenceForm | AddressForm, error: ApplicationError) -> None:
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
    status: int = 200,
) -> HttpResponse:
    user = request.user
    initial = {
        "mode": user.notification_mode,
        "digest_interval_minutes": user.digest_interval_minutes,
    }
    context = {
        "form": form or PreferenceForm(initial=initial),
        "address_form": address_form or AddressForm(),
        "addresses": list(notification_address_list(user=user)) if user.is_seller else [],
        "notifications": notification_list_recent(user=user),
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
                user=request.user,
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
    try:
        account_services.notification_address_remove(user=request.user, address_id=address_id)
    except NotFound as error:
        raise Http404(error.message) from None
    flash.success(request, _("The address was removed."))
    return redirect("notifications:settings")
