from collections.abc import Callable
from datetime import UTC
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import members
from accounts.typing import api_user
from core.api import (
    ErrorSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateTimeField,
    StrictIntegerField,
)
from core.errors import ApplicationError, NotFound
from core.replica import replica_reads_allow
from messaging.attachments import uploads
from messaging.attachments.checks import IncomingFile
from messaging.models import (
    Message,
    Participant,
    Topic,
)
from messaging.models.folders import Folder
from messaging.search import selectors as search
from messaging.serializers import (
    IDEMPOTENCY_PARAMETER,
    FindingSerializer,
    MessageOutputSerializer,
    operation_errors,
)
from messaging.threads import sending, services, trash
from messaging.threads.idempotency import idempotent
from messaging.threads.selectors import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    folder_default_for_user,
    message_list_for_participant,
    message_page_for_participant,
    participant_get,
    thread_list_for_user,
)
from orders.selectors import order_get_for_participant, product_get_active

# How a send shows what it sent: the message alone, or the thread it started with it.
Output = Callable[[Request, Message], dict[str, Any]]


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="public_name")


# A user id (as the ``id`` converter reads one), ``none``, or empty (any assignee).
ASSIGNEE_PATTERN = rf"^(?:|{search.ASSIGNEE_NONE}|[1-9][0-9]{{0,17}})$"
ASSIGNEE_INVALID = "A person's user id, or `none`."


class ThreadOutputSerializer(serializers.Serializer):
    """A thread as one participant sees it (built from their Participant row)."""

    id = serializers.IntegerField(source="thread_id")
    kind = serializers.CharField(source="thread.kind")
    topic = serializers.CharField(source="thread.topic")
    order_number = serializers.CharField(
        source="thread.order.number", default=None, allow_null=True
    )
    product_id = serializers.IntegerField(source="thread.product_id", default=None, allow_null=True)
    buyer = PartySerializer(source="thread.buyer")
    seller = PartySerializer(source="thread.seller")
    last_message_at = serializers.DateTimeField()
    last_message_is_mine = serializers.BooleanField()
    snippet = serializers.SerializerMethodField()
    unread_count = serializers.IntegerField()
    is_archived = serializers.BooleanField()
    needs_response_since = serializers.DateTimeField(allow_null=True)
    trashed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="In my Trash since then (a delete); null when it is in my folders.",
    )
    purge_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When a thread in my Trash is deleted for good for me (within the hour "
        "after); null when it is not in Trash.",
    )
    assignee_id = serializers.IntegerField(
        allow_null=True,
        help_text="Sellers: the person of the team the thread is assigned to (their user id), "
        "or null. Always null for buyers.",
    )

    def get_snippet(self, participant: Participant) -> str:
        last = participant.thread.last_message
        return last.body[:140] if last is not None else ""


class MessageInputSerializer(serializers.Serializer):
    """A message to send: JSON ``{"body"}``, or multipart with ``body`` and up to 5 ``files``."""

    # Length and emptiness are checked by the send service, after normalization.
    body = StrictCharField(allow_blank=True, trim_whitespace=False, required=False, default="")


class ThreadPageSerializer(serializers.Serializer):
    results = ThreadOutputSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class MessagePageSerializer(serializers.Serializer):
    results = MessageOutputSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class ThreadDetailSerializer(ThreadOutputSerializer):
    messages = MessageOutputSerializer(many=True)


class SendingMessageSerializer(MessageOutputSerializer):
    undo_until = serializers.DateTimeField(
        help_text="Until when `POST …/messages/{id}/undo` can take the message back; then it "
        "is delivered."
    )


class ThreadChangedSerializer(ErrorSerializer):
    new_message_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The messages that arrived after `expected_last_message_id`, oldest first.",
    )


IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='`"<id>"` of the latest message the writer saw: the same as '
    "`expected_last_message_id` (the body's value wins when both are given).",
)


class UndoneMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The id the message had; it no longer exists.")
    thread_id = serializers.IntegerField()
    body = serializers.CharField(allow_blank=True, help_text="The text, to edit and send again.")
    attachment_names = serializers.ListField(
        child=serializers.CharField(),
        help_text="The names of the files it carried (deleted with it), to attach again.",
    )


class ThreadStartedSerializer(serializers.Serializer):
    thread = ThreadOutputSerializer()
    message = MessageOutputSerializer()


def participant_of(request: Request, thread_id: int) -> Participant:
    """The caller's side of a thread; NotFound (404) whether or not the thread exists."""
    return participant_get(user=api_user(request), thread_id=thread_id)


def message_output(request: Request, message: Message) -> dict[str, Any]:
    """What a send answers: the message as its sender sees it."""
    return dict(MessageOutputSerializer(message, context={"request": request}).data)


def started_output(request: Request, message: Message) -> dict[str, Any]:
    """What a send that may start a conversation answers: the thread and the message."""
    return {
        "thread": ThreadOutputSerializer(participant_of(request, message.thread_id)).data,
        "message": message_output(request, message),
    }


def sent_response(request: Request, message: Message, output: Output) -> Response:
    """201 for a delivered message; 422 ``policy_violation`` for one the policy stopped.

    202 for a message waiting out its undo time (``sending``), with ``undo_until``.
    """
    if message.is_delivered:
        return Response(output(request, message), status=status.HTTP_201_CREATED)
    if message.is_sending and message.undo_until is not None:
        return Response(
            {
                **output(request, message),
                "undo_until": serializers.DateTimeField().to_representation(message.undo_until),
            },
            status=status.HTTP_202_ACCEPTED,
        )
    return Response(
        {
            "code": "policy_violation",
            "detail": "The message was not delivered: it breaks the messaging policy.",
            "categories": message.categories,
            "findings": FindingSerializer(message.findings, many=True).data,
            "message": message_output(request, message),
        },
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


def send_response(
    request: Request,
    *,
    input_serializer: type[serializers.Serializer],
    send: Callable[[dict[str, Any], list[IncomingFile]], Message],
    output: Output,
) -> Response:
    """Every send of the API: its files, its input, then the send, once per Idempotency-Key.

    An upload cut off at the size limit is refused before anything else; ``send`` gets the
    validated input and the files, and runs inside the idempotency key's transaction.
    """
    # Reading the files parses the body: only then does the upload limit know whether it cut
    # the body short (a second file dropped, or a body too large to read at all).
    uploaded = request.FILES.getlist("files")
    if uploads.refused(request._request):
        raise uploads.upload_refused_error()
    files = [IncomingFile(name=f.name or "", data=f) for f in uploaded]
    payload = input_serializer(data=request.data)
    payload.is_valid(raise_exception=True)

    def run() -> Response:
        return sent_response(request, send(payload.validated_data, files), output)

    return idempotent(request=request, user=api_user(request), send=run)


class ThreadListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        folder = StrictChoiceField(
            choices=Folder.choices,
            required=False,
            allow_blank=True,  # empty means the default folder
            help_text="Buyers: inbox (the default), unread, archived, trash. Sellers: "
            "needs_response (the default), mine, unassigned, unread, sent, archived, all, "
            "trash. `trash` lists the threads I deleted, each with its `purge_at`. A seller "
            "team's `mine` is the threads in the inbox assigned to the token's person, "
            "`unassigned` those assigned to no one.",
        )
        assignee = serializers.RegexField(
            ASSIGNEE_PATTERN,
            required=False,
            allow_blank=True,
            error_messages={"invalid": ASSIGNEE_INVALID},
            help_text="Sellers: only the threads assigned to this person of the team (their "
            "user id, as `GET /team` lists them), or `none` for those assigned to no one.",
        )
        # Empty is the first page; anything else is a cursor handed out, or `invalid_cursor`.
        cursor = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
        limit = StrictIntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
        q = StrictCharField(
            required=False,
            allow_blank=True,
            max_length=search.MAX_QUERY_LENGTH,
            help_text="Search: an order number, the other party's name, or words in the "
            "messages you can see. Whole words, all of them must appear, case-insensitive.",
        )
        topic = StrictChoiceField(
            choices=Topic.choices, required=False, allow_blank=True, help_text="Only this topic."
        )
        updated_since = StrictDateTimeField(
            required=False,
            default_timezone=UTC,
            help_text="ISO 8601 date-time: only threads with activity (a message) at or after "
            "it. Without a time zone it is read as UTC.",
        )

    @extend_schema(
        operation_id="threads_list",
        summary="List or search my threads, one page at a time",
        parameters=[FilterSerializer],
        responses={
            200: ThreadPageSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`invalid_parameter` with the problem of each query parameter in "
                "`fields`, `invalid_folder` (a folder of the other role), `invalid_cursor`",
            ),
            **operation_errors(401),
        },
    )
    def get(self, request: Request) -> Response:
        replica_reads_allow(request)
        filters = self.FilterSerializer(data=request.query_params)
        if not filters.is_valid():
            raise ApplicationError(
                "invalid_parameter",
                "Some query parameters are not valid.",
                fields={name: [str(e) for e in errors] for name, errors in filters.errors.items()},
            )
        data = filters.validated_data
        user = api_user(request)
        assignee = data.get("assignee", "")
        page = thread_list_for_user(
            user=user,
            folder=data.get("folder") or folder_default_for_user(user),
            cursor=data.get("cursor"),
            limit=data.get("limit", PAGE_SIZE),
            filters=search.ThreadFilters(
                text=data.get("q", ""),
                topic=data.get("topic", ""),
                active_from=data.get("updated_since"),
                assignee=assignee,
            ),
            person_id=members.acting_user(request._request).pk,
        )
        return Response(
            {
                "results": ThreadOutputSerializer(page.items, many=True).data,
                "next_cursor": page.next_cursor,
            }
        )


class ThreadStartApi(APIView):
    class ThreadStartInputSerializer(MessageInputSerializer):
        order_number = StrictCharField(required=False, max_length=19)
        product_id = StrictIntegerField(required=False, min_value=1)
        topic = StrictChoiceField(choices=Topic.choices, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("order_number" in attrs) == ("product_id" in attrs):
                raise serializers.ValidationError("Give either order_number or product_id.")
            if "order_number" in attrs and "topic" not in attrs:
                raise serializers.ValidationError({"topic": ["This field is required."]})
            return attrs

    @extend_schema(
        operation_id="threads_start",
        summary="Start (or continue) the conversation about an order or a product",
        parameters=[IDEMPOTENCY_PARAMETER],
        request={
            "application/json": ThreadStartInputSerializer,
            "multipart/form-data": ThreadStartInputSerializer,
        },
        responses={
            201: ThreadStartedSerializer,
            **operation_errors(400, 401, 404, 422, 429, send=True),
        },
    )
    def post(self, request: Request) -> Response:
        def send(data: dict[str, Any], files: list[IncomingFile]) -> Message:
            user = api_user(request)
            order = product = None
            if "order_number" in data:
                order = order_get_for_participant(user=user, number=data["order_number"])
            else:
                product = product_get_active(product_id=data["product_id"])
            return services.thread_start(
                sender=user,
                order=order,
                product=product,
                topic=data.get("topic", Topic.PRODUCT_QUESTION),
                body=data["body"],
                files=files,
            )

        return send_response(
            request,
            input_serializer=self.ThreadStartInputSerializer,
            send=send,
            output=started_output,
        )


class ThreadDetailApi(APIView):
    @extend_schema(
        operation_id="threads_retrieve",
        summary="A thread with the messages I may see",
        responses={200: ThreadDetailSerializer, **operation_errors(401, 404)},
    )
    def get(self, request: Request, thread_id: int) -> Response:
        replica_reads_allow(request)
        participant = participant_of(request, thread_id)
        messages = message_list_for_participant(participant=participant)
        return Response(
            {
                **ThreadOutputSerializer(participant).data,
                "messages": MessageOutputSerializer(
                    messages, many=True, context={"request": request}
                ).data,
            }
        )

    @extend_schema(
        operation_id="threads_delete_for_me",
        summary="Delete a thread for me: it goes to my Trash (the other side keeps it)",
        description=(
            "The thread leaves my folders for `folder=trash`, as it was (archived or not, "
            "read or not): `POST /threads/{thread_id}/restore` puts it back there until "
            "`purge_at`, 30 days later, when it is deleted for good for me (its messages stay "
            "for the other side and moderation). A new message in it brings it back to my "
            "inbox. Deleting a thread already in Trash changes nothing (its `purge_at` stays)."
        ),
        request=None,
        responses={200: ThreadOutputSerializer, **operation_errors(401, 404)},
    )
    def delete(self, request: Request, thread_id: int) -> Response:
        participant = participant_of(request, thread_id)
        trash.thread_trash(participant=participant)
        return Response(ThreadOutputSerializer(participant).data)


class ThreadRestoreApi(APIView):
    @extend_schema(
        operation_id="threads_restore",
        summary="Restore a thread from my Trash to the folder it was in",
        request=None,
        responses={
            200: ThreadOutputSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="`not_in_trash`: the thread is in my folders"
            ),
            **operation_errors(401, 404),
        },
    )
    def post(self, request: Request, thread_id: int) -> Response:
        participant = participant_of(request, thread_id)
        trash.thread_restore(participant=participant)
        return Response(ThreadOutputSerializer(participant).data)


def _query_parameters(filters: serializers.Serializer) -> dict[str, Any]:
    """The validated query parameters, or ``invalid_parameter`` naming each problem."""
    if not filters.is_valid():
        raise ApplicationError(
            "invalid_parameter",
            "Some query parameters are not valid.",
            fields={name: [str(e) for e in errors] for name, errors in filters.errors.items()},
        )
    return dict(filters.validated_data)


class ThreadMessagesApi(APIView):
    class MessagePageFilterSerializer(serializers.Serializer):
        cursor = StrictCharField(
            required=False,
            allow_blank=True,
            trim_whitespace=False,
            help_text="The `next_cursor` of the previous page.",
        )
        limit = StrictIntegerField(
            required=False,
            min_value=1,
            max_value=MAX_PAGE_SIZE,
            help_text=f"Messages per page (default {PAGE_SIZE}).",
        )

    @extend_schema(
        operation_id="messages_list",
        summary="The messages of a thread I may see, oldest first, one page at a time",
        description=(
            "Oldest first, the order of the conversation. `next_cursor` is null on the last "
            "page; a cursor stays valid while new messages arrive, so following it returns "
            "every message once. The other party's blocked messages are never listed; my own "
            "blocked messages are, with their findings. Listing changes no read state (see "
            "`POST /threads/{thread_id}/read`)."
        ),
        parameters=[MessagePageFilterSerializer],
        responses={
            200: MessagePageSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`invalid_parameter` with the problem of each query parameter in "
                "`fields`, `invalid_cursor`",
            ),
            **operation_errors(401, 404, 429),
        },
    )
    def get(self, request: Request, thread_id: int) -> Response:
        replica_reads_allow(request)
        participant = participant_of(request, thread_id)
        data = _query_parameters(self.MessagePageFilterSerializer(data=request.query_params))
        page = message_page_for_participant(
            participant=participant,
            cursor=data.get("cursor"),
            limit=data.get("limit", PAGE_SIZE),
        )
        return Response(
            {
                "results": MessageOutputSerializer(
                    page.items, many=True, context={"request": request}
                ).data,
                "next_cursor": page.next_cursor,
            }
        )

    class ThreadMessageInputSerializer(MessageInputSerializer):
        saved_reply = StrictIntegerField(
            required=False,
            min_value=1,
            max_value=2**63 - 1,
            help_text="Sellers, instead of `body`: the id of one of my saved replies, sent with "
            "its placeholders filled in for this thread (and checked like any message).",
        )
        undo_seconds = StrictIntegerField(
            required=False,
            min_value=0,
            max_value=sending.UNDO_SECONDS_MAX,
            help_text="Undo send: how many seconds (0 to 30) the message waits as `sending` "
            "before the other side gets it (202); until then `POST …/messages/{id}/undo` takes "
            "it back. Without it, or 0: delivered at once (201), whatever the user chose for "
            "the pages, so an integration sees what it asked for.",
        )
        expected_last_message_id = StrictIntegerField(
            required=False,
            min_value=0,
            max_value=2**63 - 1,
            help_text="The id of the latest message the writer saw (or the header `If-Match: "
            '"<id>"`). If a message from anyone else (the other side, another member of the '
            "seller's team) arrived after it, nothing is sent: `409 thread_changed` with "
            "`new_message_ids`. Without it, the message is sent whatever arrived.",
        )
        force = StrictBooleanField(
            required=False,
            default=False,
            help_text="Send even if messages arrived after `expected_last_message_id`.",
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "saved_reply" in attrs and attrs.get("body"):
                raise serializers.ValidationError(
                    {"body": ["Give either body or saved_reply, not both."]}
                )
            return attrs

    class MultipartThreadMessageSerializer(ThreadMessageInputSerializer):
        files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)

    @extend_schema(
        operation_id="messages_send",
        summary="Send a message, optionally with up to 5 files (multipart)",
        parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER],
        request={
            "application/json": ThreadMessageInputSerializer,
            "multipart/form-data": MultipartThreadMessageSerializer,
        },
        responses={
            201: MessageOutputSerializer,
            202: OpenApiResponse(
                SendingMessageSerializer,
                description="Undo send: stored as `sending`, delivered at `undo_until` unless "
                "taken back before with `POST /threads/{thread_id}/messages/{id}/undo`",
            ),
            409: OpenApiResponse(
                ThreadChangedSerializer,
                description="`thread_changed`: messages arrived after "
                "`expected_last_message_id` (or `If-Match`); nothing was sent. Read them, then "
                "send again with the new id, or with `force`.",
            ),
            **operation_errors(400, 401, 404, 422, 429, send=True),
        },
    )
    def post(self, request: Request, thread_id: int) -> Response:
        participant = participant_of(request, thread_id)

        if_match = _if_match_message_id(request)

        def send(data: dict[str, Any], files: list[IncomingFile]) -> Message:
            user = api_user(request)
            expected = data.get("expected_last_message_id", if_match)
            return services.message_send(
                thread=participant.thread,
                sender=user,
                body=data["body"],
                saved_reply_id=data.get("saved_reply"),
                files=files,
                # Opt-in: an integration that does not ask keeps the 201 it was built for.
                undo_seconds=data.get("undo_seconds", 0),
                expected_last_message_id=None if data.get("force") else expected,
            )

        return send_response(
            request,
            input_serializer=self.ThreadMessageInputSerializer,
            send=send,
            output=message_output,
        )


def _if_match_message_id(request: Request) -> int | None:
    """``If-Match: "<message id>"`` (or W/"…"): the latest message the writer saw."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    tag = header.removeprefix("W/").strip().strip('"')
    if not tag.isascii() or not tag.isdigit() or len(tag) > 19:
        raise ApplicationError(
            "invalid_if_match",
            'If-Match must be the id of the latest message seen, in quotes: "123".',
        )
    return int(tag)


class ThreadMessageUndoApi(APIView):
    @extend_schema(
        operation_id="messages_undo",
        summary="Undo send: take back a message of mine still sending",
        description=(
            "While a message I sent waits out its undo time (`status` `sending`, until "
            "`undo_until`), delete it and its files: the other side never sees anything of "
            "it. Answers with its text and its files' names, to send again. Once the time is "
            "over the message is delivered: `409 too_late`."
        ),
        request=None,
        responses={
            200: UndoneMessageSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="`too_late`: the undo time is over, the message is delivered; "
                "`not_sending`: the content policy stopped it, nothing was delivered",
            ),
            **operation_errors(401, 404, 429),
        },
    )
    def post(self, request: Request, thread_id: int, message_id: int) -> Response:
        participant = participant_of(request, thread_id)
        undone = sending.message_undo(
            user=api_user(request), thread_id=participant.thread_id, message_id=message_id
        )
        return Response(
            UndoneMessageSerializer(
                {
                    "id": message_id,
                    "thread_id": undone.thread_id,
                    "body": undone.body,
                    "attachment_names": undone.file_names,
                }
            ).data
        )


class ThreadStateApi(APIView):
    """Change one participant's state of a thread: read, unread, archive, unarchive, …"""

    actions: dict[str, Callable[..., None]] = {
        "read": services.thread_mark_read,
        "unread": services.thread_mark_unread,
        "archive": services.thread_archive,
        "unarchive": services.thread_unarchive,
        "no-response-needed": services.thread_mark_no_response_needed,
    }

    @extend_schema(
        operation_id="threads_change_state",
        summary="Mark read/unread, archive/unarchive, or no response needed (sellers)",
        parameters=[
            OpenApiParameter(
                "action",
                str,
                OpenApiParameter.PATH,
                enum=["read", "unread", "archive", "unarchive", "no-response-needed"],
            )
        ],
        request=None,
        responses={200: ThreadOutputSerializer, **operation_errors(400, 401, 404)},
    )
    def post(self, request: Request, thread_id: int, action: str) -> Response:
        if action not in self.actions:
            raise NotFound()
        participant = participant_of(request, thread_id)
        self.actions[action](participant=participant)
        return Response(ThreadOutputSerializer(participant).data)


# --- Inbox work in bulk, reports, and a buyer's say over who writes first ---------------------
BULK_ACTIONS = {
    "read": "read",
    "archive": "archive",
    "unarchive": "unarchive",
    "no_response_needed": "no-response-needed",
    "trash": "trash",
    "restore": "restore",
}


class ThreadBulkApi(APIView):
    class ThreadBulkInputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=StrictIntegerField(min_value=1, max_value=2**63 - 1),
            allow_empty=False,
            min_length=1,  # the schema's minItems: allow_empty alone is not documented
            max_length=services.BULK_THREAD_LIMIT,
            help_text=f"My threads, 1 to {services.BULK_THREAD_LIMIT} ids (repeats count once).",
        )
        action = StrictChoiceField(
            choices=list(BULK_ACTIONS),
            help_text="`no_response_needed`: sellers only; the threads' waiting messages "
            "still within their 24 hours are excluded from the response metric, overdue ones "
            "still count as not answered. `trash`: delete for me (to my Trash); `restore`: "
            "back from my Trash.",
        )

    class ThreadBulkOutputSerializer(serializers.Serializer):
        action = serializers.CharField()
        ids = serializers.ListField(child=serializers.IntegerField())
        changed = serializers.IntegerField(
            help_text="How many threads changed; those already in that state are left alone."
        )

    @extend_schema(
        operation_id="threads_bulk_update",
        summary="Mark read, archive, unarchive, mark no response needed, trash or restore, "
        "many threads at once",
        description=(
            "All or nothing: if any id is not one of my threads (whether or not it exists) the "
            "answer is 404 and no thread changes. Repeating a call changes nothing more "
            "(`changed` is 0)."
        ),
        request=ThreadBulkInputSerializer,
        responses={
            200: ThreadBulkOutputSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`invalid` with the problem in `fields` (no ids, more than "
                f"{services.BULK_THREAD_LIMIT}, an id that is not a positive integer, an "
                "unknown action), `not_seller` (`no_response_needed` from a buyer)",
            ),
            **operation_errors(401, 404, 429),
        },
    )
    def post(self, request: Request) -> Response:
        payload = self.ThreadBulkInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        changed = services.thread_bulk_update(
            user=api_user(request), thread_ids=data["ids"], action=BULK_ACTIONS[data["action"]]
        )
        return Response(
            {"action": data["action"], "ids": sorted(set(data["ids"])), "changed": changed}
        )
