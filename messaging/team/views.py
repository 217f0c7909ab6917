"""Seller Central's team page (owners), and the page an invitation's link opens."""

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import members
from accounts.access import require_seller
from accounts.models import MemberRole, User
from accounts.typing import AuthenticatedHttpRequest
from core.converters import id_from_text
from core.errors import ApplicationError, NotFound
from messaging.team import assignment, notes, selectors, services


def _problems(error: ApplicationError) -> list[str]:
    return [p for problems in (error.fields or {}).values() for p in problems] or [error.message]


@login_required
@require_http_methods(["GET", "POST"])
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The shop's members and open invitations; the form that invites someone by email."""
    require_seller(request)
    errors: list[str] = []
    form = {"email": "", "role": MemberRole.AGENT.value}
    if request.method == "POST":
        form = {"email": request.POST.get("email", ""), "role": request.POST.get("role", "")}
        try:
            invitation = services.invitation_create(
                shop=request.user,
                invited_by=members.acting_user(request),
                email=form["email"],
                role=form["role"],
            )
        except ApplicationError as error:
            errors = _problems(error)
        else:
            flash.success(
                request,
                _("Invitation sent to %(email)s. The link works for %(days)d days.")
                % {"email": invitation.email, "days": services.invitation_days()},
            )
            return redirect("messaging:team")
    context: dict[str, Any] = {
        "team_members": list(selectors.team_member_list(shop=request.user)),
        "invitations": list(selectors.team_invitation_open_list(shop=request.user)),
        "roles": MemberRole.choices,
        "form": form,
        "errors": errors,
        "me": getattr(request, "member", None),
    }
    return render(request, "seller/team.html", context, status=400 if errors else 200)


@login_required
@require_POST
def team_invitation_revoke(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    require_seller(request)
    services.invitation_revoke(shop=request.user, invitation_id=invitation_id)
    flash.success(request, _("Invitation withdrawn: its link no longer works."))
    return redirect("messaging:team")


@login_required
@require_POST
def team_member_role(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    require_seller(request)
    try:
        membership = services.member_role_set(
            shop=request.user, member_id=member_id, role=request.POST.get("role", "")
        )
    except ApplicationError as error:
        if error.status == 404:
            raise
        flash.error(request, error.message)
    else:
        flash.success(
            request,
            _("%(name)s is now %(role)s.")
            % {
                "name": membership.user.display_name,
                "role": str(membership.get_role_display()).lower(),
            },
        )
    return redirect("messaging:team")


@login_required
@require_POST
def team_member_remove(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    require_seller(request)
    me = getattr(request, "member", None)
    services.member_remove(shop=request.user, member_id=member_id)
    if me is not None and me.pk == member_id:
        # An owner who took themselves off the team: this session ends with the membership.
        logout(request)
        return redirect("accounts:login")
    flash.success(request, _("Member removed: their sessions and API tokens no longer work."))
    return redirect("messaging:team")


@require_http_methods(["GET", "POST"])
def team_join(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's link: join with the signed-in account it was sent to, or a new one."""
    try:
        invitation = services.invitation_from_token(token)
    except ApplicationError as error:
        return render(
            request,
            "messaging/team_join.html",
            {"refusal": error.message, "code": error.code},
            status=410
            if error.code in {"invitation_used", "invitation_expired", "invitation_revoked"}
            else 404,
        )
    user = request.user if request.user.is_authenticated else None
    person = members.acting_user(request) if user is not None else None
    account_exists = User.objects.filter(email__iexact=invitation.email).exists()
    errors: list[str] = []
    display_name = ""
    if request.method == "POST":
        try:
            if person is not None:
                membership = services.invitation_accept(token=token, user=person)
            else:
                display_name = request.POST.get("display_name", "")
                membership = services.invitation_accept_new_account(
                    token=token,
                    display_name=display_name,
                    password=request.POST.get("password", ""),
                )
        except ApplicationError as error:
            errors = _problems(error)
        else:
            if person is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            members.session_act_for(request, membership)
            flash.success(
                request,
                _("Welcome to the team of %(shop)s.") % {"shop": membership.shop.public_name},
            )
            return redirect("messaging:seller-inbox")
    login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
    return render(
        request,
        "messaging/team_join.html",
        {
            "invitation": invitation,
            "person": person,
            "wrong_account": person is not None and person.email.lower() != invitation.email,
            "account_exists": account_exists,
            "login_url": login_url,
            "errors": errors,
            "display_name": display_name,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def thread_note_add(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    """Write an internal note in one of the shop's threads (a form on the thread page)."""
    participant = notes.team_side_get(user=request.user, thread_id=thread_id)
    try:
        notes.note_add(
            participant=participant,
            author=members.acting_user(request),
            body=request.POST.get("body", ""),
        )
    except ApplicationError as error:
        flash.error(request, _("The note was not saved: %(reason)s") % {"reason": error.message})
    else:
        flash.success(request, _("Note added. Only your team sees it."))
    return redirect(reverse("messaging:seller-thread", args=[thread_id]) + "#team-notes")


@login_required
@require_POST
def thread_assign(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    """Assign one of the shop's threads to a person of the team, or unassign it."""
    notes.team_side_get(user=request.user, thread_id=thread_id)
    raw = request.POST.get("assignee", "")
    assignee_id = id_from_text(raw) if raw else None
    if raw and assignee_id is None:
        flash.error(request, _("Pick someone of the team who can reply."))
        return redirect("messaging:seller-thread", thread_id)
    try:
        assignment.threads_assign(
            shop=request.user, thread_ids=[thread_id], assignee_id=assignee_id
        )
    except NotFound:
        raise
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        flash.success(
            request,
            _("Conversation assigned.")
            if assignee_id is not None
            else _("Conversation unassigned."),
        )
    return redirect("messaging:seller-thread", thread_id)


@login_required
@require_POST
def team_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A member switches between acting for their shop and their own (buyer's) account.

    ``to=self``: the person's own account, to see what they bought; ``to=shop``: back to the
    shop, if they are still on its team. Anything else, or someone on no team: 404.
    """
    target = request.POST.get("to")
    membership = getattr(request, "member", None)
    if target == "self" and membership is not None:
        members.session_act_as_self(request, membership)
        flash.success(request, _("You are using your own account."))
        return redirect("home")
    if target == "shop" and membership is None:
        membership = members.membership_for(request.user)
        if membership is not None:
            members.session_act_for(request, membership)
            flash.success(
                request,
                _("You are working for %(shop)s.") % {"shop": membership.shop.public_name},
            )
            return redirect("messaging:seller-inbox")
        if request.session.pop(members.SESSION_OWN_KEY, None) is not None:
            flash.error(request, _("You are no longer on that shop's team."))
            return redirect("home")
    raise Http404
