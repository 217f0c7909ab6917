from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.ratelimit import rate_limit_hit
from accounts.typing import api_user
from core.api import StrictCharField
from core.parsers import DepthLimitedJSONParser
from messaging.policy.content import content_policy_check
from messaging.policy.reasons import findings_display
from messaging.serializers import FindingSerializer, operation_errors


class PolicyVerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["allow", "block"])
    categories = serializers.ListField(child=serializers.CharField())
    findings = FindingSerializer(many=True)


class PolicyCheckApi(APIView):
    """Check a draft against the content policy without sending it (check as you type)."""

    # The compose box sends JSON; a list needs no form encoding.
    parser_classes = [DepthLimitedJSONParser]

    class PolicyCheckInputSerializer(serializers.Serializer):
        # Length and emptiness are checked by the send service, after normalization.
        body = StrictCharField(allow_blank=True, trim_whitespace=False)
        filenames = serializers.ListField(
            child=StrictCharField(max_length=255), max_length=5, required=False
        )

    @extend_schema(
        operation_id="policy_check",
        summary="Check a draft against the content policy without sending it",
        request=PolicyCheckInputSerializer,
        responses={200: PolicyVerdictSerializer, **operation_errors(400, 401, 429)},
    )
    def post(self, request: Request) -> Response:
        payload = self.PolicyCheckInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        rate_limit_hit(scope="policy_check", ident=api_user(request).pk, rate="120/60")
        result = content_policy_check(body=data["body"], filenames=data.get("filenames", ()))
        # Reasons in the caller's language (its account's, else Accept-Language); the
        # categories stay the stable codes.
        verdict = result.to_dict()
        return Response({**verdict, "findings": findings_display(verdict["findings"])})
