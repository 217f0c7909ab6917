"""The thread page's "Download evidence" control and the published public key."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.typing import AuthenticatedHttpRequest
from core.errors import ApplicationError
from messaging.evidence import services, signing
from messaging.threads.links import thread_path
from messaging.threads.selectors import participant_get


@login_required
@require_POST
def thread_evidence(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    """Start the reader's evidence export of a thread, then show its progress on the page."""
    participant = participant_get(user=request.user, thread_id=thread_id)
    try:
        _export, created = services.evidence_export_request(participant=participant)
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        flash.success(
            request,
            _("Preparing your evidence export. The download appears here when it is ready.")
            if created
            else _("Your evidence export is already being prepared."),
        )
    return redirect(thread_path(thread_id, for_seller=request.user.is_seller) + "#evidence")


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The PEM of the key that signs evidence manifests, for anyone checking an export."""
    if not signing.signing_available():
        return HttpResponse(
            "No evidence signing key is configured.\n", status=404, content_type="text/plain"
        )
    key = signing.public_key()
    response = HttpResponse(signing.public_key_pem(key), content_type="application/x-pem-file")
    response["X-Evidence-Key-Id"] = signing.key_id(key)
    response["Content-Disposition"] = 'inline; filename="evidence-public-key.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
