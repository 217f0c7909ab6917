from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.typing import AuthenticatedHttpRequest
from core.downloads import content_disposition, stored_file_response, uses_signed_urls
from core.errors import NotFound
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


# A picture's URL names its version (?v=): that URL always shows the same bytes, so browsers
# and proxies may keep it a year. Without the current version it may change at any time.
_VERSIONED_CACHE = "public, max-age=31536000, immutable"
_UNVERSIONED_CACHE = "public, max-age=300"
# A redirect to a signed object-storage URL is good only while that URL is.
_SIGNED_REDIRECT_CACHE = "private, max-age=30"


@require_GET
def product_image(
    request: HttpRequest, product_id: int, size: int | None = None
) -> HttpResponseBase:
    """Serve a product's picture (or a thumbnail of it) to anyone: the catalogue is public.

    As every stored file is served: ``nosniff``, a sandboxing CSP, from storage or a signed URL.
    """
    product = selectors.product_get_with_image(product_id=product_id)
    stored = product.image if size is None else getattr(product, f"thumbnail_{size}", None)
    if not stored:
        raise NotFound("No such image.")
    if uses_signed_urls(stored):
        cache_control = _SIGNED_REDIRECT_CACHE
    elif request.GET.get("v") == product.image_version:
        cache_control = _VERSIONED_CACHE
    else:
        cache_control = _UNVERSIONED_CACHE
    return stored_file_response(
        stored,
        content_type="image/jpeg",
        disposition=content_disposition(
            f"product-{product.pk}{'' if size is None else f'-{size}'}.jpg", inline=True
        ),
        cache_control=cache_control,
        storage_cache_control="public, max-age=3600",
    )
