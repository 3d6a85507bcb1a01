"""The site's URLconf plus a view that fails, for the 500-page test."""

from django.urls import path

from fastholdelse.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
