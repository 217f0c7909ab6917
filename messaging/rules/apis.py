"""The marketplace rules in the REST API: writing first about an order, a buyer's controls."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.typing import api_user
from core.api import ErrorSerializer, StrictBooleanField, StrictChoiceField
from core.errors import NotFound
from messaging.attachments.checks import IncomingFile
from messaging.models import (
    Participant,
    ParticipantRole,
    ProactiveReason,
)
from messaging.models.threads import Message
from messaging.rules import proactive, selectors, services
from messaging.serializers import IDEMPOTENCY_PARAMETER, operation_errors
from messaging.threads.apis import (
    MessageInputSerializer,
    PartySerializer,
    ThreadStartedSerializer,
    participant_of,
    send_response,
    sent_response,
    started_output,
)
from messaging.threads.idempotency import idempotent
from orders.models import Order
from orders.selectors import order_get_for_seller


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


class OrderMessagingActionsApi(APIView):
    @extend_schema(
        operation_id="orders_messaging_actions",
        summary="What I may send about one of my orders now, until when, and why not (sellers)",
        responses={200: MessagingActionsSerializer, **operation_errors(401, 404)},
    )
    def get(self, request: Request, number: str) -> Response:
        order = _seller_order(request, number)
        actions = proactive.order_messaging_actions_get(
            seller=api_user(request), order=order, now=timezone.now()
        )
        return Response(MessagingActionsSerializer(actions).data)


class ProactiveMessageSendApi(APIView):
    class ProactiveMessageInputSerializer(MessageInputSerializer):
        reason = StrictChoiceField(choices=ProactiveReason.choices)

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
            **operation_errors(400, 401, 404, 422, 429, send=True),
            409: OpenApiResponse(ErrorSerializer, description=RULE_REFUSALS),
        },
    )
    def post(self, request: Request, number: str) -> Response:
        order = _seller_order(request, number)

        def send(data: dict[str, Any], files: list[IncomingFile]) -> Message:
            return services.proactive_message_send(
                seller=api_user(request),
                order=order,
                reason=data["reason"],
                body=data["body"],
                files=files,
            )

        return send_response(
            request,
            input_serializer=self.ProactiveMessageInputSerializer,
            send=send,
            output=started_output,
        )


class ReviewRequestSendApi(APIView):
    @extend_schema(
        operation_id="orders_review_request_send",
        summary="Ask the buyer of my order for a review, once, 5–30 days after delivery (sellers)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={
            201: ThreadStartedSerializer,
            **operation_errors(401, 404),
            409: OpenApiResponse(ErrorSerializer, description=RULE_REFUSALS),
        },
    )
    def post(self, request: Request, number: str) -> Response:
        order = _seller_order(request, number)

        def send() -> Response:
            message = services.review_request_send(seller=api_user(request), order=order)
            return sent_response(request, message, started_output)

        return idempotent(request=request, user=api_user(request), send=send)


class SellerBlockStatusSerializer(serializers.Serializer):
    thread_id = serializers.IntegerField()
    seller = PartySerializer()
    seller_blocked = serializers.BooleanField(
        help_text="While blocked, the seller cannot write to me first, except about delivery, "
        "customization or a problem with my order."
    )


def _buyer_participant(request: Request, thread_id: int) -> Participant:
    """The buyer's side of a thread; the seller's side is a 404 here, like a foreign thread."""
    participant = participant_of(request, thread_id)
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
        responses={200: SellerBlockStatusSerializer, **operation_errors(401, 404, 429)},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        participant = _buyer_participant(request, thread_id)
        services.thread_block_seller(participant=participant)
        return _block_status(participant, blocked=True)

    @extend_schema(
        operation_id="threads_unblock_seller",
        summary="Unblock the seller of one of my conversations (buyers)",
        description="Unblocking a seller who is not blocked changes nothing.",
        responses={200: SellerBlockStatusSerializer, **operation_errors(401, 404, 429)},
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
    unsolicited_opt_out = StrictBooleanField(
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
                    "unsolicited_opt_out": selectors.unsolicited_opt_out_exists(buyer=buyer),
                    "blocked_sellers": selectors.seller_block_list_for_buyer(buyer=buyer),
                }
            ).data
        )

    @extend_schema(
        operation_id="preferences_messaging_retrieve",
        summary="My choice about unsolicited seller messages, and the sellers I blocked (buyers)",
        responses={200: MessagingPreferencesSerializer, **operation_errors(401, 404, 429)},
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
            **operation_errors(401, 404, 429),
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
