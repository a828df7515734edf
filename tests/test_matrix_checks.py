"""The permission matrix's own checks catch what they claim to: member data shown without an
access-log row or without the flag, member data in a URL, and markup the CSP refuses."""

import pytest
from django.http import HttpResponse

from tests.matrix import Entry, build_world
from tests.test_permission_matrix import _csp_problems, _member_data_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ref):  # type: ignore[no-untyped-def]
    return build_world()


def _page(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="text/html; charset=utf-8")


def test_member_data_under_an_entry_without_the_flag_is_caught(world):
    entry = Entry(url=lambda w: "/x/", expect={})
    shown = _page(f"<td>{world.member_child.medicaid_id}</td>")
    assert "set member_data=True" in _member_data_problems("x", entry, shown, world, False)[0]
    assert _member_data_problems("x", entry, _page("<td>nothing</td>"), world, False) == []


def test_a_member_data_answer_without_an_access_log_row_is_caught(world):
    entry = Entry(url=lambda w: "/x/", expect={}, member_data=True)
    page = _page("<td>anything</td>")
    assert "wrote no AccessLog row" in _member_data_problems("x", entry, page, world, False)[0]
    assert _member_data_problems("x", entry, page, world, True) == []


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p style="color:red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_markup_the_csp_refuses_is_caught(markup):
    assert "Content Security Policy" in _csp_problems("x", _page(markup))[0]


@pytest.mark.parametrize(
    "markup",
    [
        '<script src="/static/x.js"></script>',
        '<script id="d" type="application/json">{"a": 1}</script>',
        '<p class="one">online = true</p>',
    ],
)
def test_markup_the_csp_allows_passes(markup):
    assert _csp_problems("x", _page(markup)) == []
