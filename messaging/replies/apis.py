"""The saved replies REST API: a seller's reusable replies, as on the Saved replies page.

Sellers only: for anyone else every operation answers 404, as does another seller's saved
reply. To send one, post its id as ``saved_reply`` to ``/threads/{thread_id}/messages``.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Language, User
from accounts.typing import api_user
from core.api import (
    ErrorSerializer,
    StrictCharField,
    StrictChoiceField,
    error_responses,
)
from core.errors import NotFound
from messaging.models import SavedReply
from messaging.replies import placeholders as saved_replies
from messaging.replies import selectors, services
from messaging.serializers import FindingSerializer

NOT_FOUND = "`not_found`: no such saved reply of mine, or I am not a seller (never a 403)"


REFUSED = (
    "`invalid` (a field of the wrong type, problems in `fields`), `empty_name`, "
    "`name_too_long`, `duplicate_name` (names are unique per seller, whatever their case), "
    "`empty_body`, `body_too_long`, `unknown_placeholder` (a name in braces that is not "
    "a placeholder), `invalid_language`"
)


PLACEHOLDER_HELP = (
    "Placeholders filled in for each conversation: `{buyer_name}`, `{order_number}` (empty "
    "for a pre-order question), `{item}` (the order's first item, or the product asked "
    "about). `{{` and `}}` stand for literal braces."
)


class SavedReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    body = serializers.CharField(help_text=PLACEHOLDER_HELP)
    language = serializers.ChoiceField(choices=Language.choices)
    placeholders = serializers.SerializerMethodField(
        help_text="The placeholders the body uses, in order of appearance."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_placeholders(self, saved_reply: SavedReply) -> list[str]:
        return saved_replies.placeholders_used(saved_reply.body)


class SavedReplyPolicyViolationSerializer(ErrorSerializer):
    categories = serializers.ListField(child=serializers.CharField())
    findings = FindingSerializer(many=True)


POLICY_VIOLATION = OpenApiResponse(
    SavedReplyPolicyViolationSerializer,
    description="`policy_violation`: the text breaks the messaging policy (an email address, "
    "a phone number, …); nothing is saved, the findings say what to change",
)


def _seller(request: Request) -> User:
    """The signed-in seller; anyone else has no saved replies."""
    user = api_user(request)
    if not user.is_seller:
        raise NotFound("Saved replies are for sellers.")
    return user


class SavedReplyInputSerializer(serializers.Serializer):
    # Lengths, emptiness and placeholders are the services' rules, with their own codes.
    name = StrictCharField(
        allow_blank=True,
        help_text=f"Only I see it; at most {SavedReply.NAME_MAX_LENGTH} characters, unique.",
    )
    body = StrictCharField(allow_blank=True, trim_whitespace=False, help_text=PLACEHOLDER_HELP)
    language = StrictChoiceField(
        choices=Language.choices,
        required=False,
        help_text="The language the reply is written in; my account's language if left out.",
    )


class SavedReplyUpdateSerializer(serializers.Serializer):
    name = StrictCharField(allow_blank=True, required=False)
    body = StrictCharField(
        allow_blank=True, trim_whitespace=False, required=False, help_text=PLACEHOLDER_HELP
    )
    language = StrictChoiceField(choices=Language.choices, required=False)


def _data(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


class SavedReplyListApi(APIView):
    @extend_schema(
        operation_id="saved_replies_list",
        summary="My saved replies, by name (sellers)",
        responses={
            200: SavedReplySerializer(many=True),
            **error_responses(401, 404, 429, descriptions={404: NOT_FOUND}),
        },
    )
    def get(self, request: Request) -> Response:
        rows = selectors.saved_reply_list_for_seller(seller=_seller(request))
        return Response(SavedReplySerializer(rows, many=True).data)

    @extend_schema(
        operation_id="saved_replies_create",
        summary="Save a reply to reuse in conversations (sellers)",
        request=SavedReplyInputSerializer,
        responses={
            201: SavedReplySerializer,
            **error_responses(
                400,
                401,
                404,
                429,
                descriptions={
                    400: f"{REFUSED}, `too_many_saved_replies` (at most "
                    f"{services.SAVED_REPLIES_MAX})",
                    404: NOT_FOUND,
                },
            ),
            422: POLICY_VIOLATION,
        },
    )
    def post(self, request: Request) -> Response:
        seller = _seller(request)
        data = _data(SavedReplyInputSerializer, request)
        saved_reply = services.saved_reply_create(
            seller=seller,
            name=data["name"],
            body=data["body"],
            language=data.get("language", seller.language),
        )
        return Response(SavedReplySerializer(saved_reply).data, status=status.HTTP_201_CREATED)


class SavedReplyDetailApi(APIView):
    def _get(self, request: Request, saved_reply_id: int) -> SavedReply:
        return selectors.saved_reply_get(seller=_seller(request), saved_reply_id=saved_reply_id)

    @extend_schema(
        operation_id="saved_replies_retrieve",
        summary="One of my saved replies (sellers)",
        responses={
            200: SavedReplySerializer,
            **error_responses(401, 404, 429, descriptions={404: NOT_FOUND}),
        },
    )
    def get(self, request: Request, saved_reply_id: int) -> Response:
        return Response(SavedReplySerializer(self._get(request, saved_reply_id)).data)

    @extend_schema(
        operation_id="saved_replies_update",
        summary="Change the name, text or language of one of my saved replies (sellers)",
        request=SavedReplyUpdateSerializer,
        responses={
            200: SavedReplySerializer,
            **error_responses(400, 401, 404, 429, descriptions={400: REFUSED, 404: NOT_FOUND}),
            422: POLICY_VIOLATION,
        },
    )
    def patch(self, request: Request, saved_reply_id: int) -> Response:
        saved_reply = self._get(request, saved_reply_id)
        data = _data(SavedReplyUpdateSerializer, request)
        saved_reply = services.saved_reply_update(
            saved_reply=saved_reply,
            name=data.get("name"),
            body=data.get("body"),
            language=data.get("language"),
        )
        return Response(SavedReplySerializer(saved_reply).data)

    @extend_schema(
        operation_id="saved_replies_delete",
        summary="Delete one of my saved replies; messages sent with it stay (sellers)",
        responses={204: None, **error_responses(401, 404, 429, descriptions={404: NOT_FOUND})},
    )
    def delete(self, request: Request, saved_reply_id: int) -> Response:
        services.saved_reply_delete(saved_reply=self._get(request, saved_reply_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
