from collections.abc import Iterable

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import api_user
from messaging.attachments import downloads, selectors
from messaging.attachments.checks import ALLOWED as ALLOWED_FILE_TYPES
from messaging.serializers import AttachmentOutputSerializer, operation_errors


class AttachmentDetailSerializer(AttachmentOutputSerializer):
    message_id = serializers.IntegerField()
    thread_id = serializers.IntegerField(source="message.thread_id")
    created_at = serializers.DateTimeField()


class AttachmentDetailApi(APIView):
    @extend_schema(
        operation_id="attachments_retrieve",
        summary="A file's metadata: name, size, checked type, SHA-256, its message and thread",
        description=(
            "For the thread's participants (a blocked message's files: its sender only) and "
            "staff. `content_type` is what the bytes were checked to be, not what the sender "
            "claimed."
        ),
        responses={200: AttachmentDetailSerializer, **operation_errors(401, 404, 429)},
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
            **operation_errors(401, 404, 429),
        },
    )
    def get(self, request: Request, attachment_id: int) -> HttpResponseBase:
        attachment = selectors.attachment_get_for_user(
            user=api_user(request), attachment_id=attachment_id
        )
        return downloads.attachment_file_response(attachment, inline=False)
