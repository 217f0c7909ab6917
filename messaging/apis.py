"""The messaging REST API: one class per operation, calling the same services as the pages."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from messagecenter.errors import NotFound
from messagecenter.typing import api_user
from messaging import selectors, services, uploads
from messaging.attachments import IncomingFile
from messaging.content_policy import content_check
from messaging.models import Attachment, Message, Participant, Topic
from messaging.ratelimit import rate_limit_hit
from orders.selectors import order_get_for_participant, product_get_active


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="public_name")


class ThreadOutputSerializer(serializers.Serializer):
    """A thread as one participant sees it (built from their Participant row)."""

    id = serializers.IntegerField(source="thread_id")
    kind = serializers.CharField(source="thread.kind")
    topic = serializers.CharField(source="thread.topic")
    order_number = serializers.CharField(source="thread.order.number", default=None)
    product_id = serializers.IntegerField(source="thread.product_id", default=None)
    buyer = PartySerializer(source="thread.buyer")
    seller = PartySerializer(source="thread.seller")
    last_message_at = serializers.DateTimeField()
    last_message_is_mine = serializers.BooleanField()
    snippet = serializers.SerializerMethodField()
    unread_count = serializers.IntegerField()
    is_archived = serializers.BooleanField()
    needs_response_since = serializers.DateTimeField()

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
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, attachment: Attachment) -> str:
        return self._absolute(reverse("messaging:attachment", args=[attachment.pk]))

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
        folder = serializers.CharField(required=False)
        cursor = serializers.CharField(required=False)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=selectors.MAX_PAGE_SIZE
        )

    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        page = selectors.thread_list_for_user(
            user=api_user(request),
            folder=data.get("folder") or selectors.default_folder(api_user(request)),
            cursor=data.get("cursor"),
            limit=data.get("limit", selectors.PAGE_SIZE),
        )
        return Response(
            {
                "results": ThreadOutputSerializer(page.items, many=True).data,
                "next_cursor": page.next_cursor,
            }
        )


class ThreadStartApi(APIView):
    class InputSerializer(MessageInputSerializer):
        order_number = serializers.CharField(required=False, max_length=19)
        product_id = serializers.IntegerField(required=False, min_value=1)
        topic = serializers.ChoiceField(choices=Topic.choices, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("order_number" in attrs) == ("product_id" in attrs):
                raise serializers.ValidationError("Give either order_number or product_id.")
            if "order_number" in attrs and "topic" not in attrs:
                raise serializers.ValidationError({"topic": ["This field is required."]})
            return attrs

    def post(self, request: Request) -> Response:
        files = _incoming_files(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        order = product = None
        if "order_number" in data:
            order = order_get_for_participant(user=api_user(request), number=data["order_number"])
        else:
            product = product_get_active(product_id=data["product_id"])
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


class ThreadDetailApi(APIView):
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

    def delete(self, request: Request, thread_id: int) -> Response:
        services.thread_delete_for_me(participant=_participant(request, thread_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageSendApi(APIView):
    def post(self, request: Request, thread_id: int) -> Response:
        participant = _participant(request, thread_id)
        files = _incoming_files(request)
        payload = MessageInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message: Message = services.message_send(
            thread=participant.thread,
            sender=api_user(request),
            body=payload.validated_data["body"],
            files=files,
        )
        return _sent(
            request, message, MessageOutputSerializer(message, context={"request": request}).data
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

    def post(self, request: Request, thread_id: int, action: str) -> Response:
        if action not in self.actions:
            raise NotFound()
        participant = _participant(request, thread_id)
        self.actions[action](participant=participant)
        return Response(ThreadOutputSerializer(participant).data)


class PolicyCheckApi(APIView):
    """Check a draft against the content policy without sending it (check as you type)."""

    class InputSerializer(serializers.Serializer):
        # Length and emptiness are checked by the send service, after normalization.
        body = serializers.CharField(allow_blank=True, trim_whitespace=False)
        filenames = serializers.ListField(
            child=serializers.CharField(max_length=255), max_length=5, required=False
        )

    def post(self, request: Request) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        rate_limit_hit(scope="policy_check", ident=api_user(request).pk, rate="120/60")
        result = content_check(body=data["body"], filenames=data.get("filenames", ()))
        return Response(result.to_dict())
