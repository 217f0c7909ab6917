"""HTML pages of conversations for buyers ("Your messages") and sellers ("Seller Central")."""

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import members
from accounts.models import User
from accounts.typing import AuthenticatedHttpRequest
from core.cache import CacheUnavailable
from core.converters import id_from_text
from core.errors import ApplicationError, NotFound
from core.moments import moment_text
from core.replica import replica_reads_allow
from messaging.attachments import uploads
from messaging.attachments.checks import IncomingFile
from messaging.clock import selectors as response_clock
from messaging.evidence.selectors import export_panel as evidence_panel
from messaging.models import (
    Message,
    Participant,
    ParticipantRole,
    Thread,
)
from messaging.models.folders import TEAM_FOLDERS, Folder
from messaging.models.threads import Topic
from messaging.moderation import selectors as moderation
from messaging.moderation.forms import ReportForm
from messaging.policy.content import findings_highlight
from messaging.policy.reasons import blocked_explanation
from messaging.replies import views as saved_reply_views
from messaging.rules.selectors import seller_block_exists
from messaging.rules.services import thread_block_seller, thread_unblock_seller
from messaging.search.selectors import ASSIGNEE_NONE
from messaging.team import assignment, presence
from messaging.team.panel import team_panel_context
from messaging.templatetags.trash import UNDO_TAG
from messaging.threads import (
    fragments,
    inbox_page,
    live,
    page_cache,
    selectors,
    sending,
    thread_cache,
    thread_page,
)
from messaging.threads.forms import InboxFilterForm, ReplyForm, StartThreadForm
from messaging.threads.history import buyer_history_for_seller
from messaging.threads.idempotency import FORM_TOKEN_FIELD, form_send_once
from messaging.threads.links import thread_path
from messaging.threads.selectors import (
    MATCH_COUNT_CAP,
    FolderCounts,
    folder_default_for_user,
    folder_list_for_user,
    message_list_after,
    message_list_for_thread_page,
    participant_get,
    thread_folder_counts,
    thread_get_for_order,
    thread_ids_active_since,
    thread_list_for_user,
    thread_match_count,
)
from messaging.threads.services import (
    message_send,
    reply_refusal,
    thread_archive,
    thread_bulk_trash,
    thread_bulk_update,
    thread_mark_no_response_needed,
    thread_mark_read,
    thread_mark_unread,
    thread_start,
    thread_unarchive,
)
from messaging.threads.trash import thread_restore, thread_trash
from orders.selectors import (
    order_get_for_participant,
    order_items_load,
    product_get_active,
)


def _apply_error(form: ReplyForm, error: ApplicationError) -> None:
    if error.fields:
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


def _send_failed(form: ReplyForm, error: ApplicationError) -> dict[str, object]:
    if error.code == "thread_changed":
        # Shown with the new messages above the form: send anyway, or revise first.
        return {"thread_changed": error.extra.get("new_message_ids", [])}
    if error.fields and set(error.fields) == {"files"}:
        # Said once above the form; each refused file's reason is shown next to its name.
        form.add_error(None, error.message)
        return {"file_errors": error.extra.get("files", [])}
    _apply_error(form, error)
    return {}


def _blocked(form: ReplyForm, message: Message) -> dict[str, object]:
    """Explain a message the content policy stopped, and show where in the text."""
    form.add_error(None, blocked_explanation(message.categories, where="page"))
    return {
        "blocked_message": message,
        "highlight": findings_highlight(message.body, message.findings),
    }


def form_send(
    request: AuthenticatedHttpRequest,
    form: ReplyForm,
    send: Callable[[list[IncomingFile]], Message],
    *,
    done: str,
) -> Message | dict[str, object]:
    """Every send from a page's compose form: its files, the send, and what the sender sees.

    Returns the delivered message (with ``done`` flashed), or the context that explains why
    nothing went out: the form's errors and each refused file's reason, or the content
    policy's findings highlighted in the text. An upload cut off at the size limit is refused
    before anything is read; a form submitted again (its one-time token) sends nothing new.
    """
    try:
        uploaded = request.FILES.getlist("files")  # parses the body, if nothing did before
        if uploads.refused(request):
            raise uploads.upload_refused_error()
        files = [IncomingFile(name=f.name or "", data=f) for f in uploaded]
        message = form_send_once(
            user=request.user,
            token=request.POST.get(FORM_TOKEN_FIELD, ""),
            send=lambda: send(files),
        )
    except ApplicationError as error:
        return _send_failed(form, error)
    if message.is_sending:
        flash.success(request, _("Sending… You can still undo it under the message."))
        return message
    if not message.is_delivered:
        return _blocked(form, message)
    flash.success(request, done)
    return message


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest, *, seller_view: bool) -> HttpResponse:
    replica = replica_reads_allow(request)
    user = request.user
    if seller_view != user.is_seller:
        return redirect("messaging:seller-inbox" if user.is_seller else "messaging:inbox")
    person_id = members.acting_user(request).pk  # whose *Mine* it is
    # The inbox version, read before the rows (nothing after is missed), and the page as
    # rendered for it if nothing it shows has changed since (messaging/threads/inbox_page.py).
    cached = inbox_page.page_start(request, person_id=person_id)
    if cached.hit:
        return inbox_page.page_serve(request, cached)
    now = timezone.now()
    # Where the page's live updates start.
    live_since = _inbox_since_text(now, cached.version)
    folder = request.GET.get("folder") or folder_default_for_user(user)
    counts = thread_folder_counts(user=user, person_id=person_id)
    assignees = _inbox_assignees(user, counts)
    filter_form = InboxFilterForm(request.GET, seller_view=seller_view, assignees=assignees)
    # Invalid filters are explained above the form and the folder is listed unfiltered.
    filters = filter_form.filters() if filter_form.is_valid() else None
    searching = filters is not None and not filters.is_empty
    match_count = None
    try:
        page = thread_list_for_user(
            user=user,
            folder=folder,
            cursor=request.GET.get("cursor"),
            filters=filters,
            person_id=person_id,
        )
        if searching and filters is not None:
            match_count = thread_match_count(
                user=user, folder=folder, filters=filters, person_id=person_id
            )
    except ApplicationError as error:
        if error.code not in {"invalid_folder", "invalid_cursor"}:
            raise
        flash.error(request, error.message)
        return redirect(request.path)
    tabs = _folder_tabs(user, counts, assignable=members.request_can_write(request))
    template = "seller/inbox.html" if seller_view else "messaging/inbox.html"
    # Filters carried by the folder tabs and the pager links.
    filter_params = (
        {k: v for k, v in request.GET.items() if k in filter_form.fields and v} if searching else {}
    )
    filter_query = "&" + urlencode(filter_params) if searching else ""
    # Sellers see a restriction in force where they work (one indexed query).
    restriction, restriction_starts = (
        selectors.seller_restriction_shown(seller_id=user.pk, now=now)
        if seller_view
        else (None, None)
    )
    held: set[int] = set()  # rows a held message of the reader's may change (fragments)
    return inbox_page.page_render(
        request,
        cached,
        template,
        {
            "page": page,
            # Called by the template where the rows are shown (the engine calls a callable).
            "inbox_rows": partial(
                fragments.inbox_rows,
                rows=page.items,
                seller_view=seller_view,
                now=now,
                assignees=assignees,
                held=held,
            ),
            "folder": folder,
            "tabs": tabs,
            "seller_view": seller_view,
            "filter_form": filter_form,
            "searching": searching,
            "match_count": match_count,
            "match_count_cap": MATCH_COUNT_CAP,
            "filter_query": filter_query,
            "live": _inbox_live(
                request,
                folder=folder,
                filter_params=filter_params,
                has_rows=bool(page.items),
                since=live_since,
            ),
            "trash_days": settings.TRASH_PURGE_DAYS,
            # A team's people, for the bulk "Assign to" (and the filter by assignee).
            "assignees": assignees,
            "restriction": restriction,
            # The header's badge, from the counts already read (the badge's own query spared).
            **_unread_shown(user, counts),
        },
        # What the cache cannot tell has changed: a search (its documents), a form's errors,
        # a replica's reads (maybe behind the version), rows a held message may change.
        cacheable=not (searching or filter_form.errors or replica),
        still_cacheable=lambda: not held,
        until=inbox_page.shown_until(
            now,
            moments=[row.last_message_at for row in page.items],
            waiting_since=[
                row.needs_response_since
                for row in page.items
                if row.needs_response_since is not None
            ],
            changes=[
                restriction_starts,
                *(
                    (restriction.ends_at, page_cache.moment_changes_at(restriction.ends_at, now))
                    if restriction is not None
                    else ()
                ),
            ],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(
    request: AuthenticatedHttpRequest, thread_id: int, *, seller_view: bool
) -> HttpResponse:
    # A GET may read from the replica: marking the thread read, a write, moves the rest of
    # the request (the messages shown) to the primary.
    replica_reads_allow(request)
    cached = None
    if request.method == "GET":
        # The page as stored while nothing it shows changed (thread_page); not when it shows
        # a message just taken back.
        cached = thread_page.page_start(
            request,
            thread_id=thread_id,
            seller_view=seller_view,
            skip=_undone_key(thread_id) in request.session,
        )
        if cached.hit:
            return thread_page.page_serve(request, cached)
    participant = participant_get(user=request.user, thread_id=thread_id)
    if seller_view != request.user.is_seller:
        return redirect(thread_path(thread_id, for_seller=request.user.is_seller))
    thread: Thread = participant.thread
    # The seller's saved replies for the reply box; ?saved_reply=<id> prefills it.
    reply_box = (
        saved_reply_views.reply_box_context(
            seller=request.user,
            thread=thread,
            picked=(request.GET.get("saved_reply") or None) if request.method == "GET" else None,
        )
        if seller_view
        else {}
    )
    # A message just taken back (Undo) comes back into the reply box, once.
    undone = request.session.pop(_undone_key(thread.pk), None) if request.method == "GET" else None
    form = ReplyForm(
        request.POST if request.method == "POST" else None,
        initial={"body": undone["body"] if undone else reply_box.get("saved_reply_prefill", "")},
    )
    extra: dict[str, object] = {"undone_files": undone["files"] if undone else []}
    if request.method == "POST" and form.is_valid():
        sent = form_send(
            request,
            form,
            lambda files: message_send(
                thread=thread,
                sender=request.user,
                body=form.cleaned_data["body"],
                files=files,
                undo_seconds=sending.undo_seconds_for(user=request.user),
                # The latest message the page showed: one that arrived since (from the other
                # side or a colleague) stops the send and is shown, unless "Send anyway".
                expected_last_message_id=(
                    None if request.POST.get("force") else _expected_last(request)
                ),
            ),
            done=_("Message sent."),
        )
        if isinstance(sent, Message):
            return redirect(request.path + "#latest")
        extra = sent
    # Read now, the page stays so until it is read again: it may be stored.
    was_read = not participant.unread_count
    if request.method == "GET":
        thread_mark_read(participant=participant)
    if not seller_view:
        extra["seller_blocked"] = seller_block_exists(
            buyer=request.user, seller_id=thread.seller_id
        )
        extra["report_form"] = ReportForm()
        # What the buyer reported already shows so, without the form (one query).
        extra["reported"] = moderation.report_dates_for_reporter(
            reporter_id=request.user.pk, thread_id=thread.pk
        )
    # Rendered once per state of what it shows, then from the cache (thread_cache).
    shown = thread_cache.message_list_shown(
        request=request,
        participant=participant,
        load=partial(message_list_for_thread_page, participant=participant),
        context={
            "thread": thread,
            "report_form": extra.get("report_form"),
            "reported": extra.get("reported"),
        },
        # The list as of the rows the page's statement read (none: not cached).
        version=cached.list_version if cached is not None else None,
        csrf_token=cached.token if cached is not None and cached.storing else None,
    )
    if not seller_view:
        extra["reply_closed"] = (
            reply_refusal(thread=thread, role=participant.role, delivered=shown.delivered)
            is not None
        )
    if thread.order is not None:
        order_items_load(order=thread.order)  # the sidebar's items, with their pictures
    team: dict[str, Any] = {}
    if seller_view:
        extra["buyer_history"] = buyer_history_for_seller(seller=request.user, thread=thread)
        team = team_panel_context(request=request, participant=participant)
        extra.update(team)
    template = "seller/thread.html" if seller_view else "messaging/thread.html"
    return thread_page.page_render(
        request,
        cached,
        template,
        {
            "participant": participant,
            "thread": thread,
            "order": thread.order,
            # The messages shown (as read for the list, or read only if asked for: the page
            # shows them as HTML).
            "thread_messages": (
                shown.messages
                if shown.messages is not None
                else SimpleLazyObject(
                    partial(message_list_for_thread_page, participant=participant)
                )
            ),
            "message_items": [shown.html],
            "last_message_id": shown.last_message_id,
            "form": form,
            "seller_view": seller_view,
            "evidence": evidence_panel(user=request.user, thread_id=thread.pk),
            "trash_days": settings.TRASH_PURGE_DAYS,
            **reply_box,
            **extra,
            # The header's badge, from the count the page's statement read (one fewer when
            # this request marked the thread read, if it was counted: in the inbox).
            **(
                cached.badge_context(read_now=not was_read and not participant.is_deleted)
                if cached is not None
                else {}
            ),
        },
        status=400 if request.method == "POST" else 200,
        cacheable=was_read and not extra.get("undone_files"),
        until=thread_page.shown_until(
            timezone.now(),
            moments=[
                *shown.moments,
                *(note.created_at for note in team.get("team_notes", ())),
                *(line["at"] for line in team.get("team_activity", ())),
            ],
            waiting_since=participant.needs_response_since,
        ),
    )


def _expected_last(request: AuthenticatedHttpRequest) -> int | None:
    value = request.POST.get("expected_last_message_id", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _undone_key(thread_id: int) -> str:
    return f"undone_message:{thread_id}"


@login_required
@require_POST
def message_undo(
    request: AuthenticatedHttpRequest, thread_id: int, message_id: int
) -> HttpResponse:
    """Take back a message still sending; its text (and its files' names) go back to the form."""
    participant = participant_get(user=request.user, thread_id=thread_id)
    path = thread_path(thread_id, for_seller=participant.role == ParticipantRole.SELLER)
    try:
        undone = sending.message_undo(
            user=request.user, thread_id=participant.thread_id, message_id=message_id
        )
    except NotFound:
        raise
    except ApplicationError as error:
        flash.error(request, error.message)
        return redirect(path + "#latest")
    request.session[_undone_key(participant.thread_id)] = {
        "body": undone.body,
        "files": undone.file_names,
    }
    flash.success(request, _("Message taken back: nothing was delivered. Edit it and send again."))
    return redirect(path + "#id_body")


_ACTIONS: dict[str, tuple[Callable[..., None], str]] = {
    "read": (thread_mark_read, "Marked as read."),
    "unread": (thread_mark_unread, "Marked as unread."),
    "archive": (thread_archive, "Conversation archived."),
    "unarchive": (thread_unarchive, "Conversation moved to the inbox."),
    "delete": (thread_trash, "Conversation moved to Trash."),
    "restore": (thread_restore, "Conversation restored."),
    "no-response-needed": (
        thread_mark_no_response_needed,
        "Marked as needing no response.",
    ),
    "block-seller": (
        thread_block_seller,
        "Seller blocked: they can no longer write to you first, except about delivery, "
        "customization or a problem with your order.",
    ),
    "unblock-seller": (thread_unblock_seller, "Seller unblocked."),
}


def flash_trashed(
    request: AuthenticatedHttpRequest, thread_ids: list[int], *, purge_at: datetime
) -> None:
    """Say where the conversations went and when they go for good, with an Undo (a form).

    The Undo's thread ids travel in the message's tags (``trash-undo <id> …``): the flash is
    shown on whatever page comes next, and its form restores exactly these threads.
    """
    n = len(thread_ids)
    text = ngettext(
        "Conversation moved to Trash. It will be removed for good on %(date)s.",
        "%(n)d conversations moved to Trash. They will be removed for good on %(date)s.",
        n,
    ) % {"n": n, "date": moment_text(purge_at, "date")}
    flash.success(request, text, extra_tags=" ".join([UNDO_TAG, *map(str, thread_ids)]))


@login_required
@require_POST
def thread_action(request: AuthenticatedHttpRequest, thread_id: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404
    participant = participant_get(user=request.user, thread_id=thread_id)
    if (
        action == "block-seller"
        and participant.role == ParticipantRole.BUYER
        and request.POST.get("confirmed") != "yes"
    ):
        # Nothing changes until the buyer confirms, on this page (or in the page's dialog).
        return render(
            request,
            "messaging/block_seller_confirm.html",
            {"participant": participant, "thread": participant.thread},
        )
    service, done = _ACTIONS[action]
    try:
        service(participant=participant)
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        if action == "delete" and participant.purge_at is not None:
            flash_trashed(request, [participant.thread_id], purge_at=participant.purge_at)
        else:
            flash.success(request, _(done))
    inbox_name = "messaging:seller-inbox" if request.user.is_seller else "messaging:inbox"
    if action == "restore" and "folder" in request.POST:
        return redirect(_inbox_url(request))  # from a row of the Trash folder: back to it
    if action in {
        "read",
        "unarchive",
        "no-response-needed",
        "block-seller",
        "unblock-seller",
        "restore",
    }:
        return redirect(thread_path(thread_id, for_seller=request.user.is_seller))
    return redirect(inbox_name)


def _thread_start_page(
    request: AuthenticatedHttpRequest,
    *,
    form: ReplyForm,
    start: Callable[[list[IncomingFile]], Message],
    done: str,
    template: str,
    seller_id: int,
    context: dict[str, object],
) -> HttpResponse:
    """A page that starts a conversation (about an order, or a product): form, send, errors."""
    extra: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        sent = form_send(request, form, start, done=done)
        if isinstance(sent, Message):
            return redirect(thread_path(sent.thread_id, for_seller=request.user.is_seller))
        extra = sent
    return render(
        request,
        template,
        {
            "form": form,
            "usual_reply_hours": response_clock.seller_usual_reply_hours(
                seller_id=seller_id, now=timezone.now()
            ),
            **context,
            **extra,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_start_for_order(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    order = order_get_for_participant(user=request.user, number=number)
    if order.seller_id == request.user.pk:
        # Sellers write first only for a permitted reason, from their order page.
        return redirect("messaging:seller-order", number=order.number)
    form = StartThreadForm(
        request.POST if request.method == "POST" else None,
        initial={"topic": request.GET.get("topic", "")},
    )
    return _thread_start_page(
        request,
        form=form,
        start=lambda files: thread_start(
            sender=request.user,
            order=order,
            topic=form.cleaned_data["topic"],
            body=form.cleaned_data["body"],
            files=files,
        ),
        done=_("Message sent."),
        template="messaging/start.html",
        seller_id=order.seller_id,
        context={
            "order": order,
            "existing": thread_get_for_order(user=request.user, order=order),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_start_for_product(request: AuthenticatedHttpRequest, product_id: int) -> HttpResponse:
    product = product_get_active(product_id=product_id)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    return _thread_start_page(
        request,
        form=form,
        start=lambda files: thread_start(
            sender=request.user,
            product=product,
            topic=Topic.PRODUCT_QUESTION,
            body=form.cleaned_data["body"],
            files=files,
        ),
        done=_("Question sent."),
        template="messaging/ask.html",
        seller_id=product.seller_id,
        context={"product": product},
    )


# --- Inbox work: live thread updates, bulk actions, unblocking ------------------------------
UPDATES_MAX = 50  # messages per poll; a tab far behind catches up over a few polls


@login_required
@require_GET
def thread_updates(request: AuthenticatedHttpRequest, thread_id: int) -> JsonResponse:
    """The messages after ``?after=<cursor>`` rendered as on the thread page, for the open tab.

    The cursor is ``<id>`` (the last message the page shows) or ``<id>.<microseconds>``: the
    highest id and the latest time the page was told, as this view answers it in ``after``.
    Both are needed because a message released late (after its undo time, or by moderation)
    keeps its older id. The page asks only while it is visible, so what this returns is
    shown at once: the thread is marked read.
    """
    replica_reads_allow(request)
    participant = participant_get(user=request.user, thread_id=thread_id)
    try:
        after, since = _updates_cursor(request.GET.get("after", ""))
    except ValueError:
        return JsonResponse(
            {"code": "invalid_after", "detail": _("Give the id of the last message shown.")},
            status=400,
        )
    new = list(
        message_list_after(participant=participant, after_id=after, since=since)[:UPDATES_MAX]
    )
    if new:
        thread_mark_read(participant=participant)
    thread = participant.thread
    is_buyer = participant.role == ParticipantRole.BUYER
    context = {
        "thread": thread,
        "seller_view": not is_buyer,
        "report_form": ReportForm() if is_buyer else None,
        # A message shown here for the first time may have been reported from another tab.
        "reported": (
            moderation.report_dates_for_reporter(
                reporter_id=request.user.pk,
                thread_id=thread.pk,
                message_ids=[message.pk for message in new],
            )
            if is_buyer and new
            else {}
        ),
    }
    items = []
    rendered = fragments.message_items(request=request, messages=new, context=context)
    for message, html in zip(new, rendered, strict=True):
        mine = message.sender_id == request.user.pk
        author = _("You") if mine else (message.sender.public_name if message.sender else "")
        items.append(
            {
                "id": message.pk,
                "mine": mine,
                "html": html,
                "announce": _("New message from %(name)s: %(text)s")
                % {"name": author or _("Marketplace"), "text": Truncator(message.body).chars(200)},
            }
        )
    # The highest id and the latest time told so far: a released message has an older id.
    last_id = max([after, *(message.pk for message in new)])
    times = [moment for moment in [since, *(message.created_at for message in new)] if moment]
    cursor = f"{last_id}.{_microseconds(max(times))}" if times else str(last_id)
    payload: dict[str, object] = {"messages": items, "last_id": last_id, "after": cursor}
    # ``due``: the waiting-since the seller's page shows (0: none). When it is no longer so (a
    # buyer message opened the 24 hours, a reply or "No response needed" elsewhere closed
    # them), the countdown and the "No response needed" action come rendered anew.
    told_due = request.GET.get("due")
    if told_due is not None and participant.role == ParticipantRole.SELLER:
        waiting = participant.needs_response_since
        due = str(_microseconds(waiting)) if waiting is not None else "0"
        if due != told_due:
            shown = {"participant": participant, "thread": thread}
            payload["obligation"] = {
                "due": due,
                "countdown_html": render_to_string(
                    "includes/response_due.html", shown, request=request
                ),
                "action_html": render_to_string(
                    "includes/no_response_action.html", shown, request=request
                ),
            }
    # ``presence``: what this person of the seller's team is doing here (viewing, replying);
    # the answer says who else of the team is ("Ana is replying…"), from the cache only.
    state = request.GET.get("presence")
    if state in presence.STATES and participant.role == ParticipantRole.SELLER:
        person = members.acting_user(request)
        others = presence.presence_report(
            thread_id=thread.pk, person_id=person.pk, name=person.display_name, state=state
        )
        payload["presence"] = presence.presence_line(others)
    return _no_store(JsonResponse(payload))


def _updates_cursor(text: str) -> tuple[int, datetime | None]:
    """``<id>`` or ``<id>.<microseconds since 1970>``; ValueError for anything else."""
    head, dot, tail = text.partition(".")
    after = int(head)
    if not 0 <= after < 2**63 or not head.isascii() or not head.isdigit():
        raise ValueError(text)
    if not dot:
        return after, None
    if not tail.isascii() or not tail.isdigit() or len(tail) > 17:
        raise ValueError(text)
    return after, datetime.fromtimestamp(0, UTC) + timedelta(microseconds=int(tail))


def _microseconds(moment: datetime) -> int:
    return (moment - datetime.fromtimestamp(0, UTC)) // timedelta(microseconds=1)


def _folder_tabs(
    user: User, counts: FolderCounts, *, assignable: bool = True
) -> list[dict[str, object]]:
    """The folder tabs with their counts, each capped (shown as "999+").

    *Mine* and *Unassigned* are tabs once the shop has a team; *Mine* not for a person who
    cannot be assigned anything (a viewer of the team).
    """
    return [
        {
            "folder": f.value,
            "label": Folder(f).label,
            "count": min(counts.counts[f.value], selectors.FOLDER_COUNT_CAP),
            "more": counts.counts[f.value] > selectors.FOLDER_COUNT_CAP,
        }
        for f in folder_list_for_user(user)
        if (counts.has_team or f not in TEAM_FOLDERS) and (assignable or f != Folder.MINE)
    ]


def _inbox_assignees(user: User, counts: FolderCounts) -> list[User]:
    """Who the inbox's threads can be assigned to and filtered by: a team's people, or none."""
    if not (user.is_seller and counts.has_team):
        return []
    return assignment.assignee_choices(shop=user)


def _inbox_live(
    request: AuthenticatedHttpRequest,
    *,
    folder: str,
    filter_params: Mapping[str, object],
    has_rows: bool,
    since: str,
) -> dict[str, str]:
    """Where an inbox page asks what changed (its folder, filters and page), and from when.

    A search or a deeper page is not reshuffled: it says how many conversations are new, and
    so does an empty folder, which has no list to put rows in (``notice=1``).
    """
    page_cursor = request.GET.get("cursor") or ""
    params = {
        "folder": folder,
        **filter_params,
        **({"cursor": page_cursor} if page_cursor else {}),
        **({"notice": "1"} if not has_rows else {}),
    }
    return {
        "url": reverse("messaging:inbox-updates") + "?" + urlencode(params),
        "since": since,
        "show_url": request.path + "?" + urlencode({"folder": folder, **filter_params}),
    }


def _inbox_version(user: User) -> str:
    try:
        return live.inbox_version_get(user_id=user.pk)
    except CacheUnavailable:
        return ""  # matches no version: the next question goes to the database


def _inbox_since_text(moment: datetime, version: str) -> str:
    return f"{_microseconds(moment)}.{version}"


_SINCE = re.compile(r"(\d{1,17})(?:\.([0-9a-f]{0,32}))?", re.ASCII)


def _inbox_since(text: str) -> tuple[datetime, str]:
    """``<microseconds since 1970>.<version>``; ValueError for anything else."""
    match = _SINCE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    moment = datetime.fromtimestamp(0, UTC) + timedelta(microseconds=int(match[1]))
    return moment, match[2] or ""


# A message is dated when its send starts and committed a moment later (longer with files): an
# inbox asking in between would not see it, so each answer looks back this far, and the page
# skips the rows it already shows as they are (their data-at).
INBOX_LOOK_BACK = timedelta(seconds=30)


def _json_error(code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=400)


@login_required
@require_GET
def inbox_updates(request: AuthenticatedHttpRequest) -> JsonResponse:
    """What changed in the user's folders since ``?since=<cursor>``, for an open inbox page.

    The cursor is the latest activity the page was told of, in microseconds, and the inbox
    version it was told (messaging/threads/live.py). While the cache holds that version,
    nothing changed: the answer is ``{"changed": false}`` without a query. Otherwise, with the
    page's own ``folder``, filters and ``cursor``: the folder's first page order and its rows
    active since (rendered as the page renders them), or, for a search, a deeper page or an
    empty folder (``notice=1``), how many conversations are new; and the folder counts and the
    unread badge. Reads the primary: an answer from a replica behind the version would be
    missed for good.
    """
    user = request.user
    seller_view = user.is_seller
    try:
        since, told_version = _inbox_since(request.GET.get("since", ""))
    except ValueError:
        return _json_error("invalid_since", _("Give the cursor of the last update shown."))
    folder = request.GET.get("folder") or folder_default_for_user(user)
    if folder not in folder_list_for_user(user):
        return _json_error("invalid_folder", _("Unknown folder '%(folder)s'.") % {"folder": folder})
    version = _inbox_version(user)
    if version and version == told_version:
        return _no_store(JsonResponse({"changed": False, "since": request.GET["since"]}))
    person_id = members.acting_user(request).pk  # whose *Mine* it is
    counts = thread_folder_counts(user=user, person_id=person_id)
    assignees = _inbox_assignees(user, counts)
    filter_form = InboxFilterForm(request.GET, seller_view=seller_view, assignees=assignees)
    filters = filter_form.filters() if filter_form.is_valid() else None
    searching = filters is not None and not filters.is_empty
    rows: list[dict[str, object]] = []
    order: list[int] | None = None
    notice = None
    told = since
    if searching or request.GET.get("cursor") or request.GET.get("notice") == "1":
        # Counted from the page's load, so the cursor's time stays where it was.
        new = thread_ids_active_since(
            user=user,
            folder=folder,
            since=since,
            filters=filters if searching else None,
            person_id=person_id,
        )
        if new:
            notice = {
                "count": len(new),
                "text": ngettext(
                    "%(count)d new conversation", "%(count)d new conversations", len(new)
                )
                % {"count": len(new)},
            }
    else:
        page = thread_list_for_user(user=user, folder=folder, person_id=person_id)
        order = [row.thread_id for row in page.items]
        fresh = [row for row in page.items if row.last_message_at > since - INBOX_LOOK_BACK]
        html = fragments.inbox_rows(rows=fresh, seller_view=seller_view, assignees=assignees)
        rows = [
            {
                "thread": row.thread_id,
                "at": _microseconds(row.last_message_at),
                "html": row_html,
                "announce": None if row.last_message_is_mine else _row_announcement(row),
            }
            for row, row_html in zip(fresh, html, strict=True)
        ]
        told = max([since, *(row.last_message_at for row in page.items)])
    return _no_store(
        JsonResponse(
            {
                "changed": True,
                "since": _inbox_since_text(told, version),
                "rows": rows,
                "order": order,
                "notice": notice,
                "counts": {
                    str(tab["folder"]): {
                        "count": tab["count"],
                        "more": tab["more"],
                        "html": render_to_string("includes/tab_count.html", {"tab": tab}),
                    }
                    for tab in _folder_tabs(
                        user, counts, assignable=members.request_can_write(request)
                    )
                },
                "unread": _unread_badge(user, counts),
            }
        )
    )


def _unread_shown(user: User, counts: FolderCounts) -> dict[str, object]:
    """What the header's unread badge shows, as the context processor gives it (capped).

    The *Unread* folder holds exactly the threads the badge counts, with the same cap, so its
    count is the badge's. Staff who sell nothing have no badge.
    """
    if user.is_staff and not user.is_seller:
        return {}
    unread = counts.counts[Folder.UNREAD.value]
    return {
        "unread_total": min(unread, selectors.FOLDER_COUNT_CAP),
        "unread_more": unread > selectors.FOLDER_COUNT_CAP,
    }


def _unread_badge(user: User, counts: FolderCounts) -> dict[str, object] | None:
    """The header's unread badge as base.html shows it; staff who sell nothing have none."""
    shown = _unread_shown(user, counts)
    if not shown:
        return None
    return {
        "count": shown["unread_total"],
        "more": shown["unread_more"],
        "text": f"{shown['unread_total']}{'+' if shown['unread_more'] else ''}",
        "html": render_to_string("includes/unread_badge.html", shown),
    }


def _row_announcement(row: Participant) -> str:
    thread = row.thread
    name = (
        thread.buyer.display_name
        if row.role == ParticipantRole.SELLER
        else thread.seller.public_name
    )
    body = thread.last_message.body if thread.last_message is not None else ""
    return _("New message from %(name)s: %(text)s") % {
        "name": name,
        "text": Truncator(body).chars(200),
    }


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


def _inbox_url(request: AuthenticatedHttpRequest) -> str:
    name = "messaging:seller-inbox" if request.user.is_seller else "messaging:inbox"
    folder = request.POST.get("folder", "")
    url = reverse(name)
    if folder in folder_list_for_user(request.user):
        url += f"?folder={folder}"
    return url


def _posted_ids(values: list[str]) -> list[int]:
    """The posted thread ids; anything that is not one cannot be the user's (a 404)."""
    ids = []
    for value in values:
        thread_id = id_from_text(value)
        if thread_id is None:
            raise Http404
        ids.append(thread_id)
    return ids


_BULK_DONE = {
    "read": lambda n: ngettext(
        "%(n)d conversation marked as read.", "%(n)d conversations marked as read.", n
    ),
    "archive": lambda n: ngettext(
        "%(n)d conversation archived.", "%(n)d conversations archived.", n
    ),
    "unarchive": lambda n: ngettext(
        "%(n)d conversation moved to the inbox.", "%(n)d conversations moved to the inbox.", n
    ),
    "no-response-needed": lambda n: ngettext(
        "%(n)d conversation marked as needing no response.",
        "%(n)d conversations marked as needing no response.",
        n,
    ),
    "restore": lambda n: ngettext(
        "%(n)d conversation restored.", "%(n)d conversations restored.", n
    ),
}


def _bulk_assign(request: AuthenticatedHttpRequest, ids: list[int]) -> HttpResponse:
    """Assign the ticked conversations to a person of the shop's team (or to no one)."""
    raw = request.POST.get("assignee", "")
    assignee_id = None if raw == ASSIGNEE_NONE else id_from_text(raw)
    if raw != ASSIGNEE_NONE and assignee_id is None:
        flash.error(request, _("Choose who to assign the conversations to."))
        return redirect(_inbox_url(request))
    try:
        rows = assignment.threads_assign(shop=request.user, thread_ids=ids, assignee_id=assignee_id)
    except NotFound:
        raise  # a 404 page, whether or not it exists for someone else
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        n = len(rows)
        done = (
            ngettext("%(n)d conversation assigned.", "%(n)d conversations assigned.", n)
            if assignee_id is not None
            else ngettext("%(n)d conversation unassigned.", "%(n)d conversations unassigned.", n)
        )
        flash.success(request, done % {"n": n})
    return redirect(_inbox_url(request))


@login_required
@require_POST
def thread_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Apply one action to the conversations ticked in the inbox, then go back to it."""
    ids = _posted_ids(request.POST.getlist("thread"))
    action = request.POST.get("action", "")
    if action == "assign":
        return _bulk_assign(request, ids)
    try:
        now = timezone.now()
        if action == "trash":
            trashed = thread_bulk_trash(user=request.user, thread_ids=ids, now=now)
        else:
            changed = thread_bulk_update(user=request.user, thread_ids=ids, action=action)
    except NotFound:
        raise  # a 404 page, whether or not it exists for someone else
    except ApplicationError as error:
        flash.error(request, error.message)
    else:
        if action != "trash":
            flash.success(request, _BULK_DONE[action](changed) % {"n": changed})
        elif trashed:
            purge_at = now + timedelta(days=settings.TRASH_PURGE_DAYS)
            flash_trashed(request, trashed, purge_at=purge_at)
        else:
            flash.success(request, _("These conversations are already in Trash."))
    return redirect(_inbox_url(request))
