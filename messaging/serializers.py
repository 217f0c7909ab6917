"""What the messaging API's operations share: a message as output, its findings and files, and
the errors an operation documents (OpenAPI).
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from core.api import ErrorSerializer, RateLimitedSerializer
from messaging.models import (
    Attachment,
    Message,
)


class FindingParamsSerializer(serializers.Serializer):
    detail = serializers.CharField(
        required=False,
        help_text="What was found, for the reasons that name it: a link's host, an app or a "
        "social network (`example.org`, `WhatsApp`).",
    )
    disguises = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="How a contact detail was disguised, as stable codes: "
        "`invisible_characters`, `look_alike_characters`, `at_dot_written_out`, "
        "`digits_as_words`, `spaced_out`, `split_letters`, `reversed`.",
    )


class FindingSerializer(serializers.Serializer):
    category = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    reason = serializers.CharField(help_text="Why, in English (made from `code` and `params`).")
    code = serializers.CharField(
        required=False,
        help_text="Why, as a stable snake_case code (`phone_number`, `external_link`, "
        "`asks_for_phone`, …); absent on findings stored before codes existed.",
    )
    params = FindingParamsSerializer(
        required=False, help_text="The code's parameters; absent on findings without a `code`."
    )
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


class FileRejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField(help_text="Why, in English.")
    reason_code = serializers.CharField(
        help_text="Why, as a stable snake_case code; a `code` may have several "
        "(`image_too_many_pixels`: `image_too_many_pixels`, `image_pixel_flood`, "
        "`animation_too_many_pixels`)."
    )
    params = serializers.DictField(
        help_text="The reason's parameters, numbers as integers: "
        '`{"width": 9000, "height": 9000, "limit": 40000000}`, `{"mime": "application/zip"}`, '
        '`{"kind": "jpeg", "extensions": ["jpg", "jpeg"]}`.'
    )


class AttachmentErrorSerializer(ErrorSerializer):
    files = FileRejectionSerializer(many=True, required=False)


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
    author_id = serializers.SerializerMethodField(
        help_text="Sellers: the person of the shop's team who wrote it (their user id, as "
        "`GET /team` lists them); null when the shop's own account wrote it. Always null for "
        "buyers: they see the shop, never who in its team wrote."
    )

    def get_author_id(self, message: Message) -> int | None:
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        # A seller sees only their own shop's threads: any seller message shown is the shop's.
        if viewer is None or not getattr(viewer, "is_seller", False):
            return None
        return message.author_id


class PolicyViolationSerializer(ErrorSerializer):
    categories = serializers.ListField(child=serializers.CharField())
    findings = FindingSerializer(many=True)
    message = MessageOutputSerializer()


def operation_errors(*statuses: int, send: bool = False) -> dict[int, OpenApiResponse]:
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
    # 1 to 255 printable ASCII characters (idempotency.py); HTTP drops spaces at either end.
    pattern=r"^[!-~]([ -~]{0,253}[!-~])?$",
    description=(
        "Any unique string (a UUID). A retried request with the same key returns the first "
        "result (with `Idempotent-Replayed: true`) instead of posting twice; keys are kept 24 "
        "hours. The same key with a different request is refused (`idempotency_key_reused`)."
    ),
)
