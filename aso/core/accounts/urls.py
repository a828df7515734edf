from django.urls import path

from aso.core.accounts import views

app_name = "accounts"

urlpatterns = [
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views.mfa_enrol, name="mfa_enrol"),
    path("mfa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("mfa/recovery-codes/new/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("reauth/", views.reauth, name="reauth"),
    path("password/", views.password_change, name="password_change"),
    path("security/", views.security, name="security"),
]
