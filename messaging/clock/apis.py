"""The 24-hour response metric in the REST API."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import api_user
from core.errors import NotFound
from messaging.clock import selectors as response_clock
from messaging.serializers import operation_errors


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
            'hours / (due - excluded). Excluded are the messages marked "no response '
            'needed" within their 24 hours; marked later, a message still counts as not '
            "answered (or answered late once a reply follows). A reply the content policy "
            "held and staff released counts from when the seller sent it."
        ),
        responses={200: ResponseMetricSerializer, **operation_errors(401, 404)},
    )
    def get(self, request: Request) -> Response:
        user = api_user(request)
        if not user.is_seller:
            raise NotFound()
        metric = response_clock.response_metric_for_seller(seller=user, now=timezone.now())
        return Response(ResponseMetricSerializer(metric).data)
