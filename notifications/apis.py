"""The webhook REST API: a seller's endpoints and their deliveries, as on the webhooks page.

Sellers only: for anyone else every operation answers 404, as does an endpoint of another
seller. A signing secret is shown when the endpoint is made (or given a new secret) and never
again through the API.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.typing import api_user
from core.api import ErrorSerializer, StrictCharField, error_responses
from core.errors import ApplicationError, NotFound
from notifications import selectors, webhooks
from notifications.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEvent

NOT_FOUND = "`not_found`: no such endpoint of mine, or I am not a seller (never a 403)"


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="Signs every delivery (`X-MC-Signature`). Shown now only: keep it."
    )


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField(help_text="The `id` of the event in the payload.")
    event = serializers.ChoiceField(choices=WebhookEvent.choices)
    status = serializers.ChoiceField(choices=WebhookDeliveryStatus.choices)
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    next_attempt_at = serializers.SerializerMethodField(
        help_text="When it is tried next; null once delivered or failed."
    )
    delivered_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_attempt_at(self, delivery: WebhookDelivery) -> str | None:
        if delivery.status != WebhookDeliveryStatus.PENDING:
            return None
        return serializers.DateTimeField().to_representation(delivery.next_attempt_at)


class WebhookDeliveryPageSerializer(serializers.Serializer):
    results = WebhookDeliverySerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


def _seller(request: Request) -> User:
    """The signed-in seller; anyone else finds no webhooks here."""
    user = api_user(request)
    if not user.is_seller:
        raise NotFound("Webhooks are for sellers.")
    return user


class WebhookEndpointListApi(APIView):
    class WebhookEndpointInputSerializer(serializers.Serializer):
        url = StrictCharField(
            max_length=500,
            help_text="A public https:// URL that receives the events as signed POSTs.",
        )

    @extend_schema(
        operation_id="webhooks_list",
        summary="My webhook endpoints, oldest first (sellers)",
        responses={
            200: WebhookEndpointSerializer(many=True),
            **error_responses(401, 404, 429, descriptions={404: NOT_FOUND}),
        },
    )
    def get(self, request: Request) -> Response:
        endpoints = selectors.webhook_endpoint_list(seller=_seller(request))
        return Response(WebhookEndpointSerializer(endpoints, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        summary="Register an endpoint for my events; its secret is shown once (sellers)",
        request=WebhookEndpointInputSerializer,
        responses={
            201: WebhookEndpointWithSecretSerializer,
            **error_responses(
                400,
                401,
                404,
                429,
                descriptions={
                    400: "`invalid` (no URL), `invalid_url` (not a public https:// URL, or "
                    f"already registered), `too_many_endpoints` (at most "
                    f"{webhooks.MAX_ENDPOINTS_PER_SELLER})",
                    404: NOT_FOUND,
                },
            ),
        },
    )
    def post(self, request: Request) -> Response:
        seller = _seller(request)
        payload = self.WebhookEndpointInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        endpoint = webhooks.webhook_endpoint_create(
            seller=seller, url=payload.validated_data["url"]
        )
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )


class WebhookEndpointDetailApi(APIView):
    @extend_schema(
        operation_id="webhooks_retrieve",
        summary="One of my webhook endpoints (sellers)",
        responses={
            200: WebhookEndpointSerializer,
            **error_responses(401, 404, 429, descriptions={404: NOT_FOUND}),
        },
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = selectors.webhook_endpoint_get(seller=_seller(request), endpoint_id=endpoint_id)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_delete",
        summary="Remove one of my endpoints and its delivery log (sellers)",
        responses={204: None, **error_responses(401, 404, 429, descriptions={404: NOT_FOUND})},
    )
    def delete(self, request: Request, endpoint_id: int) -> Response:
        webhooks.webhook_endpoint_delete(seller=_seller(request), endpoint_id=endpoint_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointSecretApi(APIView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        summary="Give an endpoint a new signing secret, shown once; the old one stops at once",
        request=None,
        responses={
            200: WebhookEndpointWithSecretSerializer,
            **error_responses(401, 404, 429, descriptions={404: NOT_FOUND}),
        },
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        endpoint = webhooks.webhook_endpoint_rotate_secret(
            seller=_seller(request), endpoint_id=endpoint_id
        )
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)


class WebhookEndpointTestApi(APIView):
    @extend_schema(
        operation_id="webhooks_test",
        summary="Send a `ping` event to one of my endpoints (sellers)",
        description="The delivery is queued and sent in the background; follow it in "
        "`GET /webhooks/{endpoint_id}/deliveries`.",
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            **error_responses(
                400,
                401,
                404,
                429,
                descriptions={
                    400: "`endpoint_inactive`: the endpoint is turned off",
                    404: NOT_FOUND,
                },
            ),
        },
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        delivery = webhooks.webhook_endpoint_test(seller=_seller(request), endpoint_id=endpoint_id)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(APIView):
    class DeliveryFilterSerializer(serializers.Serializer):
        # An empty cursor is the first page, as on the thread lists.
        cursor = StrictCharField(
            required=False,
            allow_blank=True,
            trim_whitespace=False,
            help_text="The `next_cursor` of the previous page.",
        )
        limit = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=selectors.DELIVERY_MAX_PAGE_SIZE,
            help_text=f"Deliveries per page (default {selectors.DELIVERY_PAGE_SIZE}).",
        )

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        summary="An endpoint's deliveries, newest first, one page at a time (sellers)",
        parameters=[DeliveryFilterSerializer],
        responses={
            200: WebhookDeliveryPageSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="`invalid_parameter` with the problem of each query parameter in "
                "`fields`, `invalid_cursor`",
            ),
            **error_responses(401, 404, 429, descriptions={404: NOT_FOUND}),
        },
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = selectors.webhook_endpoint_get(seller=_seller(request), endpoint_id=endpoint_id)
        filters = self.DeliveryFilterSerializer(data=request.query_params)
        if not filters.is_valid():
            raise ApplicationError(
                "invalid_parameter",
                "Some query parameters are not valid.",
                fields={name: [str(e) for e in errors] for name, errors in filters.errors.items()},
            )
        page = selectors.webhook_delivery_page(
            endpoint=endpoint,
            cursor=filters.validated_data.get("cursor"),
            limit=filters.validated_data.get("limit", selectors.DELIVERY_PAGE_SIZE),
        )
        return Response(
            {
                "results": WebhookDeliverySerializer(page.items, many=True).data,
                "next_cursor": page.next_cursor,
            }
        )
