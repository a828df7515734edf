"""An out-of-range provider id in the site filter is a clear 400, not a database overflow (found by
tests/test_api_fuzz.py: `?provider=-1.4e27` was a 500 on SQLite and PostgreSQL)."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-1.425620634212949e+27", "9223372036854775808", "0"])
def test_an_impossible_provider_id_is_refused(client, make_user, value):
    client.force_login(make_user("network_ops"))
    response = client.get("/api/v1/sites/", {"provider": value})
    assert response.status_code == 400 and "provider" in response.json()
