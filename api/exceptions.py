"""API errors as JSON: DRF's own, plus a stale edit (409 with what changed) and a model's ValidationError."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.history import changes_since
from core.models import StaleEditError


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def stale_edit_response(error: StaleEditError) -> Response:
    """409: someone saved the record after the version the client sent; say what they changed."""
    current = type(error.instance)._default_manager.get(pk=error.instance.pk)
    changes = changes_since(current, error.expected_version)
    return Response(
        {
            "detail": _("Someone else changed this record since version %(version)s. Nothing was saved.")
            % {"version": error.expected_version},
            "code": "stale_version",
            "current_version": current.version,
            "changes": [{"field": change.label, "old": str(change.old), "new": str(change.new)} for change in changes],
        },
        status=status.HTTP_409_CONFLICT,
    )


def exception_handler(exc, context):
    if isinstance(exc, StaleEditError):
        return stale_edit_response(exc)
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() or constraint check that the serializer did not turn into field errors.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
