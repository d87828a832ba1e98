"""Köprü's URL map: one include per app, plus auth, admin, language switch and health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views
from core.forms import SignInForm

admin.site.site_header = "Köprü"
admin.site.site_title = "Köprü"

urlpatterns = [
    path("", include("dashboard.urls")),
    path("protocol/", include("partnership.protocol_urls")),
    path("projects/", include("projects.urls")),
    path("events/", include("events.urls")),
    path("transfers/", include("transfers.urls")),
    path("attachments/", include("core.urls")),
    path("jobs/", include("core.job_urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/tokens/", include("api.token_urls")),
    path("webhooks/", include("webhooks.urls")),
    # /public/…, /robots.txt and /sitemap.xml: the only pages open to everyone (public/http.py).
    path("", include("public.urls")),
    path("notifications/", include("notifications.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(form_class=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Open to visitors too: the sign-in page has the TR/EN switch.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("health/", core_views.health, name="health"),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler500 = "core.views.server_error"

# Uploaded files are never served from MEDIA_URL, not even in development: only the
# access-checked download view hands them out.
