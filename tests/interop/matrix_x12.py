"""Permission matrix entries of the x12 endpoints.

POST /x12/278 answers whoever may register services or request prior authorization (the provider
roles, and clinical staff who take phone requests) with a 278 response; the organization check is per
transaction inside the answer (another organization's NPI or certification number is answered with an
AAA code, tests/interop/test_x12_278.py). Everyone else gets 403, anonymous callers 401 (token first).
The call here is an inquiry about organization A's registration: the answer echoes the member id, so it
reads member data and must write an AccessLog row.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aso.core.roles import ROLES
from tests.interop.x12_scene import Ask278, interchange
from tests.matrix import Entry, World

SUBMIT = {"authorizations.submit_registration", "authorizations.submit_prior_auth"}
SENDERS = {role.code: 200 for role in ROLES if SUBMIT & set(role.permissions)}


def _inquiry(world: World) -> dict[str, object]:
    authorization = world.registration_auth_a
    ask = Ask278(
        member_id=world.member_adult.medicaid_id,
        birth_date=f"{world.member_adult.birth_date:%Y%m%d}",
        npi=world.provider_a.npi,
        um="",
        procedure=None,
        refs=(f"BB*{authorization.number}",),
    )
    text = interchange(ask).encode()
    return {"file": SimpleUploadedFile("inquiry.x12", text, content_type="text/plain")}


X12_ENTRIES: dict = {
    "interop:x12_278": Entry(
        url=lambda w: reverse("interop:x12_278"),
        method="post",
        data=_inquiry,
        expect=SENDERS,
        anonymous=401,
        member_data=True,
    ),
}
X12_API_ENTRIES: dict = {}
