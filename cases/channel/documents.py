"""The documents a citizen may open behind a signed link and a one-time code (a port).

The kernel knows no feature's models: a feature registers a loader for its kind of document in its
AppConfig.ready() (roundtable registers "referat", the full minutes). The loader gets the id from
the link and returns a `CitizenDocument`, or None when the id no longer exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from ..models import Case
from ..signing import make_link, read_link


@dataclass(frozen=True)
class CitizenDocument:
    case: Case
    title: str  # shown on the page before the code: no health data
    filename: str
    access_detail: str  # what the access log says was read
    read: Callable[[], bytes]
    content_type: str = "application/pdf"


Loader = Callable[[int], "CitizenDocument | None"]
_loaders: dict[str, Loader] = {}


def register(kind: str, loader: Loader) -> None:
    _loaders[kind] = loader


def known(kind: str) -> bool:
    return kind in _loaders


def _purpose(kind: str) -> str:
    return f"citizen.{kind}"


def document_token(kind: str, obj) -> str:
    return make_link(_purpose(kind), obj, max_age=timedelta(days=settings.CITIZEN_LINK_DAYS))


def document_url(kind: str, obj) -> str:
    """The absolute link for a letter to the citizen."""
    return settings.SITE_URL + reverse("channel:document", args=[kind, document_token(kind, obj)])


def document_from_token(kind: str, token: str) -> CitizenDocument | None:
    """Raises LinkExpired / LinkInvalid; None when the document is gone."""
    return _loaders[kind](read_link(_purpose(kind), token))
