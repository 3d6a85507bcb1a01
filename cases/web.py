"""Small helpers shared by the views of every app (thin views, one way of doing each thing)."""

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from .access import PURPOSE_CASEWORK as PURPOSE_CASEWORK  # re-exported: the views' default purpose
from .access import read_record
from .audit import AccessLog
from .roles import is_admin, is_staff_member


def role_required(check: Callable) -> Callable:
    """Let the view run when `check(user)` holds. Anonymous: to the login page. Logged in without any
    role: a Danish page that says so (sending them to the login page would loop, because the login page
    sends a logged-in user on to the case list). Logged in with another role: 403."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(user):
                if not is_staff_member(user):
                    return render(request, "no_role.html", status=403)
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


staff_required = role_required(is_staff_member)
admin_required = role_required(is_admin)


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
