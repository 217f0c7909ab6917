"""Reporting a message to the moderation team from a conversation page."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
)
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.typing import AuthenticatedHttpRequest
from core.errors import ApplicationError, NotFound
from messaging.models import (
    Message,
)
from messaging.moderation import services as moderation
from messaging.moderation.forms import ReportForm
from messaging.threads.links import thread_path
from messaging.threads.selectors import participant_get


@login_required
@require_POST
def message_report(
    request: AuthenticatedHttpRequest, thread_id: int, message_id: int
) -> HttpResponse:
    """Report a message of the other side to the moderation queue."""
    participant = participant_get(user=request.user, thread_id=thread_id)
    message = (
        Message.objects.select_related("thread")
        .filter(pk=message_id, thread_id=participant.thread_id)
        .first()
    )
    if message is None:
        raise Http404
    form = ReportForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Pick why you are reporting this message."))
    else:
        try:
            moderation.message_report(
                reporter=request.user,
                message=message,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except NotFound:
            raise  # a 404 page, whether or not it exists for someone else
        except ApplicationError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, _("Thank you. Our team will review the message."))
    return redirect(thread_path(thread_id, for_seller=request.user.is_seller))
