"""API plumbing shared by every app: one JSON error shape with a stable ``code``."""

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.fields import empty
from rest_framework.response import Response
from rest_framework.utils import html
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError, RateLimited
from core.parsers import MAX_JSON_DEPTH

_DRF_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "rate_limited",
}


class ErrorSerializer(serializers.Serializer):
    """Every error: a stable ``code``, a sentence, and per-field problems when there are any."""

    code = serializers.CharField()
    detail = serializers.CharField()
    # Declared fields are collected by the serializer's metaclass; "fields" is the JSON key.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text="Problems per input field: a list of sentences, or nested per list item.",
    )


class RateLimitedSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField()


ERROR_RESPONSES = {
    400: (ErrorSerializer, "`invalid` with the problem of each field in `fields`"),
    401: (ErrorSerializer, "`not_authenticated`, `authentication_failed`"),
    403: (ErrorSerializer, "`role_forbidden`: my role in the seller's team does not allow it"),
    404: (ErrorSerializer, "`not_found`: it does not exist, or it is not yours (never a 403)"),
    429: (RateLimitedSerializer, "`rate_limited`, with a `Retry-After` header"),
}


# --- Input fields that read exactly what the schema documents ----------------------------------
class StrictInput(serializers.Field):
    """An input field that accepts what its schema says, in JSON and in form encodings alike.

    DRF reads leniently: 7 for a string, "7" for an integer, a form value left empty as one
    left out, a checkbox left out as false. Here a JSON value must have the documented type,
    and a form value (always text) must spell it; an empty form value is a value, refused
    unless the field allows blanks, and a field left out of a form is missing.
    """

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary):
            return dictionary.get(self.field_name, empty)
        return super().get_value(dictionary)

    def from_form(self) -> bool:
        """Whether the input is form-encoded (or a query string): every value is text."""
        root = self.root
        return html.is_html_input(getattr(root, "initial_data", None))


class StrictCharField(StrictInput, serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


_INTEGER = re.compile("-?[0-9]+")


class StrictIntegerField(StrictInput, serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and self.from_form() and _INTEGER.fullmatch(data):
            data = int(data)
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(StrictInput, serializers.BooleanField):
    default_empty_html = empty

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, str) and self.from_form() and data in ("true", "false"):
            return data == "true"
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictChoiceField(StrictInput, serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictDateTimeField(StrictInput, serializers.DateTimeField):
    pass


def error_responses(
    *statuses: int, descriptions: dict[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """Document the errors an operation answers, with its own words for some statuses."""
    said = descriptions or {}
    return {
        code: OpenApiResponse(
            ERROR_RESPONSES[code][0], description=said.get(code, ERROR_RESPONSES[code][1])
        )
        for code in statuses
    }


def error_body(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    body.update({key: value for key, value in extra.items() if value is not None})
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as ``{"code", "detail", "fields"?, ...}``."""
    if isinstance(exc, ApplicationError):
        headers = {}
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        return Response(
            error_body(exc.code, exc.message, fields=exc.fields, **exc.extra),
            status=exc.status,
            headers=headers,
        )
    if isinstance(exc, exceptions.Throttled):
        retry_after = max(1, int(getattr(exc, "wait", None) or 1))
        return Response(
            error_body(
                "rate_limited",
                f"Too many requests. Try again in {retry_after} seconds.",
                retry_after=retry_after,
            ),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(retry_after)},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", "The request has invalid fields.", fields=fields)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = _DRF_CODES.get(response.status_code, "error")
        if isinstance(exc, exceptions.APIException) and isinstance(exc.get_codes(), str):
            code = str(exc.get_codes())
        if code == "permission_denied" and str(detail).startswith("CSRF Failed"):
            code = "csrf_failed"
        response.data = error_body(code, str(detail))
    return response


@csrf_exempt  # it changes nothing, and must answer JSON to any method
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any URL under /api/ that names no endpoint: the same JSON error as everywhere else."""
    return JsonResponse(error_body("not_found", "No such API endpoint."), status=404)


JSON_BODY_ERRORS = (
    "`parse_error` (the body is not JSON), "
    f"`too_deep` (the JSON is nested more than {MAX_JSON_DEPTH} levels deep)"
)


def document_unsupported_media_type(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """Document the errors the parsers answer for every operation with a body.

    A drf-spectacular postprocessing hook: DRF refuses a body whose ``Content-Type`` none of
    the operation's parsers reads (or that says none) with 415, and a JSON body it cannot read
    or that is nested too deep with 400, before the view runs, so no view can declare them.
    """
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            if "application/json" in operation["requestBody"]["content"]:
                _document_json_body_errors(operation["responses"])
            accepted = ", ".join(f"`{kind}`" for kind in operation["requestBody"]["content"])
            operation["responses"].setdefault(
                "415",
                {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                    "description": "`unsupported_media_type`: the body is not one of "
                    f"{accepted}, or its `Content-Type` is missing",
                },
            )
    return result


def _document_json_body_errors(responses: dict[str, Any]) -> None:
    bad_request = responses.setdefault(
        "400",
        {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            "description": "",
        },
    )
    said = bad_request.get("description", "")
    bad_request["description"] = f"{said}; {JSON_BODY_ERRORS}" if said else JSON_BODY_ERRORS
