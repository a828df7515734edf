"""API shapes of registrations and authorizations. Input checks only; the registration rules decide."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from authorizations.choices import (
    AuthorizationStatus,
    Channel,
    RequestKind,
    RequestStatus,
    ReviewPath,
)
from authorizations.diagnoses import diagnosis_problems
from authorizations.models import Authorization, Request
from authorizations.selectors import member_for_registration
from members.models import MEDICAID_ID_MESSAGE
from providers.choices import UnitType
from providers.models import LevelOfCare
from providers.selectors import level_of_care_by_code

LEVEL_UNKNOWN = "Object with code={value} does not exist."  # as DRF's slug fields say it
MEMBER_UNKNOWN = "No member matches this Medicaid id and date of birth."
MEDICAID_ID = re.compile(r"^[A-Z0-9]{9}$")


def _diagnoses_checked(codes: list[str]) -> list[str]:
    problems = diagnosis_problems(codes)
    if problems:
        raise serializers.ValidationError(problems)
    return codes


class RegistrationInSerializer(serializers.Serializer):
    """A registration as a provider system sends it (member id and date of birth both required)."""

    member_id = serializers.CharField(
        min_length=9, max_length=9, help_text="The member's Medicaid id (9 letters or digits)."
    )
    birth_date = serializers.DateField(help_text="The member's date of birth (YYYY-MM-DD).")
    level_of_care = serializers.CharField(
        max_length=20, help_text="Level of care code (OP, IOP, ...)."
    )
    site = serializers.IntegerField(
        min_value=1, help_text="Id of one of your organization's sites."
    )
    start_date = serializers.DateField()
    units = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=10_000,
        help_text="Units asked for; omit for the rule's initial units.",
    )
    diagnoses = serializers.ListField(
        child=serializers.CharField(max_length=12),
        allow_empty=False,
        max_length=12,
        help_text="ICD-10-CM codes (chapter F), principal first.",
    )

    def validate_member_id(self, value: str) -> str:
        value = value.strip().upper()
        if not MEDICAID_ID.match(value):
            raise serializers.ValidationError(MEDICAID_ID_MESSAGE)
        return value

    def validate_level_of_care(self, value: str) -> LevelOfCare:
        level = level_of_care_by_code(code=value)
        if level is None:
            raise serializers.ValidationError(LEVEL_UNKNOWN.format(value=value))
        return level

    def validate_diagnoses(self, value: list[str]) -> list[str]:
        return _diagnoses_checked(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        member = member_for_registration(
            medicaid_id=attrs["member_id"], birth_date=attrs["birth_date"]
        )
        if member is None:
            raise serializers.ValidationError({"member_id": [MEMBER_UNKNOWN]})
        attrs["member"] = member
        return attrs


class ExtensionInSerializer(serializers.Serializer):
    """More units or time on an active authorization; everything optional."""

    start_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Omit to start the day after the current authorization ends.",
    )
    units = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10_000)
    diagnoses = serializers.ListField(
        child=serializers.CharField(max_length=12),
        required=False,
        max_length=12,
        help_text="Omit to keep the current request's diagnoses.",
    )

    def validate_diagnoses(self, value: list[str]) -> list[str]:
        return _diagnoses_checked(value) if value else value


class AuthorizationSerializer(serializers.ModelSerializer):
    request = serializers.CharField(source="request.number", read_only=True)
    member_id = serializers.CharField(source="member.medicaid_id", read_only=True)
    level_of_care = serializers.CharField(source="level_of_care.code", read_only=True)
    site = serializers.IntegerField(source="site_id", read_only=True)
    site_number = serializers.CharField(source="site.site_number", read_only=True)
    previous = serializers.CharField(source="previous.number", read_only=True, allow_null=True)
    extended_by = serializers.SerializerMethodField(
        help_text="Authorizations that continue this one."
    )

    class Meta:
        model = Authorization
        fields = [
            "number",
            "status",
            "start",
            "end",
            "units",
            "unit_type",
            "level_of_care",
            "site",
            "site_number",
            "member_id",
            "request",
            "previous",
            "extended_by",
        ]

    def get_extended_by(self, obj: Authorization) -> list[str]:
        return [a.number for a in obj.extensions.all()]


class AuthorizationBriefSerializer(serializers.Serializer):
    """The authorization a registration was given (GET /api/v1/authorizations/{number} for more).
    Declared field by field: the registration answer is the hot path, and model introspection per
    answer costs more than the fields themselves."""

    number = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=AuthorizationStatus.choices, read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    units = serializers.IntegerField(read_only=True)
    unit_type = serializers.ChoiceField(choices=UnitType.choices, read_only=True)


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Reason code (decision_reasons.yaml).")
    message = serializers.CharField(help_text="Plain-language reason.")
    field = serializers.CharField(help_text="The input field the reason is about.")


class RegistrationSerializer(serializers.Serializer):
    """A registration or extension request and its decision (declared field by field, as above)."""

    number = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=RequestKind.choices, read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    status = serializers.ChoiceField(choices=RequestStatus.choices, read_only=True)
    review_path = serializers.ChoiceField(choices=ReviewPath.choices, read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    member_id = serializers.CharField(source="member.medicaid_id", read_only=True)
    level_of_care = serializers.CharField(source="level_of_care.code", read_only=True)
    site = serializers.IntegerField(source="site_id", read_only=True)
    start_date = serializers.DateField(source="requested_start", read_only=True)
    end_date = serializers.DateField(source="requested_end", read_only=True, allow_null=True)
    units = serializers.IntegerField(source="requested_units", read_only=True, allow_null=True)
    diagnoses = serializers.ListField(child=serializers.CharField(), read_only=True)
    reasons = RefusalSerializer(source="refusals", many=True, read_only=True)
    extends = serializers.CharField(source="extends.number", read_only=True, allow_null=True)
    authorization = serializers.SerializerMethodField()

    @extend_schema_field(AuthorizationBriefSerializer(allow_null=True))
    def get_authorization(self, obj: Request) -> dict[str, Any] | None:
        authorization = getattr(obj, "authorization", None)
        return AuthorizationBriefSerializer(authorization).data if authorization else None


def _moment(value: dt.datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in the current time zone, Z for UTC."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def registration_data(registration: Request) -> dict[str, Any]:
    """`RegistrationSerializer(registration).data`, built directly: the answer to every registration
    (the API's busiest call), where DRF's per-instance field copies cost more than the registration's
    own rules. The serializer stays the schema; a test holds the two to the same output."""
    authorization = getattr(registration, "authorization", None)
    extends = registration.extends
    return {
        "number": registration.number,
        "kind": registration.kind,
        "channel": registration.channel,
        "status": registration.status,
        "review_path": registration.review_path,
        "received_at": _moment(registration.received_at),
        "decided_at": _moment(registration.decided_at),
        "due_at": _moment(registration.due_at),
        "member_id": registration.member.medicaid_id,
        "level_of_care": registration.level_of_care.code,
        "site": registration.site_id,
        "start_date": _day(registration.requested_start),
        "end_date": _day(registration.requested_end),
        "units": registration.requested_units,
        "diagnoses": [str(code) for code in registration.diagnoses],
        "reasons": [
            {"code": str(r["code"]), "message": str(r["message"]), "field": str(r["field"])}
            for r in registration.refusals
        ],
        "extends": extends.number if extends is not None else None,
        "authorization": None
        if authorization is None
        else {
            "number": authorization.number,
            "status": authorization.status,
            "start": _day(authorization.start),
            "end": _day(authorization.end),
            "units": authorization.units,
            "unit_type": authorization.unit_type,
        },
    }


class RegistrationErrorSerializer(serializers.Serializer):
    """400: messages per input field; for a registration the rules refused, also the refused request
    (kept on record) under `registration`."""

    member_id = serializers.ListField(child=serializers.CharField(), required=False)
    birth_date = serializers.ListField(child=serializers.CharField(), required=False)
    level_of_care = serializers.ListField(child=serializers.CharField(), required=False)
    site = serializers.ListField(child=serializers.CharField(), required=False)
    start_date = serializers.ListField(child=serializers.CharField(), required=False)
    units = serializers.ListField(child=serializers.CharField(), required=False)
    diagnoses = serializers.JSONField(required=False, help_text="Messages, or messages per item.")
    idempotency_key = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
    detail = serializers.CharField(required=False, help_text="A body that is not JSON, say.")
    registration = RegistrationSerializer(required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
