"""Seller Central pages for saved replies, and what the reply box of a conversation offers."""

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import require_seller
from accounts.models import User
from accounts.typing import AuthenticatedHttpRequest
from core.errors import ApplicationError
from messaging.models import SavedReply, Thread
from messaging.policy.content import findings_highlight
from messaging.replies import placeholders as saved_replies
from messaging.replies import selectors, services
from messaging.replies.forms import SavedReplyForm


def _saved_reply(request: AuthenticatedHttpRequest, saved_reply_id: int) -> SavedReply:
    require_seller(request)
    return selectors.saved_reply_get(seller=request.user, saved_reply_id=saved_reply_id)


def _refused(form: SavedReplyForm, error: ApplicationError) -> dict[str, Any]:
    """Show each problem next to its field; a policy refusal also highlights what was found."""
    for field, problems in (error.fields or {}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.message)
    findings = error.extra.get("findings")
    if not findings:
        return {}
    body = (form.data.get("body") or "").replace("\r\n", "\n").strip()
    return {"highlight": findings_highlight(body, findings), "findings": findings}


def _form_page(
    request: AuthenticatedHttpRequest,
    form: SavedReplyForm,
    *,
    saved_reply: SavedReply | None,
    extra: dict[str, Any],
) -> HttpResponse:
    return render(
        request,
        "seller/saved_reply_form.html",
        {
            "form": form,
            "saved_reply": saved_reply,
            "placeholders": saved_replies.PLACEHOLDERS,
            **extra,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def saved_reply_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_seller(request)
    rows = list(selectors.saved_reply_list_for_seller(seller=request.user))
    return render(
        request,
        "seller/saved_replies.html",
        {
            "saved_replies": rows,
            "limit": services.SAVED_REPLIES_MAX,
            "placeholders": saved_replies.PLACEHOLDERS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_seller(request)
    form = SavedReplyForm(
        request.POST if request.method == "POST" else None,
        initial={"language": request.user.language},
    )
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.saved_reply_create(
                seller=request.user,
                name=form.cleaned_data["name"],
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
            )
        except ApplicationError as error:
            extra = _refused(form, error)
        else:
            flash.success(request, _("Saved reply “%(name)s” created.") % {"name": saved.name})
            return redirect("messaging:saved-replies")
    return _form_page(request, form, saved_reply=None, extra=extra)


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_edit(request: AuthenticatedHttpRequest, saved_reply_id: int) -> HttpResponse:
    saved_reply = _saved_reply(request, saved_reply_id)
    form = SavedReplyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": saved_reply.name,
            "language": saved_reply.language,
            "body": saved_reply.body,
        },
    )
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.saved_reply_update(
                saved_reply=saved_reply,
                name=form.cleaned_data["name"],
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
            )
        except ApplicationError as error:
            extra = _refused(form, error)
        else:
            flash.success(request, _("Saved reply “%(name)s” updated.") % {"name": saved.name})
            return redirect("messaging:saved-replies")
    return _form_page(request, form, saved_reply=saved_reply, extra=extra)


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_delete(request: AuthenticatedHttpRequest, saved_reply_id: int) -> HttpResponse:
    """Ask before deleting (GET), then delete (POST)."""
    saved_reply = _saved_reply(request, saved_reply_id)
    if request.method == "POST":
        services.saved_reply_delete(saved_reply=saved_reply)
        flash.success(request, _("Saved reply “%(name)s” deleted.") % {"name": saved_reply.name})
        return redirect("messaging:saved-replies")
    return render(request, "seller/saved_reply_delete.html", {"saved_reply": saved_reply})


def reply_box_context(*, seller: User, thread: Thread, picked: str | None) -> dict[str, Any]:
    """The seller's saved replies filled in for this conversation, for the reply box.

    ``picked`` (``?saved_reply=<id>``, the control without JavaScript) prefills the box with
    that reply; an id that is not one of the seller's saved replies is a 404.
    """
    expanded = selectors.saved_reply_list_expanded(seller=seller, thread=thread)
    prefill = ""
    if picked is not None:
        prefill = next((text for row, text in expanded if str(row.pk) == picked), "")
        if not prefill:
            raise Http404
    return {
        "saved_replies": [
            {
                "id": row.pk,
                "name": row.name,
                "language": row.language,
                "language_label": row.get_language_display(),
                "is_picked": str(row.pk) == picked,
            }
            for row, _text in expanded
        ],
        "saved_reply_texts": {str(row.pk): text for row, text in expanded},
        "saved_reply_prefill": prefill,
    }
