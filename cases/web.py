"""Small helpers shared by the views of every app (thin views, one way of doing each thing)."""

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import ValidationError

from .roles import is_staff_member

staff_required = user_passes_test(is_staff_member)

# The purpose written to the access log for ordinary casework reads.
PURPOSE_CASEWORK = "sagsbehandling"


def apply_validation_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form) so nothing typed is lost."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
