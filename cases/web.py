"""Small helpers shared by the views of every app (thin views, one way of doing each thing)."""

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import ValidationError
from django.shortcuts import render

from .access import PURPOSE_CASEWORK as PURPOSE_CASEWORK  # re-exported: the views' default purpose
from .access import read_record
from .audit import AccessLog
from .roles import is_staff_member

staff_required = user_passes_test(is_staff_member)


def render_read(request, template: str, context: dict, *, purpose: str = PURPOSE_CASEWORK, status: int = 200,
                case=None, employee=None, referral=None, detail: str = "", action: str = AccessLog.Action.VIEW):
    """Render a page that shows case data again (after a refused POST: status 400) and log the read.

    The object was opened with a `*_for_change` door, which logs nothing; showing it is a read."""
    read_record(user=request.user, purpose=purpose, action=action, case=case, employee=employee, referral=referral,
                detail=detail)
    return render(request, template, context, status=status)


def apply_validation_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form) so nothing typed is lost."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
