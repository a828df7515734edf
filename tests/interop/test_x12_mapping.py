"""The 278 segment mapping, parser, envelope reader and writer on their own (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interop.x12 import mapping_278 as m
from interop.x12.generate_278 import Answer, Sender, ack_999, interchange, response_278, ta1
from interop.x12.parse_278 import read_278
from interop.x12.segments import EnvelopeError, read_interchange, split_segments
from tests.interop.x12_scene import Ask278, find, pyx12_errors
from tests.interop.x12_scene import interchange as request_text

NOW = dt.datetime(2026, 6, 1, 9, 30)


def _request(**changes):
    changes.setdefault("date", "20260601")
    envelope = read_interchange(request_text(Ask278(**changes)))
    return read_278(envelope.transactions[0])


# --- envelope ---------------------------------------------------------------------------------------


def test_separators_come_from_the_isa_and_indentation_and_a_bom_are_tolerated():
    text = "\ufeff  " + request_text(Ask278()).replace("*", "|").replace("~\n", "~\n    ")
    text = text.replace("|:~", "|>~", 1).replace("HC:", "HC>").replace("ABK:", "ABK>")
    seps, segments = split_segments(text)
    assert (seps.element, seps.component, seps.segment) == ("|", ">", "~")
    assert segments[1][0] == "GS" and segments[-1][0] == "IEA"
    request = read_278(read_interchange(text).transactions[0], seps.component)
    assert request.services[0].procedures == [("HC", "90834")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "024"),
        ("ISA*00*short~", "024"),
        (request_text(Ask278()).replace("IEA*1*000000123~\n", ""), "023"),
        (request_text(Ask278()).replace("IEA*1*000000123", "IEA*1*000000124"), "001"),
        (request_text(Ask278()).replace("IEA*1*", "IEA*2*"), "021"),
        (request_text(Ask278()).replace("*00501*", "*00601*"), "017"),
    ],
)
def test_an_unreadable_interchange_raises_with_the_ta1_note_code(text, code):
    with pytest.raises(EnvelopeError) as raised:
        read_interchange(text)
    assert raised.value.code == code


def test_group_and_transaction_problems_are_collected_for_the_999():
    text = request_text(Ask278(), version="004010X094A1").replace("GE*1*123", "GE*2*124")
    problems = read_interchange(text).problems
    assert {(level, code) for level, _, code, _ in problems} == {
        ("group", "2"),
        ("group", "4"),
        ("group", "5"),
    }


# --- parsing ----------------------------------------------------------------------------------------


def test_the_parser_reads_each_loop():
    request = _request(site_ref="001", messages=("symptoms: low mood",), refs=("NT*R1",))
    assert request.requester.id == "1234567893" and request.requester.refs == {"ZH": "001"}
    assert request.subscriber.id == "200000001" and request.subscriber.birth_date == "19850505"
    assert request.event.um == ["UM", "HS", "I", "A8", "11:B"]
    assert request.event.diagnoses == [("ABK", "F329")]
    assert request.event.units == ("VS", "10") and request.event.refs == {"NT": "R1"}
    assert request.trace == "TRACE0001" and not request.inquiry
    assert request.services[0].procedures == [("HC", "90834")]


def test_a_request_without_um_or_in_the_x215_guide_is_an_inquiry():
    assert _request(um="").inquiry
    envelope = read_interchange(request_text(Ask278()).replace("*005010X217~", "*005010X215~"))
    assert read_278(envelope.transactions[0]).inquiry


# --- mapping in -------------------------------------------------------------------------------------


def test_a_good_request_maps_to_our_values():
    ask = m.ask_from_278(_request(messages=("suicide_risk: high", "symptoms: a", "symptoms: b")))
    assert ask.problems == []
    assert (ask.member_id, ask.birth_date, ask.npi) == (
        "200000001",
        dt.date(1985, 5, 5),
        "1234567893",
    )
    assert (ask.start, ask.end, ask.units, ask.diagnoses) == (
        dt.date(2026, 6, 1),
        None,
        10,
        ["F329"],
    )
    assert ask.clinical == {"suicide_risk": "high", "symptoms": "a b"}
    assert ask.urgency == "standard"


def test_level_codes_gather_procedures_revenue_codes_and_the_service_type_at_its_place():
    codes = m.level_codes(_request(revenue="0114", procedure="HC:H0035"))
    assert codes == m.LevelCodes(
        procedures=("H0035",), revenues=("0114",), service_type="A8", place="11"
    )


@pytest.mark.parametrize(
    ("level_of_service", "urgency"), [("03", "expedited"), ("U", "expedited"), ("E", "standard")]
)
def test_um06_sets_the_urgency(level_of_service, urgency):
    ask = m.ask_from_278(_request(um=f"AR*I*A4*21:B**{level_of_service}"))
    assert ask.urgency == urgency


def test_rd8_ranges_and_bad_dates():
    assert m.parse_date("RD8", "20260601-20260607") == (dt.date(2026, 6, 1), dt.date(2026, 6, 7))
    assert m.parse_date("RD8", "20260607-20260601") is None
    assert m.parse_date("D8", "2026061") is None
    assert m.parse_date("D6", "260601") is None


def test_every_problem_names_its_loop_and_aaa_code():
    ask = m.ask_from_278(
        _request(member_id="X", birth_date=None, npi_qualifier="SV", date="2026", units="VS*0")
    )
    assert {(p.loop, p.code) for p in ask.problems} == {
        ("2010B", "43"),
        ("2010C", "72"),
        ("2010C", "58"),
        ("2000E", "57"),
        ("2000E", "33"),
    }
    assert all("200000001" not in p.message for p in ask.problems)


@pytest.mark.parametrize(
    ("units", "expected"), [("VS*12", 12), ("VS*12.0", 12), ("VS*1e999", None), ("VS*inf", None),
                            ("VS*2.5", None), ("VS*-3", None)],
)  # fmt: skip
def test_hsd_units_are_whole_numbers_or_one_clear_problem(units, expected):
    ask = m.ask_from_278(_request(units=units))
    problems = [p.message for p in ask.problems if "HSD02" in p.message]
    assert (ask.units, problems) == (
        (expected, []) if expected else (None, ["HSD02 must be a whole number of units."])
    )


# --- mapping out ------------------------------------------------------------------------------------


def test_statuses_map_to_hcr_actions_and_reasons_to_hcr03():
    assert [m.hcr_action(s) for s in ("approved", "partially_approved", "denied", "submitted")] == [
        "A1",
        "A2",
        "A3",
        "A4",
    ]
    assert m.hcr_reason(["OVERLAP", "NOT_ELIGIBLE"]) == "91"
    assert m.hcr_reason(["MN_ADMISSION_CRITERIA"]) == "82"
    assert m.hcr_reason(["SOMETHING_NEW"]) == m.HCR_REASON_DEFAULT
    assert m.hcr_reason([]) == ""


def test_every_decision_reason_of_the_fixture_has_an_hcr_reason():
    import yaml

    from aso.referencedata import FIXTURES_DIR

    rows = yaml.safe_load((FIXTURES_DIR / "decision_reasons.yaml").read_text())["rows"]
    assert {row["code"] for row in rows} <= set(m.HCR_REASON_FOR_CODE)


def test_service_errors_map_to_aaa_codes_by_field():
    problems = m.problems_for_errors(
        {"site": ["x"], "symptoms": ["required"], "diagnoses": ["bad"]}, {"symptoms"}
    )
    assert [(p.loop, p.code) for p in problems] == [
        ("2010B", "43"),
        ("2000E", "15"),
        ("2000E", "33"),
    ]


# --- writing ----------------------------------------------------------------------------------------


def test_a_certified_response_is_well_formed():
    answer = Answer(
        action="A1",
        certification_number="A2606010001",
        reference_number="R2606010001",
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 11, 30),
        units=26,
        unit_qualifier="VS",
    )
    body = response_278(_request(), answer, NOW)
    text = interchange(
        Sender(id="CLEARINGHOUSE", receiver="CTBHPASO"),
        "000000042",
        NOW,
        "HI",
        "005010X217",
        [body],
    )
    assert pyx12_errors(text) == []
    assert find(text, "HCR") == [["HCR", "A1", "A2606010001"]]
    assert find(text, "DTP") == [
        ["DTP", "AAH", "RD8", "20260601-20261130"],
        ["DTP", "472", "RD8", "20260601-20261130"],
    ]
    assert find(text, "ISA")[0][6].strip() == "CTBHPASO"  # sender and receiver swapped


def test_a_rejected_response_carries_aaa_in_the_right_loop_once_per_code():
    problems = [
        m.Problem("2010C", "75", "x"),
        m.Problem("2010C", "75", "y"),
        m.Problem("2000E", "57", "z"),
    ]
    body = response_278(_request(), Answer(problems=problems), NOW)
    tags = [s[0] for s in body]
    assert tags.index("AAA") == tags.index("NM1", tags.index("NM1", tags.index("NM1") + 1) + 1) + 1
    assert [s for s in body if s[0] == "AAA"] == [
        ["AAA", "N", "", "75", "C"],
        ["AAA", "N", "", "57", "C"],
    ]
    assert body[-1] == ["SE", str(len(body)), "0001"]


def test_ta1_and_999_are_well_formed():
    sender = Sender(id="CLEARINGHOUSE", receiver="CTBHPASO", control="000000123")
    assert pyx12_errors(ta1(sender, "000000007", NOW, "024")) == []
    text = ack_999(
        sender, "000000008", NOW, [("HI", "123", "005010X217", "5", [("278", "0002", "4")])]
    )
    assert pyx12_errors(text) == []
    assert find(text, "IK5") == [["IK5", "R", "4"]]
    assert find(text, "AK9") == [["AK9", "R", "1", "1", "0", "5"]]


# --- any input: a clear rejection, never a crash -----------------------------------------------------


GOOD = request_text(Ask278())


def _read_everything(text: str) -> None:
    try:
        envelope = read_interchange(text)
    except EnvelopeError as error:
        assert error.code and error.message
        return
    for transaction in envelope.transactions:
        m.ask_from_278(read_278(transaction, envelope.separators.component))


@given(st.text(max_size=300))
def test_any_text_is_read_or_rejected_with_a_ta1_code(text):
    _read_everything(text)
    _read_everything("ISA" + text)


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=6), st.text(max_size=20))
def test_a_damaged_request_is_read_or_rejected(drops, noise):
    lines = GOOD.split("\n")
    for index in drops:
        if 0 < index < len(lines):
            lines[index] = noise
    _read_everything("\n".join(lines))


def test_an_interchange_of_more_than_100_transaction_sets_is_refused():
    asks = [Ask278(control=f"{n:04d}") for n in range(1, 102)]
    with pytest.raises(EnvelopeError) as raised:
        read_interchange(request_text(*asks))
    assert "At most 100" in raised.value.message
