"""The evidence API: ask for a thread's export, follow it, download it."""

from typing import Any

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import api_user
from core.api import ErrorSerializer
from messaging.attachments.apis import FileContentNegotiation
from messaging.evidence import downloads, links, selectors, services
from messaging.models import EvidenceExport, EvidenceStatus
from messaging.serializers import operation_errors
from messaging.threads.selectors import participant_get


class EvidenceExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    thread_id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=EvidenceStatus.choices,
        help_text="`pending`, `running`, then `ready` (or `failed`); `expired` once its file "
        "was deleted.",
    )
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="Percent done.")
    scope = serializers.CharField(
        help_text="`participant`: the thread as I see it. `staff`: the full record."
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(help_text="When the file is deleted.")
    size = serializers.IntegerField(allow_null=True, help_text="Bytes of the ZIP, when ready.")
    sha256 = serializers.CharField(allow_blank=True, help_text="SHA-256 of the ZIP, when ready.")
    message_count = serializers.IntegerField(allow_null=True)
    attachment_count = serializers.IntegerField(allow_null=True)
    error_code = serializers.CharField(
        allow_blank=True,
        help_text="Why it failed: `build_error`, `storage_error`, `worker_lost`.",
    )
    url = serializers.SerializerMethodField(help_text="This export: GET it to follow it.")
    download_url = serializers.SerializerMethodField(
        help_text="When ready: a signed link to the ZIP for me, valid a few minutes (GET the "
        "export again for a fresh one). The ZIP holds transcript.pdf, the files under "
        "attachments/, manifest.json and its Ed25519 signature manifest.sig."
    )

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, export: EvidenceExport) -> str:
        return self._absolute(links.export_status_path(export))

    def get_download_url(self, export: EvidenceExport) -> str | None:
        path = links.export_download_path(export)
        return self._absolute(path) if path is not None else None


def export_output(request: Request, export: EvidenceExport) -> dict[str, Any]:
    return dict(EvidenceExportSerializer(export, context={"request": request}).data)


UNAVAILABLE = OpenApiResponse(
    ErrorSerializer, description="`evidence_unavailable`: no signing key is configured"
)


class ThreadEvidenceApi(APIView):
    @extend_schema(
        operation_id="threads_evidence_export",
        summary="Export a thread as evidence for a claim: a PDF transcript and a signed ZIP",
        description=(
            "Starts building, in the background, the evidence of the thread as I see it: a PDF "
            "(the order, every message with its exact UTC time, sender, delivery and read "
            "state, the files' names, sizes and SHA-256, thumbnails of images) and a ZIP with "
            "the PDF, the original files and a `manifest.json` signed with Ed25519 (public "
            "key at `/evidence/public-key`). The seller's export (the shop's, whichever "
            "member asks) also holds the team's internal notes, in a section of their own "
            "and under `internal_notes` in the manifest; the buyer's never does. "
            "Answers 202 with the export; follow its `url` "
            "until `status` is `ready`, then GET its `download_url`. Asking again while one "
            "is being built returns that one. The file is kept 7 days."
        ),
        request=None,
        responses={
            202: EvidenceExportSerializer,
            **operation_errors(401, 404, 429),
            503: UNAVAILABLE,
        },
    )
    def post(self, request: Request, thread_id: int) -> Response:
        participant = participant_get(user=api_user(request), thread_id=thread_id)
        export, _created = services.evidence_export_request(participant=participant)
        output = export_output(request, export)
        return Response(
            output, status=status.HTTP_202_ACCEPTED, headers={"Location": output["url"]}
        )


class EvidenceExportDetailApi(APIView):
    @extend_schema(
        operation_id="evidence_retrieve",
        summary="An evidence export: its status, progress and, when ready, a download link",
        description="Only for whoever asked for it; anyone else gets 404.",
        responses={200: EvidenceExportSerializer, **operation_errors(401, 404, 429)},
    )
    def get(self, request: Request, export_id: int) -> Response:
        export = selectors.export_get_for_user(user=api_user(request), export_id=export_id)
        response = Response(export_output(request, export))
        response["Cache-Control"] = "no-store"
        return response


class EvidenceExportDownloadApi(APIView):
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        operation_id="evidence_download",
        summary="Download an evidence export's ZIP (the signed link of the export)",
        description=(
            "The link is the export's `download_url`: signed for the requester, valid a few "
            "minutes. The caller must also be the requester (session or token); anyone else, "
            "or a link whose signature does not match, gets 404. Where files are kept in "
            "object storage the answer is a 302 to a signed URL valid for a minute."
        ),
        parameters=[
            OpenApiParameter("expires", int, OpenApiParameter.QUERY, required=True),
            OpenApiParameter("signature", str, OpenApiParameter.QUERY, required=True),
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The evidence ZIP."
            ),
            302: OpenApiResponse(description="Object storage: go to the signed URL."),
            **operation_errors(401, 404, 429),
            409: OpenApiResponse(
                ErrorSerializer, description="`export_not_ready`: not built (yet, or it failed)"
            ),
            410: OpenApiResponse(
                ErrorSerializer,
                description="`link_expired` (GET the export for a new link), `export_expired` "
                "(the file was deleted)",
            ),
        },
    )
    def get(self, request: Request, export_id: int) -> HttpResponseBase:
        export = selectors.export_get_for_user(user=api_user(request), export_id=export_id)
        return downloads.export_file_response(
            export,
            expires=request.query_params.get("expires", ""),
            signature=request.query_params.get("signature", ""),
        )
