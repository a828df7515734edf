"""The role x page permission matrix: one table per app, one world of objects, every URL covered.

Each app lists its pages in `tests/<app>/matrix.py` as `ENTRIES: dict[str, Entry]` (URL name -> entry) and
its API operations as `API_ENTRIES: dict[str, ApiEntry]` ("GET /api/v1/jobs/{id}/" -> entry, the method and
path template of the OpenAPI schema), and may add its own objects to the shared world with a
`@world_builder` function in `tests/<app>/world.py`. `tests/test_permission_matrix.py` then calls every
page and operation as anonymous and as each role (API operations with a session and with a token), for
the role's own organization's object and for another organization's object, and checks the answers
against the table; a URL or operation without an entry fails the test.

Member data: an entry whose successful answer shows member data says `member_data=True`; the test then
proves every such answer wrote an AccessLog row for the user. An answer that shows a world member's
Medicaid id or name under an entry without the flag fails, so a forgotten flag cannot hide a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from aso.core.choices import Agency
from aso.core.roles import ROLE_CODES

ANONYMOUS = "anonymous"
ALL_ROLES = (*ROLE_CODES, ANONYMOUS)
# Roles whose view is limited to their own organization, region or agency: another one's object is 404.
SCOPED_ROLES = ("provider_staff", "provider_admin", "network_manager", "agency_viewer")


@dataclass
class World:
    """The standard scenario: organization A (the scoped users' own) and organization B (someone else's)."""

    users: dict[str, Any]
    provider_a: Any
    provider_b: Any
    site_a: Any
    site_b: Any
    member_child: Any
    member_adult: Any
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["extra"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


UrlBuilder = Callable[[World], str]


@dataclass(frozen=True)
class Entry:
    """How one URL answers each role.

    `url` builds the URL for organization A's object (or the URL itself when it takes no object);
    `other_url`, when given, builds it for organization B's object: scoped roles must get 404 there.
    `expect` maps role -> status for `url`; roles not listed get `default`. Anonymous users get
    `anonymous` (302 to the login page for web pages, 401/403 for the API).
    """

    url: UrlBuilder
    expect: dict[str, int]
    default: int = 403
    other_url: UrlBuilder | None = None
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    anonymous: int = 302
    member_data: bool = (
        False  # a successful answer shows member data: it must write an AccessLog row
    )

    def status_for(self, role: str) -> int:
        if role == ANONYMOUS:
            return self.anonymous
        return self.expect.get(role, self.default)


@dataclass(frozen=True)
class ApiEntry(Entry):
    """How one API operation answers each role, with a session (after MFA) and with a token.

    Anonymous callers get 403 (DRF's answer when session authentication comes first); `data` is sent
    as JSON for methods other than GET.
    """

    anonymous: int = 403


def member_markers(world: World) -> tuple[str, ...]:
    """Strings that appear only where a world member's data is shown (their ids and names)."""
    markers: list[str] = []
    for member in (world.member_child, world.member_adult):
        markers += [
            member.medicaid_id,
            member.birth_date.isoformat(),
            f"{member.first_name} {member.last_name}",
            f"{member.last_name}, {member.first_name}",
        ]
    return tuple(markers)


WorldBuilder = Callable[[World], None]
_BUILDERS: list[WorldBuilder] = []


def world_builder(func: WorldBuilder) -> WorldBuilder:
    """Register a function that adds an app's objects to the world (into `world.extra`)."""
    _BUILDERS.append(func)
    return func


def build_world() -> World:
    from members.models import Member
    from providers.models import Provider, ProviderStaff, Region, Site, Town

    User = get_user_model()
    users = {}
    for role in ROLE_CODES:
        user = User.objects.create_user(
            username=f"matrix_{role}"
        )  # force_login: no password needed
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    users["agency_viewer"].agency = Agency.DSS
    users["agency_viewer"].save()
    town_a, town_b = Town.objects.get(name="Hartford"), Town.objects.get(name="Stamford")
    provider_a = Provider.objects.create(
        npi="1234567893",
        medicaid_id="000000001",
        name="Org A Clinic",
        kind="clinic",
        effective_date=dt.date(2015, 1, 1),
    )
    provider_b = Provider.objects.create(
        npi="1245319599",
        medicaid_id="000000002",
        name="Org B Clinic",
        kind="clinic",
        effective_date=dt.date(2015, 1, 1),
    )
    site_a = Site.objects.create(
        provider=provider_a,
        site_number="001",
        name="Org A Hartford",
        street="1 Main St",
        town=town_a,
        region=town_a.region,
        zip_code="06103",
    )
    site_b = Site.objects.create(
        provider=provider_b,
        site_number="001",
        name="Org B Stamford",
        street="2 Main St",
        town=town_b,
        region=town_b.region,
        zip_code="06901",
    )
    for role in ("provider_staff", "provider_admin"):
        ProviderStaff.objects.create(
            user=users[role], provider=provider_a, is_admin=role == "provider_admin"
        )
    Region.objects.filter(pk=town_a.region_id).update(network_manager=users["network_manager"])
    child = Member.objects.create(
        medicaid_id="100000001",
        last_name="Child",
        first_name="Casey",
        birth_date=dt.date(2015, 5, 5),
        town=town_a,
        region=town_a.region,
    )
    adult = Member.objects.create(
        medicaid_id="100000002",
        last_name="Adult",
        first_name="Alex",
        birth_date=dt.date(1985, 5, 5),
        town=town_b,
        region=town_b.region,
    )
    world = World(
        users=users,
        provider_a=provider_a,
        provider_b=provider_b,
        site_a=site_a,
        site_b=site_b,
        member_child=child,
        member_adult=adult,
    )
    for builder in _BUILDERS:
        builder(world)
    return world
