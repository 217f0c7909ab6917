from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.typing import AuthenticatedHttpRequest
from orders import selectors


@login_required
@require_GET
def order_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    orders = selectors.order_list_for_buyer(buyer=request.user)[:50]
    return render(request, "orders/order_list.html", {"orders": orders})


@login_required
@require_GET
def order_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    order = selectors.order_get_for_participant(user=request.user, number=number)
    return render(request, "orders/order_detail.html", {"order": order})


@login_required
@require_GET
def product_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    products = selectors.product_list_active()[:100]
    return render(request, "orders/product_list.html", {"products": products})
