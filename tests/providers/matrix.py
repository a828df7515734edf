"""Permission matrix of the provider network's pages and API.

network_ops edits everything; provider_admin manages its own organization's staff only; provider users see
their own organization (another one's pages and API objects answer 404); a regional network manager sees
the providers with a site in its regions (organization A's site is in its region, B's is not); clinical
staff read every provider; everyone else sees none. Anonymous users are sent to sign in (the API answers
403).
"""

from __future__ import annotations

from django.urls import reverse

from tests.matrix import ALL_ROLES, ApiEntry, Entry

EVERYONE = dict.fromkeys(ALL_ROLES, 200)
READ_ALL = (
    "care_manager",
    "physician_advisor",
    "icm",
    "clinical_supervisor",
    "network_ops",
    "admin",
)
SEES_A = (*READ_ALL, "provider_staff", "provider_admin", "network_manager")
# Sees organization A but may not edit it: 403; cannot see it: 404.
EDIT = {**dict.fromkeys(SEES_A, 403), "network_ops": 200}
STAFF = {**dict.fromkeys(SEES_A, 403), "network_ops": 200, "provider_admin": 200}
DETAIL = dict.fromkeys(SEES_A, 200)


ENTRIES = {
    "providers:provider_list": Entry(
        url=lambda w: reverse("providers:provider_list"), expect=EVERYONE
    ),
    "providers:my_organization": Entry(
        url=lambda w: reverse("providers:my_organization"), expect=EVERYONE
    ),
    "providers:provider_detail": Entry(
        url=lambda w: reverse("providers:provider_detail", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("providers:provider_detail", args=[w.provider_b.pk]),
        expect=DETAIL,
        default=404,
    ),
    "providers:provider_edit": Entry(
        url=lambda w: reverse("providers:provider_edit", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("providers:provider_edit", args=[w.provider_b.pk]),
        expect=EDIT,
        default=404,
    ),
    "providers:provider_terminate": Entry(
        url=lambda w: reverse("providers:provider_terminate", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("providers:provider_terminate", args=[w.provider_b.pk]),
        expect=EDIT,
        default=404,
    ),
    "providers:site_edit": Entry(
        url=lambda w: reverse("providers:site_edit", args=[w.site_a.pk]),
        other_url=lambda w: reverse("providers:site_edit", args=[w.site_b.pk]),
        expect=EDIT,
        default=404,
    ),
    "providers:offering_add": Entry(
        url=lambda w: reverse("providers:offering_add", args=[w.site_a.pk]),
        other_url=lambda w: reverse("providers:offering_add", args=[w.site_b.pk]),
        expect=EDIT,
        default=404,
    ),
    "providers:offering_edit": Entry(
        url=lambda w: reverse("providers:offering_edit", args=[w.offering_a.pk]),
        other_url=lambda w: reverse("providers:offering_edit", args=[w.offering_b.pk]),
        expect=EDIT,
        default=404,
    ),
    "providers:staff_list": Entry(
        url=lambda w: reverse("providers:staff_list", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("providers:staff_list", args=[w.provider_b.pk]),
        expect=STAFF,
        default=404,
    ),
    "providers:staff_invite": Entry(
        url=lambda w: reverse("providers:staff_invite", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("providers:staff_invite", args=[w.provider_b.pk]),
        expect=STAFF,
        default=404,
    ),
    # A successful deactivation redirects back to the staff page.
    "providers:staff_deactivate": Entry(
        url=lambda w: reverse(
            "providers:staff_deactivate", args=[w.provider_a.pk, w.staff_link_a.pk]
        ),
        other_url=lambda w: reverse(
            "providers:staff_deactivate", args=[w.provider_b.pk, w.staff_link_b.pk]
        ),
        method="post",
        expect={**STAFF, "network_ops": 302, "provider_admin": 302},
        default=404,
    ),
    # Anyone may open an invitation link; a wrong token shows "not valid any more".
    "providers:invitation_accept": Entry(
        url=lambda w: reverse("providers:invitation_accept", args=["MQ", "not-a-token"]),
        expect=EVERYONE,
        anonymous=200,
    ),
    "providers:import_list": Entry(
        url=lambda w: reverse("providers:import_list"), expect={"network_ops": 200}, default=403
    ),
    "providers:import_detail": Entry(
        url=lambda w: reverse("providers:import_detail", args=[w.import_a.pk]),
        expect={"network_ops": 200},
        default=404,
    ),
    "providers:import_download": Entry(
        url=lambda w: reverse("providers:import_download", args=[w.import_a.pk]),
        expect={"network_ops": 200},
        default=404,
    ),
    "providers:import_apply": Entry(
        url=lambda w: reverse("providers:import_apply", args=[w.import_a.pk]),
        method="post",
        expect={"network_ops": 302},
        default=404,
    ),
}

API_ENTRIES = {
    "GET /api/v1/providers/": ApiEntry(
        url=lambda w: reverse("providers-api:provider-list"), expect=EVERYONE, anonymous=403
    ),
    "GET /api/v1/providers/{id}/": ApiEntry(
        url=lambda w: reverse("providers-api:provider-detail", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("providers-api:provider-detail", args=[w.provider_b.pk]),
        expect=DETAIL,
        default=404,
        anonymous=403,
    ),
    "GET /api/v1/sites/": ApiEntry(
        url=lambda w: reverse("providers-api:site-list"), expect=EVERYONE, anonymous=403
    ),
    "GET /api/v1/sites/{id}/": ApiEntry(
        url=lambda w: reverse("providers-api:site-detail", args=[w.site_a.pk]),
        other_url=lambda w: reverse("providers-api:site-detail", args=[w.site_b.pk]),
        expect=DETAIL,
        default=404,
        anonymous=403,
    ),
}
