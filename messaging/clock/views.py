"""Seller Central's response-time page and its CSV of obligations."""

from django.contrib.auth.decorators import login_required
from django.http import (
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import require_seller
from accounts.models import ShopMember
from accounts.typing import AuthenticatedHttpRequest
from messaging.clock.chart import chart_build
from messaging.clock.deadline import response_deadline
from messaging.clock.selectors import (
    obligation_csv_lines,
    response_metric_for_seller,
    response_misses_for_seller,
)
from messaging.team.figures import team_figures


@login_required
@require_GET
def seller_performance(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_seller(request)
    now = timezone.now()
    metric = response_metric_for_seller(seller=request.user, now=now)
    has_team = ShopMember.objects.filter(shop=request.user).exists()
    period = metric.windows[-1]
    weekly = metric.weekly
    return render(
        request,
        "seller/performance.html",
        {
            "metric": metric,
            "windows": metric.windows,
            "weekly": weekly,
            "chart": chart_build(weekly),
            "period": period,
            "misses": response_misses_for_seller(seller=request.user, figures=period, now=now),
            "misses_total": period.answered_late + period.not_answered,
            "deadline_hours": int(response_deadline().total_seconds() // 3600),
            # Beside the shop's figures, each person's, once the shop has a team.
            "team": team_figures(shop=request.user, now=now) if has_team else [],
        },
    )


@login_required
@require_GET
def seller_performance_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    require_seller(request)
    now = timezone.now()
    response = StreamingHttpResponse(
        obligation_csv_lines(seller=request.user, now=now),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="response-obligations-{now:%Y-%m-%d}.csv"'
    )
    return response
