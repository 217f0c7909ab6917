"""HTML pages for buyers ("Your messages") and sellers ("Seller Central")."""

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from messagecenter.errors import ApplicationError, NotFound
from messagecenter.typing import AuthenticatedHttpRequest
from messaging import moderation, proactive, response_clock, selectors, services, uploads
from messaging.attachments import IncomingFile
from messaging.content_policy import highlight_segments
from messaging.forms import (
    MessagingPreferencesForm,
    ProactiveMessageForm,
    ReplyForm,
    ReportForm,
    StartThreadForm,
)
from messaging.models import Message, MessageKind, MessageStatus, Participant, Thread
from messaging.querysets import Folder
from orders.models import Order
from orders.selectors import (
    order_get_for_participant,
    order_get_for_seller,
    order_list_for_seller,
    product_get_active,
)


def _apply_error(form: ReplyForm, error: ApplicationError) -> None:
    if error.fields:
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


def _incoming_files(request: AuthenticatedHttpRequest) -> list[IncomingFile]:
    """The files picked in the compose box; refuses an upload cut off at the size limit."""
    if uploads.refused(request):
        raise uploads.upload_refused_error()
    return [IncomingFile(name=f.name or "", data=f) for f in request.FILES.getlist("files")]


def _send_failed(form: ReplyForm, error: ApplicationError) -> dict[str, object]:
    if error.fields and set(error.fields) == {"files"}:
        # Said once above the form; each refused file's reason is shown next to its name.
        form.add_error(None, error.message)
        return {"file_errors": error.extra.get("files", [])}
    _apply_error(form, error)
    return {}


CATEGORY_LABELS = {
    "email": _lazy("an email address"),
    "phone": _lazy("a phone number"),
    "url": _lazy("a link to another website"),
    "social_handle": _lazy("a social media account"),
    "messaging_app": _lazy("a messaging app contact"),
    "marketing": _lazy("marketing"),
    "review_manipulation": _lazy("a review request that is not neutral"),
    "opt_out": _lazy("opt-out instructions"),
}


def _blocked(form: ReplyForm, message: Message) -> dict[str, object]:
    """Explain a message the content policy stopped, and show where in the text."""
    found = ", ".join(str(CATEGORY_LABELS.get(c, c)) for c in message.categories)
    form.add_error(
        None,
        _(
            "Your message was not sent: it contains %(found)s, which the messaging policy "
            "does not allow. Change the highlighted text and send it again."
        )
        % {"found": found},
    )
    return {
        "blocked_message": message,
        "highlight": highlight_segments(message.body, message.findings),
    }


def _thread_url(user_is_seller: bool, thread_id: int) -> str:
    name = "messaging:seller-thread" if user_is_seller else "messaging:thread"
    return reverse(name, args=[thread_id])


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest, *, seller_view: bool) -> HttpResponse:
    user = request.user
    if seller_view != user.is_seller:
        return redirect("messaging:seller-inbox" if user.is_seller else "messaging:inbox")
    folder = request.GET.get("folder") or selectors.default_folder(user)
    try:
        page = selectors.thread_list_for_user(
            user=user, folder=folder, cursor=request.GET.get("cursor")
        )
    except ApplicationError as error:
        if error.code not in {"invalid_folder", "invalid_cursor"}:
            raise
        flash.error(request, error.message)
        return redirect(request.path)
    counts = selectors.thread_folder_counts(user=user)
    tabs = [
        {"folder": f.value, "label": Folder(f).label, "count": counts[f.value]}
        for f in selectors.folders_for_user(user)
    ]
    template = "seller/inbox.html" if seller_view else "messaging/inbox.html"
    return render(
        request,
        template,
        {"page": page, "folder": folder, "tabs": tabs, "seller_view": seller_view},
    )


def _get_participant(request: AuthenticatedHttpRequest, thread_id: int) -> Participant:
    try:
        return selectors.participant_get(user=request.user, thread_id=thread_id)
    except NotFound:
        raise Http404 from None


def content_disposition(name: str, *, inline: bool) -> str:
    """An RFC 6266 header: an ASCII fallback name plus the exact name as UTF-8 ``filename*``."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, attachment_id: int, *, thumbnail: bool = False
) -> HttpResponseBase:
    """Serve a file to the thread's participants and staff; anyone else gets a 404.

    Images and PDF open in the browser unless ``?download=1``; every other type downloads.
    Either way the response may not run anything: ``nosniff`` and a sandboxing CSP.
    """
    try:
        attachment = selectors.attachment_get_for_user(
            user=request.user, attachment_id=attachment_id
        )
    except NotFound:
        raise Http404 from None
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404
    inline = thumbnail or (attachment.is_inline_safe and request.GET.get("download") != "1")
    content_type = (
        ("image/png" if stored.name.endswith(".png") else "image/jpeg")
        if thumbnail
        else attachment.content_type
    )
    disposition = content_disposition(attachment.name, inline=inline)
    storage = stored.storage
    response: HttpResponseBase
    if getattr(storage, "querystring_auth", False):
        # Object storage: a short-lived signed URL that carries the same headers.
        url = storage.url(
            stored.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private",
            },
            expire=settings.ATTACHMENT_URL_EXPIRY_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = disposition
        response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300" if not thumbnail else "private, max-age=3600"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(
    request: AuthenticatedHttpRequest, thread_id: int, *, seller_view: bool
) -> HttpResponse:
    participant = _get_participant(request, thread_id)
    if seller_view != request.user.is_seller:
        return redirect(_thread_url(request.user.is_seller, thread_id))
    thread: Thread = participant.thread
    form = ReplyForm(request.POST if request.method == "POST" else None)
    extra: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send(
                thread=thread,
                sender=request.user,
                body=form.cleaned_data["body"],
                files=_incoming_files(request),
            )
        except ApplicationError as error:
            extra = _send_failed(form, error)
        else:
            if message.is_delivered:
                flash.success(request, _("Message sent."))
                return redirect(request.path + "#latest")
            extra = _blocked(form, message)
    if request.method == "GET":
        services.thread_mark_read(participant=participant)
    messages = list(selectors.message_list_for_participant(participant=participant))
    if not seller_view:
        extra["seller_blocked"] = selectors.seller_is_blocked(
            buyer=request.user, seller_id=thread.seller_id
        )
        # A conversation holding only a review request cannot be answered.
        extra["reply_closed"] = bool(messages) and all(
            m.kind == MessageKind.REVIEW_REQUEST
            for m in messages
            if m.status == MessageStatus.DELIVERED
        )
        extra["report_form"] = ReportForm()
    template = "seller/thread.html" if seller_view else "messaging/thread.html"
    return render(
        request,
        template,
        {
            "participant": participant,
            "thread": thread,
            "order": thread.order,
            "thread_messages": messages,
            "form": form,
            "seller_view": seller_view,
            **extra,
        },
        status=400 if request.method == "POST" else 200,
    )


_ACTIONS: dict[str, tuple[Callable[..., None], str]] = {
    "read": (services.thread_mark_read, "Marked as read."),
    "unread": (services.thread_mark_unread, "Marked as unread."),
    "archive": (services.thread_archive, "Conversation archived."),
    "unarchive": (services.thread_unarchive, "Conversation moved to the inbox."),
    "delete": (services.thread_delete_for_me, "Conversation deleted for you."),
    "no-response-needed": (
        services.thread_mark_no_response_needed,
        "Marked as needing no response.",
    ),
    "block-seller": (
        services.thread_block_seller,
        "Seller blocked: they can no longer write to you first, except about delivery, "
        "customization or a problem with your order.",
    ),
    "unblock-seller": (services.thread_unblock_seller, "Seller unblocked."),
}


@login_required
@require_POST
def thread_action(request: AuthenticatedHttpRequest, thread_id: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404
    participant = _get_participant(request, thread_id)
    service, done = _ACTIONS[action]
    try:
        service(participant=participant)
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _(done))
    inbox_name = "messaging:seller-inbox" if request.user.is_seller else "messaging:inbox"
    if action in {"read", "unarchive", "no-response-needed", "block-seller", "unblock-seller"}:
        return redirect(_thread_url(request.user.is_seller, thread_id))
    return redirect(inbox_name)


@login_required
@require_http_methods(["GET", "POST"])
def thread_start_for_order(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    try:
        order = order_get_for_participant(user=request.user, number=number)
    except NotFound:
        raise Http404 from None
    if order.seller_id == request.user.pk:
        # Sellers write first only for a permitted reason, from their order page.
        return redirect("messaging:seller-order", number=order.number)
    existing = selectors.thread_get_for_order(user=request.user, order=order)
    initial_topic = request.GET.get("topic", "")
    form = StartThreadForm(
        request.POST if request.method == "POST" else None, initial={"topic": initial_topic}
    )
    extra: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            message = services.thread_start(
                sender=request.user,
                order=order,
                topic=form.cleaned_data["topic"],
                body=form.cleaned_data["body"],
                files=_incoming_files(request),
            )
        except ApplicationError as error:
            extra = _send_failed(form, error)
        else:
            if message.is_delivered:
                flash.success(request, _("Message sent."))
                return redirect(_thread_url(request.user.is_seller, message.thread_id))
            extra = _blocked(form, message)
    return render(
        request,
        "messaging/start.html",
        {"form": form, "order": order, "existing": existing, **extra},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_start_for_product(request: AuthenticatedHttpRequest, product_id: int) -> HttpResponse:
    try:
        product = product_get_active(product_id=product_id)
    except NotFound:
        raise Http404 from None
    form = ReplyForm(request.POST if request.method == "POST" else None)
    extra: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            message = services.thread_start(
                sender=request.user,
                product=product,
                topic="product_question",
                body=form.cleaned_data["body"],
                files=_incoming_files(request),
            )
        except ApplicationError as error:
            extra = _send_failed(form, error)
        else:
            if message.is_delivered:
                flash.success(request, _("Question sent."))
                return redirect(_thread_url(request.user.is_seller, message.thread_id))
            extra = _blocked(form, message)
    return render(
        request,
        "messaging/ask.html",
        {"form": form, "product": product, **extra},
        status=400 if request.method == "POST" else 200,
    )


def _require_seller(request: AuthenticatedHttpRequest) -> None:
    # A uniform 404: the seller pages do not exist for anyone else.
    if not request.user.is_seller:
        raise Http404


@login_required
@require_GET
def seller_performance(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_seller(request)
    metric = response_clock.metric_for_seller(seller=request.user, now=timezone.now())
    return render(
        request,
        "seller/performance.html",
        {
            "metric": metric,
            "windows": metric.windows,
            "daily": metric.daily,
            "deadline_hours": int(response_clock.response_deadline().total_seconds() // 3600),
        },
    )


@login_required
@require_GET
def seller_performance_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    _require_seller(request)
    now = timezone.now()
    response = StreamingHttpResponse(
        response_clock.obligation_csv_lines(seller=request.user, now=now),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="response-obligations-{now:%Y-%m-%d}.csv"'
    )
    return response


@login_required
@require_POST
def message_report(
    request: AuthenticatedHttpRequest, thread_id: int, message_id: int
) -> HttpResponse:
    """Report a message of the other side to the moderation queue."""
    participant = _get_participant(request, thread_id)
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
            raise Http404 from None
        except ApplicationError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, _("Thank you. Our team will review the message."))
    return redirect(_thread_url(request.user.is_seller, thread_id))


@login_required
@require_http_methods(["GET", "POST"])
def messaging_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A buyer's choice to receive (or not) messages sellers start."""
    if request.user.is_seller:
        raise Http404
    receiving = not selectors.buyer_opted_out(buyer=request.user)
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
    blocked = selectors.seller_block_list(buyer=request.user)
    return render(request, "messaging/preferences.html", {"form": form, "blocked": blocked})


@login_required
@require_GET
def seller_order_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_seller(request)
    orders = order_list_for_seller(seller=request.user)[:100]
    return render(request, "seller/order_list.html", {"orders": orders})


@login_required
@require_http_methods(["GET", "POST"])
def seller_order_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """A seller's order: what they may send about it now, and the forms to send it."""
    _require_seller(request)
    try:
        order = order_get_for_seller(seller=request.user, number=number)
    except NotFound:
        raise Http404 from None
    form = ProactiveMessageForm(
        request.POST if request.POST.get("action") == "proactive" else None,
        initial={"reason": request.GET.get("reason", "")},
    )
    extra: dict[str, object] = {}
    action_error = ""  # a refused review request (or no action picked)
    if request.method == "POST":
        try:
            message = _seller_order_send(request, order=order, form=form)
        except ApplicationError as error:
            if request.POST.get("action") == "proactive":
                extra = _send_failed(form, error)
            else:
                action_error = error.message
        else:
            if message is not None and message.is_delivered:
                flash.success(request, _("Message sent."))
                return redirect(_thread_url(True, message.thread_id))
            if message is not None:
                extra = _blocked(form, message)
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
            **extra,
        },
        status=400 if request.method == "POST" else 200,
    )


def _seller_order_send(
    request: AuthenticatedHttpRequest, *, order: Order, form: ProactiveMessageForm
) -> Message | None:
    action = request.POST.get("action")
    if action == "review_request":
        return services.review_request_send(seller=request.user, order=order)
    if action != "proactive":
        raise ApplicationError("invalid", _("Pick what to send."))
    if not form.is_valid():
        return None
    return services.proactive_message_send(
        seller=request.user,
        order=order,
        reason=form.cleaned_data["reason"],
        body=form.cleaned_data["body"],
        files=_incoming_files(request),
    )
