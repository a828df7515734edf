"""Journey: an administrator resets a user's MFA in the Django admin (which works under the CSP)."""

from aso.core.accounts import mfa
from tests.clients import authenticator_for


def test_an_administrator_resets_a_users_authenticator(signed_in, make_user, shot):
    lost_phone = make_user("provider_staff", username="lost_phone")
    authenticator_for(lost_phone)
    page = signed_in("admin", is_staff=True, is_superuser=True)
    page.goto("/admin/core/user/?q=lost_phone")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("reset_mfa")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("Reset multi-factor authentication of 1 user(s)").wait_for()
    shot(page, "admin-mfa-reset")
    assert not mfa.is_enrolled(lost_phone)
