"""Permission matrix entries for oversight exports: agency viewers (for their agency) and
administrators (naming an agency) start exports; nobody else sees the page. The page shows no member
data; the files are followed and downloaded on the job pages (core matrix: another user's job is 404)."""

from __future__ import annotations

from django.urls import reverse

from tests.matrix import Entry

ENTRIES = {
    "oversight:export": Entry(
        url=lambda w: reverse("oversight:export"), expect={"agency_viewer": 200, "admin": 200}
    ),
}
