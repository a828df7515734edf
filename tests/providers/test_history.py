"""The provider page's history shows list-valued fields (a site's languages) as text."""

import pytest

from providers.history import provider_history

pytestmark = pytest.mark.django_db


def test_a_change_of_a_sites_languages_reads_as_a_list_of_codes(make_provider):
    provider = make_provider(901)
    site = provider.sites.get()
    site.languages = ["en", "es"]
    site.save()
    shown = [
        (c.field, c.new) for entry in provider_history(provider=provider) for c in entry.changes
    ]
    assert any(new == "en, es" for _field, new in shown), shown
