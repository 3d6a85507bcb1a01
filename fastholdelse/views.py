"""Project-level views: the health check and the page for a refused form (CSRF)."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from .celery import app as celery_app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def healthz(request):
    """JSON for load balancers and monitors: 200 when the database and the broker answer, else 503."""
    database, broker = _database_ok(), _broker_ok()
    return JsonResponse(
        {"database": "ok" if database else "down", "broker": "ok" if broker else "down"},
        status=200 if database and broker else 503,
    )


def csrf_failure(request, reason: str = ""):
    """A refused form (expired page, cookies off): a Danish page in the site's layout, never Django's
    English one. The reason stays in the server log only."""
    return render(request, "403_csrf.html", status=403)
