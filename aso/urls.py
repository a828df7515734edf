from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider import views as oauth2_views

from aso import views
from aso.core.accounts import views as account_views

handler404 = "aso.views.not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", account_views.logout_view, name="logout"),
    path("accounts/", include("aso.core.accounts.urls")),
    path("", include("aso.core.urls")),
    path("relations/", include("relations.urls")),
    path("api/v1/", include("aso.core.api")),
    path("providers/", include("providers.urls")),
    path("api/v1/", include("providers.api.urls")),
    path("", include("members.urls")),
    path("", include("authorizations.urls_registration")),
    path("", include("authorizations.urls_review")),
    path("par/", include("par.urls")),
    path("care/", include("care.urls")),
    path("", include("care.urls_api")),
    path("oversight/", include("oversight.urls")),
    path("", include("interop.urls")),
    # OAuth2 client credentials for provider systems (interop): the client authenticates itself.
    path("o/token/", login_not_required(oauth2_views.TokenView.as_view()), name="oauth2_token"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script under the CSP.
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="aso/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]
