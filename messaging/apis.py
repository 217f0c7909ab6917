"""The messaging REST API: one class per operation, calling the same services as the pages."""

from collections.abc import Callable, Iterable
from datetime import UTC
from typing import Any

from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from messagecenter.api import ErrorSerializer, RateLimitedSerializer
from messagecenter.errors import ApplicationError, NotFound
from messagecenter.typing import api_user
from messaging import (
    downloads,
    moderation,
    proactive,
    response_clock,
    search,
    selectors,
    services,
    uploads,
)
from messaging.attachments import ALLOWED as ALLOWED_FILE_TYPES
from messaging.attachments import IncomingFile
from messaging.content_policy import content_check
from messaging.idempotency import idempotent
from messaging.models import (
    Attachment,
    Message,
    Participant,
    ParticipantRole,
    ProactiveReason,
    ReportReason,
    Topic,
)
from messaging.policy_reasons import findings_display
from messaging.querysets import Folder
from messaging.ratelimit import rate_limit_hit
from orders.models import Order
from orders.selectors import order_get_for_participant, order_get_for_seller, product_get_active


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="public_name")


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

    def get_snippet(self, participant: Participant) -> str:
        last = participant.thread.last_message
        return last.body[:140] if last is not None else ""


class FindingSerializer(serializers.Serializer):
    category = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    reason = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The file in the browser (a session).")
    thumbnail_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="The file's bytes through the API (a token): GET /attachments/{id}/content."
    )

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, attachment: Attachment) -> str:
        return self._absolute(reverse("messaging:attachment", args=[attachment.pk]))

    def get_download_url(self, attachment: Attachment) -> str:
        return self._absolute(reverse("api:attachment-content", args=[attachment.pk]))

    def get_thumbnail_url(self, attachment: Attachment) -> str | None:
        if not attachment.thumbnail:
            return None
        return self._absolute(reverse("messaging:attachment-thumbnail", args=[attachment.pk]))


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    thread_id = serializers.IntegerField()
    sender_role = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    findings = FindingSerializer(many=True)
    attachments = AttachmentOutputSerializer(many=True, source="attachments.all")


class MessageInputSerializer(serializers.Serializer):
    """A message to send: JSON ``{"body"}``, or multipart with ``body`` and up to 5 ``files``."""

    # Length and emptiness are checked by the send service, after normalization.
    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, required=False, default=""
    )


# --- documented shapes (OpenAPI) -------------------------------------------------------------


class FileRejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


class AttachmentErrorSerializer(ErrorSerializer):
    files = FileRejectionSerializer(many=True, required=False)


class PolicyViolationSerializer(ErrorSerializer):
    categories = serializers.ListField(child=serializers.CharField())
    findings = FindingSerializer(many=True)
    message = MessageOutputSerializer()


class ThreadPageSerializer(serializers.Serializer):
    results = ThreadOutputSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class MessagePageSerializer(serializers.Serializer):
    results = MessageOutputSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class AttachmentDetailSerializer(AttachmentOutputSerializer):
    message_id = serializers.IntegerField()
    thread_id = serializers.IntegerField(source="message.thread_id")
    created_at = serializers.DateTimeField()


class ThreadDetailSerializer(ThreadOutputSerializer):
    messages = MessageOutputSerializer(many=True)


class ThreadStartedSerializer(serializers.Serializer):
    thread = ThreadOutputSerializer()
    message = MessageOutputSerializer()


class MultipartMessageSerializer(MessageInputSerializer):
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class PolicyVerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["allow", "block"])
    categories = serializers.ListField(child=serializers.CharField())
    findings = FindingSerializer(many=True)


def _errors(*statuses: int, send: bool = False) -> dict[int, OpenApiResponse]:
    described = {
        400: OpenApiResponse(
            AttachmentErrorSerializer if send else ErrorSerializer,
            description="Invalid input (`invalid`, `empty_body`, `body_too_long`, …)"
            + (
                ", or refused files (`attachment_rejected`, `message_too_large`, "
                "`too_many_files`) with each file's reason"
                if send
                else ""
            ),
        ),
        401: OpenApiResponse(ErrorSerializer, description="`not_authenticated`"),
        404: OpenApiResponse(
            ErrorSerializer,
            description="`not_found`: it does not exist, or it is not yours (never a 403)",
        ),
        422: OpenApiResponse(
            PolicyViolationSerializer,
            description="`policy_violation`: stored as blocked, never delivered; the findings "
            "say what to change",
        ),
        429: OpenApiResponse(
            RateLimitedSerializer, description="`rate_limited`, with a `Retry-After` header"
        ),
    }
    return {status_code: described[status_code] for status_code in statuses}


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID). A retried request with the same key returns the first "
        "result (with `Idempotent-Replayed: true`) instead of posting twice; keys are kept 24 "
        "hours. The same key with a different request is refused (`idempotency_key_reused`)."
    ),
)


def _incoming_files(request: Request) -> list[IncomingFile]:
    """The uploaded files of a send; refuses an upload cut off at the size limit."""
    if uploads.refused(request._request):
        raise uploads.upload_refused_error()
    return [IncomingFile(name=f.name or "", data=f) for f in request.FILES.getlist("files")]


def _sent(request: Request, message: Message, payload: dict[str, Any]) -> Response:
    """201 for a delivered message; 422 ``policy_violation`` for one the policy stopped."""
    if message.is_delivered:
        return Response(payload, status=status.HTTP_201_CREATED)
    return Response(
        {
            "code": "policy_violation",
            "detail": "The message was not delivered: it breaks the messaging policy.",
            "categories": message.categories,
            "findings": FindingSerializer(message.findings, many=True).data,
            "message": MessageOutputSerializer(message, context={"request": request}).data,
        },
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


def _participant(request: Request, thread_id: int) -> Participant:
    return selectors.participant_get(user=api_user(request), thread_id=thread_id)


class ThreadListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        folder = serializers.ChoiceField(
            choices=Folder.choices,
            required=False,
            allow_blank=True,  # empty means the default folder
            help_text="Buyers: inbox, unread, archived. Sellers: needs_response (the default), "
            "unread, sent, archived, all.",
        )
        cursor = serializers.CharField(required=False)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=selectors.MAX_PAGE_SIZE
        )
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=search.MAX_QUERY_LENGTH,
            help_text="Search: an order number, the other party's name, or words in the "
            "messages you can see. Whole words, all of them must appear, case-insensitive.",
        )
        topic = serializers.ChoiceField(
            choices=Topic.choices, required=False, allow_blank=True, help_text="Only this topic."
        )
        updated_since = serializers.DateTimeField(
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
            **_errors(401),
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        if not filters.is_valid():
            raise ApplicationError(
                "invalid_parameter",
                "Some query parameters are not valid.",
                fields={name: [str(e) for e in errors] for name, errors in filters.errors.items()},
            )
        data = filters.validated_data
        user = api_user(request)
        page = selectors.thread_list_for_user(
            user=user,
            folder=data.get("folder") or selectors.default_folder(user),
            cursor=data.get("cursor"),
            limit=data.get("limit", selectors.PAGE_SIZE),
            filters=search.ThreadFilters(
                text=data.get("q", ""),
                topic=data.get("topic", ""),
                active_from=data.get("updated_since"),
            ),
        )
        return Response(
            {
                "results": ThreadOutputSerializer(page.items, many=True).data,
                "next_cursor": page.next_cursor,
            }
        )


class ThreadStartApi(APIView):
    class ThreadStartInputSerializer(MessageInputSerializer):
        order_number = serializers.CharField(required=False, max_length=19)
        product_id = serializers.IntegerField(required=False, min_value=1)
        topic = serializers.ChoiceField(choices=Topic.choices, required=False)

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
        responses={201: ThreadStartedSerializer, **_errors(400, 401, 404, 422, 429, send=True)},
    )
    def post(self, request: Request) -> Response:
        files = _incoming_files(request)
        payload = self.ThreadStartInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        order = product = None
        if "order_number" in data:
            order = order_get_for_participant(user=api_user(request), number=data["order_number"])
        else:
            product = product_get_active(product_id=data["product_id"])

        def send() -> Response:
            message = services.thread_start(
                sender=api_user(request),
                order=order,
                product=product,
                topic=data.get("topic", Topic.PRODUCT_QUESTION),
                body=data["body"],
                files=files,
            )
            participant = _participant(request, message.thread_id)
            return _sent(
                request,
                message,
                {
                    "thread": ThreadOutputSerializer(participant).data,
                    "message": MessageOutputSerializer(message, context={"request": request}).data,
                },
            )

        return idempotent(request=request, user=api_user(request), send=send)


class ThreadDetailApi(APIView):
    @extend_schema(
        operation_id="threads_retrieve",
        summary="A thread with the messages I may see",
        responses={200: ThreadDetailSerializer, **_errors(401, 404)},
    )
    def get(self, request: Request, thread_id: int) -> Response:
        participant = _participant(request, thread_id)
        messages = selectors.message_list_for_participant(participant=participant)
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
        summary="Delete a thread for me (the other side keeps it)",
        responses={204: None, **_errors(401, 404)},
    )
    def delete(self, request: Request, thread_id: int) -> Response:
        services.thread_delete_for_me(participant=_participant(request, thread_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


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
        cursor = serializers.CharField(
            required=False, help_text="The `next_cursor` of the previous page."
        )
        limit = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=selectors.MAX_PAGE_SIZE,
            help_text=f"Messages per page (default {selectors.PAGE_SIZE}).",
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
            **_errors(401, 404, 429),
        },
    )
    def get(self, request: Request, thread_id: int) -> Response:
        participant = _participant(request, thread_id)
        data = _query_parameters(self.MessagePageFilterSerializer(data=request.query_params))
        page = selectors.message_page_for_participant(
            participant=participant,
            cursor=data.get("cursor"),
            limit=data.get("limit", selectors.PAGE_SIZE),
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
        saved_reply = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=2**63 - 1,
            help_text="Sellers, instead of `body`: the id of one of my saved replies, sent with "
            "its placeholders filled in for this thread (and checked like any message).",
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
        parameters=[IDEMPOTENCY_PARAMETER],
        request={
            "application/json": ThreadMessageInputSerializer,
            "multipart/form-data": MultipartThreadMessageSerializer,
        },
        responses={201: MessageOutputSerializer, **_errors(400, 401, 404, 422, 429, send=True)},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        participant = _participant(request, thread_id)
        files = _incoming_files(request)
        payload = self.ThreadMessageInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        body = payload.validated_data["body"]
        if "saved_reply" in payload.validated_data:
            saved_reply = selectors.saved_reply_get(
                seller=api_user(request), saved_reply_id=payload.validated_data["saved_reply"]
            )
            body = selectors.saved_reply_expand(saved_reply=saved_reply, thread=participant.thread)

        def send() -> Response:
            message: Message = services.message_send(
                thread=participant.thread,
                sender=api_user(request),
                body=body,
                files=files,
            )
            return _sent(
                request,
                message,
                MessageOutputSerializer(message, context={"request": request}).data,
            )

        return idempotent(request=request, user=api_user(request), send=send)


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
        responses={200: ThreadOutputSerializer, **_errors(400, 401, 404)},
    )
    def post(self, request: Request, thread_id: int, action: str) -> Response:
        if action not in self.actions:
            raise NotFound()
        participant = _participant(request, thread_id)
        self.actions[action](participant=participant)
        return Response(ThreadOutputSerializer(participant).data)


class AttachmentDetailApi(APIView):
    @extend_schema(
        operation_id="attachments_retrieve",
        summary="A file's metadata: name, size, checked type, SHA-256, its message and thread",
        description=(
            "For the thread's participants (a blocked message's files: its sender only) and "
            "staff. `content_type` is what the bytes were checked to be, not what the sender "
            "claimed."
        ),
        responses={200: AttachmentDetailSerializer, **_errors(401, 404, 429)},
    )
    def get(self, request: Request, attachment_id: int) -> Response:
        attachment = selectors.attachment_get_for_user(
            user=api_user(request), attachment_id=attachment_id
        )
        return Response(AttachmentDetailSerializer(attachment, context={"request": request}).data)


class FileContentNegotiation(BaseContentNegotiation):
    """A file goes out in its own type whatever the client accepts; errors stay JSON."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


FILE_TYPES = sorted(set(ALLOWED_FILE_TYPES.values()))


class AttachmentContentApi(APIView):
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        operation_id="attachments_content",
        summary="Download a file's bytes",
        description=(
            "The bytes in the checked type, always as a download (`Content-Disposition: "
            "attachment` with the UTF-8 name in `filename*`), with `X-Content-Type-Options: "
            "nosniff` and a sandboxing `Content-Security-Policy`. Where files are kept in "
            "object storage the answer is a 302 to a signed URL valid for a minute, which "
            "carries the same headers."
        ),
        parameters=[
            OpenApiParameter(
                "Content-Disposition",
                str,
                OpenApiParameter.HEADER,
                response=[200],
                required=True,
                description="`attachment; filename=\"…\"; filename*=UTF-8''…`",
            ),
            OpenApiParameter(
                "X-Content-Type-Options",
                str,
                OpenApiParameter.HEADER,
                response=[200, 302],
                required=True,
                enum=["nosniff"],
            ),
            OpenApiParameter(
                "Location",
                str,
                OpenApiParameter.HEADER,
                response=[302],
                required=True,
                description="A signed object-storage URL, valid for a short time.",
            ),
        ],
        responses={
            **{
                (200, file_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file, in its checked type."
                )
                for file_type in FILE_TYPES
            },
            302: OpenApiResponse(description="Object storage: go to the signed URL."),
            **_errors(401, 404, 429),
        },
    )
    def get(self, request: Request, attachment_id: int) -> HttpResponseBase:
        attachment = selectors.attachment_get_for_user(
            user=api_user(request), attachment_id=attachment_id
        )
        return downloads.attachment_file_response(attachment, inline=False)


class PolicyCheckApi(APIView):
    """Check a draft against the content policy without sending it (check as you type)."""

    parser_classes = [JSONParser]  # the compose box sends JSON; a list needs no form encoding

    class PolicyCheckInputSerializer(serializers.Serializer):
        # Length and emptiness are checked by the send service, after normalization.
        body = serializers.CharField(allow_blank=True, trim_whitespace=False)
        filenames = serializers.ListField(
            child=serializers.CharField(max_length=255), max_length=5, required=False
        )

    @extend_schema(
        operation_id="policy_check",
        summary="Check a draft against the content policy without sending it",
        request=PolicyCheckInputSerializer,
        responses={200: PolicyVerdictSerializer, **_errors(400, 401, 429)},
    )
    def post(self, request: Request) -> Response:
        payload = self.PolicyCheckInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        rate_limit_hit(scope="policy_check", ident=api_user(request).pk, rate="120/60")
        result = content_check(body=data["body"], filenames=data.get("filenames", ()))
        # Reasons in the caller's language (its account's, else Accept-Language); the
        # categories stay the stable codes.
        verdict = result.to_dict()
        return Response({**verdict, "findings": findings_display(verdict["findings"])})


class ResponseFiguresSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    days = serializers.IntegerField()
    due = serializers.IntegerField()
    answered_on_time = serializers.IntegerField()
    answered_late = serializers.IntegerField()
    not_answered = serializers.IntegerField()
    excluded = serializers.IntegerField()
    on_time_percent = serializers.SerializerMethodField()
    average_response_seconds = serializers.SerializerMethodField()

    def get_on_time_percent(self, figures: response_clock.ResponseFigures) -> float | None:
        percent = figures.on_time_percent
        return None if percent is None else round(percent, 2)

    def get_average_response_seconds(self, figures: response_clock.ResponseFigures) -> int | None:
        average = figures.average_response_time
        return None if average is None else int(average.total_seconds())


class ResponseMetricSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField()
    target_percent = serializers.IntegerField()
    windows = ResponseFiguresSerializer(many=True, help_text="The last 7, 30 and 90 days.")
    daily = ResponseFiguresSerializer(many=True, help_text="The last 90 days, oldest first.")


class ResponseTimeMetricApi(APIView):
    """The seller's response-time metric: 7, 30 and 90 days and the daily series (90 days)."""

    @extend_schema(
        operation_id="metrics_response_time",
        summary="My response-time metric (sellers)",
        description=(
            "Buyer messages count on the UTC day their 24 hours end; a window of N days is "
            "the N complete UTC days before today. The on-time rate is answered within 24 "
            "hours / (due - excluded)."
        ),
        responses={200: ResponseMetricSerializer, **_errors(401, 404)},
    )
    def get(self, request: Request) -> Response:
        user = api_user(request)
        if not user.is_seller:
            raise NotFound()
        metric = response_clock.metric_for_seller(seller=user, now=timezone.now())
        return Response(ResponseMetricSerializer(metric).data)


# --- Sellers writing first: the order's messaging actions, proactive messages, review requests


class UnavailableSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class ReasonRuleSerializer(serializers.Serializer):
    max_length = serializers.IntegerField()
    attachment_required = serializers.BooleanField(source="requires_attachment")
    attachment_types = serializers.ListField(
        child=serializers.CharField(), source="required_file_types"
    )
    critical = serializers.BooleanField(source="is_critical")


class ActionStatusSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["proactive_message", "review_request"])
    reason = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    available = serializers.BooleanField(source="is_available")
    available_from = serializers.DateTimeField(allow_null=True)
    available_until = serializers.DateTimeField(
        allow_null=True, help_text="Null: no end yet (the order is not completed)."
    )
    remaining = serializers.IntegerField()
    unavailable = UnavailableSerializer(allow_null=True, help_text="Why not, when not available.")
    rules = ReasonRuleSerializer(
        source="rule", allow_null=True, help_text="Proactive reasons only."
    )


class RestrictionSerializer(serializers.Serializer):
    until = serializers.DateTimeField()
    reason = serializers.CharField()


class MessagingActionsSerializer(serializers.Serializer):
    order_number = serializers.CharField()
    as_of = serializers.DateTimeField()
    thread_id = serializers.IntegerField(allow_null=True)
    restriction = RestrictionSerializer(allow_null=True)
    buyer_opted_out = serializers.BooleanField()
    seller_blocked = serializers.BooleanField()
    proactive_cap = serializers.IntegerField()
    proactive_sent = serializers.IntegerField()
    proactive_remaining = serializers.IntegerField()
    window_until = serializers.DateTimeField(allow_null=True)
    reasons = ActionStatusSerializer(many=True)
    review_request = ActionStatusSerializer()


RULE_REFUSALS = (
    "Not allowed now by the marketplace rules (see messaging-actions): `seller_restricted`, "
    "`window_closed`, `cap_reached`, `buyer_opted_out`, `seller_blocked`, `too_early`, "
    "`not_delivered`, `review_already_requested`"
)


def _seller_order(request: Request, number: str) -> Order:
    return order_get_for_seller(seller=api_user(request), number=number)


def _started(request: Request, message: Message) -> Response:
    participant = _participant(request, message.thread_id)
    return _sent(
        request,
        message,
        {
            "thread": ThreadOutputSerializer(participant).data,
            "message": MessageOutputSerializer(message, context={"request": request}).data,
        },
    )


class OrderMessagingActionsApi(APIView):
    @extend_schema(
        operation_id="orders_messaging_actions",
        summary="What I may send about one of my orders now, until when, and why not (sellers)",
        responses={200: MessagingActionsSerializer, **_errors(401, 404)},
    )
    def get(self, request: Request, number: str) -> Response:
        order = _seller_order(request, number)
        actions = proactive.order_messaging_actions_get(
            seller=api_user(request), order=order, now=timezone.now()
        )
        return Response(MessagingActionsSerializer(actions).data)


class ProactiveMessageSendApi(APIView):
    class ProactiveMessageInputSerializer(MessageInputSerializer):
        reason = serializers.ChoiceField(choices=ProactiveReason.choices)

    class MultipartProactiveMessageSerializer(ProactiveMessageInputSerializer):
        files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)

    @extend_schema(
        operation_id="orders_proactive_message_send",
        summary="Write first to the buyer of my order, for a permitted reason (sellers)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request={
            "application/json": ProactiveMessageInputSerializer,
            "multipart/form-data": MultipartProactiveMessageSerializer,
        },
        responses={
            201: ThreadStartedSerializer,
            **_errors(400, 401, 404, 422, 429, send=True),
            409: OpenApiResponse(ErrorSerializer, description=RULE_REFUSALS),
        },
    )
    def post(self, request: Request, number: str) -> Response:
        order = _seller_order(request, number)
        files = _incoming_files(request)
        payload = self.ProactiveMessageInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data

        def send() -> Response:
            message = services.proactive_message_send(
                seller=api_user(request),
                order=order,
                reason=data["reason"],
                body=data["body"],
                files=files,
            )
            return _started(request, message)

        return idempotent(request=request, user=api_user(request), send=send)


class ReviewRequestSendApi(APIView):
    @extend_schema(
        operation_id="orders_review_request_send",
        summary="Ask the buyer of my order for a review, once, 5–30 days after delivery (sellers)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={
            201: ThreadStartedSerializer,
            **_errors(401, 404),
            409: OpenApiResponse(ErrorSerializer, description=RULE_REFUSALS),
        },
    )
    def post(self, request: Request, number: str) -> Response:
        order = _seller_order(request, number)

        def send() -> Response:
            message = services.review_request_send(seller=api_user(request), order=order)
            return _started(request, message)

        return idempotent(request=request, user=api_user(request), send=send)


# --- Inbox work in bulk, reports, and a buyer's say over who writes first ---------------------

BULK_ACTIONS = {
    "read": "read",
    "archive": "archive",
    "unarchive": "unarchive",
    "no_response_needed": "no-response-needed",
}


class ThreadBulkApi(APIView):
    class ThreadBulkInputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
            allow_empty=False,
            max_length=services.BULK_THREAD_LIMIT,
            help_text=f"My threads, 1 to {services.BULK_THREAD_LIMIT} ids (repeats count once).",
        )
        action = serializers.ChoiceField(
            choices=list(BULK_ACTIONS),
            help_text="`no_response_needed`: sellers only; closes the threads' open 24-hour "
            "obligations as excluded.",
        )

    class ThreadBulkOutputSerializer(serializers.Serializer):
        action = serializers.CharField()
        ids = serializers.ListField(child=serializers.IntegerField())
        changed = serializers.IntegerField(
            help_text="How many threads changed; those already in that state are left alone."
        )

    @extend_schema(
        operation_id="threads_bulk_update",
        summary="Mark read, archive, unarchive or mark no response needed, many threads at once",
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
            **_errors(401, 404, 429),
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


class MessageReportApi(APIView):
    class MessageReportInputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=ReportReason.choices)
        detail = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=500,
            default="",
            help_text="Anything the moderators should know.",
        )

    class MessageReportOutputSerializer(serializers.Serializer):
        message_id = serializers.IntegerField()
        reason = serializers.CharField(source="report_reason")
        detail = serializers.CharField(source="note", allow_blank=True)
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="messages_report",
        summary="Report a message the other side sent to the moderation team",
        description=(
            "Only a delivered message of the other participant can be reported, once. My own "
            "messages, and messages I cannot see, answer 404 like a message that does not "
            "exist."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=MessageReportInputSerializer,
        responses={
            201: MessageReportOutputSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`invalid` with the problem in `fields` (`reason` missing or "
                "unknown, `detail` over 500 characters), `already_reported` (I reported it "
                "before; nothing is added)",
            ),
            **_errors(401, 404, 429),
        },
    )
    def post(self, request: Request, thread_id: int, message_id: int) -> Response:
        participant = _participant(request, thread_id)
        message = (
            Message.objects.select_related("thread")
            .filter(pk=message_id, thread_id=participant.thread_id)
            .first()
        )
        if message is None:
            raise NotFound("No such message.")
        payload = self.MessageReportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data

        def report() -> Response:
            case = moderation.message_report(
                reporter=api_user(request),
                message=message,
                reason=data["reason"],
                note=data["detail"],
            )
            return Response(
                self.MessageReportOutputSerializer(case).data, status=status.HTTP_201_CREATED
            )

        return idempotent(request=request, user=api_user(request), send=report)


class SellerBlockStatusSerializer(serializers.Serializer):
    thread_id = serializers.IntegerField()
    seller = PartySerializer()
    seller_blocked = serializers.BooleanField(
        help_text="While blocked, the seller cannot write to me first, except about delivery, "
        "customization or a problem with my order."
    )


def _buyer_participant(request: Request, thread_id: int) -> Participant:
    """The buyer's side of a thread; the seller's side is a 404 here, like a foreign thread."""
    participant = _participant(request, thread_id)
    if participant.role != ParticipantRole.BUYER:
        raise NotFound("No such conversation.")
    return participant


def _block_status(participant: Participant, *, blocked: bool) -> Response:
    return Response(
        SellerBlockStatusSerializer(
            {
                "thread_id": participant.thread_id,
                "seller": participant.thread.seller,
                "seller_blocked": blocked,
            }
        ).data
    )


class ThreadSellerBlockApi(APIView):
    @extend_schema(
        operation_id="threads_block_seller",
        summary="Block the seller of one of my conversations (buyers)",
        description="Repeating it changes nothing. A seller's own thread answers 404.",
        request=None,
        responses={200: SellerBlockStatusSerializer, **_errors(401, 404, 429)},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        participant = _buyer_participant(request, thread_id)
        services.thread_block_seller(participant=participant)
        return _block_status(participant, blocked=True)

    @extend_schema(
        operation_id="threads_unblock_seller",
        summary="Unblock the seller of one of my conversations (buyers)",
        description="Unblocking a seller who is not blocked changes nothing.",
        responses={200: SellerBlockStatusSerializer, **_errors(401, 404, 429)},
    )
    def delete(self, request: Request, thread_id: int) -> Response:
        participant = _buyer_participant(request, thread_id)
        services.thread_unblock_seller(participant=participant)
        return _block_status(participant, blocked=False)


class BlockedSellerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="seller_id")
    name = serializers.CharField(source="seller.public_name")
    blocked_at = serializers.DateTimeField(source="created_at")


class MessagingPreferencesSerializer(serializers.Serializer):
    unsolicited_opt_out = serializers.BooleanField(
        help_text="True: sellers cannot write to me first, except about delivery, "
        "customization or a problem with my order."
    )
    blocked_sellers = BlockedSellerSerializer(
        many=True, read_only=True, help_text="Newest first. Unblock one from its thread."
    )


class MessagingPreferencesApi(APIView):
    """A buyer's say over messages sellers start; sellers have no such preferences (404)."""

    def _buyer(self, request: Request) -> User:
        user = api_user(request)
        if user.is_seller:
            raise NotFound()
        return user

    def _current(self, request: Request) -> Response:
        buyer = self._buyer(request)
        return Response(
            MessagingPreferencesSerializer(
                {
                    "unsolicited_opt_out": selectors.buyer_opted_out(buyer=buyer),
                    "blocked_sellers": selectors.seller_block_list(buyer=buyer),
                }
            ).data
        )

    @extend_schema(
        operation_id="preferences_messaging_retrieve",
        summary="My choice about unsolicited seller messages, and the sellers I blocked (buyers)",
        responses={200: MessagingPreferencesSerializer, **_errors(401, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        return self._current(request)

    @extend_schema(
        operation_id="preferences_messaging_update",
        summary="Opt out of (or back in to) unsolicited seller messages (buyers)",
        request=MessagingPreferencesSerializer,
        responses={
            200: MessagingPreferencesSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`invalid`: `unsolicited_opt_out` missing or not a boolean",
            ),
            **_errors(401, 404, 429),
        },
    )
    def put(self, request: Request) -> Response:
        buyer = self._buyer(request)
        payload = MessagingPreferencesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.unsolicited_messages_set(
            buyer=buyer, receive=not payload.validated_data["unsolicited_opt_out"]
        )
        return self._current(request)
