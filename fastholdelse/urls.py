from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api
from .views import accessibility_statement, favicon, healthz

urlpatterns = [
    path("", include("cases.dashboard.mywork_urls")),  # "/" (home) and "Mit arbejde"
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("tilgaengelighed/", accessibility_statement, name="accessibility"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),  # the systems around: see fastholdelse/api.py
    path("", include("cases.fasttrack.urls")),  # before sager/: "sager/fast-track/" is not a case reference
    path("", include("cases.managers.urls")),  # the managers' public tools under /for-ledere/
    path("", include("cases.channel.urls")),  # before sager/: "sager/<ref>/kontakt/" and the citizen's page
    path("", include("cases.gp.urls")),  # before sager/: "sager/<ref>/laege/" (a GP request on the case)
    path("sager/", include("cases.urls")),
    path("", include("roundtable.urls")),
    path("overblik/", include("cases.dashboard.urls")),
    path("telefon/", include("cases.phone.urls")),
    path("opsoegende/", include("cases.outreach.urls")),

    path("fravaer/", include("cases.absence.urls")),
]
