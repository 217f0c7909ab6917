"""Reporting a message to the moderation team through the REST API."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import api_user
from core.api import ErrorSerializer
from core.errors import NotFound
from messaging.models import (
    Message,
    ReportReason,
)
from messaging.moderation import services as moderation
from messaging.serializers import IDEMPOTENCY_PARAMETER, operation_errors
from messaging.threads.apis import participant_of
from messaging.threads.idempotency import idempotent


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
            **operation_errors(401, 404, 429),
        },
    )
    def post(self, request: Request, thread_id: int, message_id: int) -> Response:
        participant = participant_of(request, thread_id)
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
