"""Journeys: a care manager approves an expedited request from the review queue; a physician advisor
denies a request and reads the member's notice in Spanish."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from authorizations.models import Authorization, Notice
from tests.authorizations.review_helpers import CLINICAL, SPECIFIC, build_review_world
from tests.browser.journeys import sign_in


def _submit_now(rw: Any, **changes: Any) -> Any:
    """A request received now for today (the helper's default dates lie in the past)."""
    today = timezone.localdate()
    clinical = {**CLINICAL, "projected_discharge": (today + dt.timedelta(days=5)).isoformat()}
    return rw.submit(
        received_at=timezone.now(), requested_start=today, clinical=clinical, **changes
    )


def _fill_checklist(page: Any, answers: dict[str, dict[str, str]]) -> None:
    for code, value in answers.items():
        page.locator(f"input[name='answer_{code}'][value='{value['answer']}']").check()


def test_a_care_manager_approves_an_expedited_request_from_the_queue(page, make_user, shot):
    rw = build_review_world(make_user)
    standard = _submit_now(rw, member=rw.child, urgency="standard")
    expedited = _submit_now(rw, urgency="expedited")
    sign_in(page, rw.users["care_manager"])

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    page.get_by_role("heading", name="Review queue").wait_for()
    queue = page.locator("#queue-table")
    queue.get_by_role("link", name=standard.number).wait_for()
    page.get_by_label("Urgency").select_option("expedited")  # htmx swaps the table
    queue.get_by_role("link", name=standard.number).wait_for(state="detached")
    row = queue.locator("tr", has=page.get_by_role("link", name=expedited.number))
    assert "Expedited" in row.inner_text()
    row.get_by_role("link", name=expedited.number).click()

    page.get_by_role("heading", name=f"Prior-authorization request {expedited.number}").wait_for()
    _fill_checklist(page, rw.answers(expedited))
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Save the review").click()

    page.get_by_text("Saved. Notices go out with every decision.").wait_for()
    authorization = Authorization.objects.get(request=expedited)
    facts = page.locator("section[aria-labelledby='h-status'] dl.facts")
    assert facts.locator("dd strong").first.inner_text() == "Approved"
    assert authorization.number in facts.inner_text()
    assert re.fullmatch(r"A\d{2}-\d{7}-[0-9A-Z]", authorization.number)
    shot(page, "review-care-manager-approval")


def test_a_physician_advisor_denies_and_reads_the_member_notice_in_spanish(page, make_user, shot):
    rw = build_review_world(make_user)
    rw.adult.language = "es"
    rw.adult.save(update_fields=["language"])
    request = _submit_now(rw)
    sign_in(page, rw.users["physician_advisor"])

    page.goto(reverse("review:request_detail", args=[request.number]))
    page.get_by_role("heading", name=f"Prior-authorization request {request.number}").wait_for()
    _fill_checklist(page, rw.answers(request, not_met=("IP_PSY_DANGER_SELF",)))
    page.get_by_label("Deny", exact=True).check()
    page.get_by_label("Reason code").select_option("MN_ADMISSION_CRITERIA")
    page.get_by_label("Criterion not met").select_option("IP_PSY_DANGER_SELF")
    page.get_by_label("Plain-language explanation").fill(SPECIFIC)
    page.get_by_role("button", name="Save the review").click()

    page.get_by_text("Saved. Notices go out with every decision.").wait_for()
    facts = page.locator("section[aria-labelledby='h-status'] dl.facts")
    assert facts.locator("dd strong").first.inner_text() == "Denied"
    assert "IP_PSY_DANGER_SELF" in facts.inner_text()
    member_notice = page.locator("#h-notices + ul li", has_text="to the member")
    assert "Español" in member_notice.inner_text()
    member_notice.get_by_role("link").first.click()

    body = page.locator(".notice-body")
    body.wait_for()
    assert body.get_attribute("lang") == "es"
    assert "AVISO DE DENEGACIÓN" in body.inner_text()
    assert "SU DERECHO A APELAR" in body.inner_text()
    notice = Notice.objects.get(request=request, recipient="member", kind="denial")
    assert notice.language == "es"
    shot(page, "review-member-notice-spanish")
