"""POST /api/v1/eligibility/inquiries: the provider check for systems, with the same rules.

The request names the member by Medicaid id and date of birth (in the body, never the URL); an id with
another date of birth gets exactly the answer of an unknown id. Every answer writes an AccessLog row.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from members.choices import EligibilityReason
from members.models import Member, medicaid_id_validator
from members.rules import CoverageSpan, EligibilityAnswer
from members.selectors import eligibility_check, normalize_medicaid_id


class CanCheckEligibility(BasePermission):
    message = "Your role may not check eligibility."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("members.check_eligibility"))


class InquirySerializer(serializers.Serializer):
    medicaid_id = serializers.CharField(
        max_length=12, help_text="The state client id (9 characters)."
    )
    birth_date = serializers.DateField(help_text="The member's date of birth (YYYY-MM-DD).")
    date_of_service = serializers.DateField(help_text="The date to check (YYYY-MM-DD).")

    def validate_medicaid_id(self, value: str) -> str:
        value = normalize_medicaid_id(value)
        medicaid_id_validator(value)
        return value


class ProgramSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SpanSerializer(serializers.Serializer):
    program = ProgramSerializer()
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True, help_text="Null: open-ended.")


class AnswerSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=EligibilityReason.choices)
    message = serializers.CharField()
    date_of_service = serializers.DateField()
    span = SpanSerializer(
        allow_null=True,
        help_text="The span in force (eligible), or the one that ended (coverage_ended).",
    )
    other_programs = SpanSerializer(many=True, help_text="Further programs covering the date.")


def _span(span: CoverageSpan) -> dict[str, Any]:
    program = {"code": span.program_code, "name": span.program_name}
    return {"program": program, "start": span.start, "end": span.end}


def answer_data(answer: EligibilityAnswer) -> dict[str, Any]:
    return {
        "eligible": answer.eligible,
        "reason": answer.reason,
        "message": answer.message,
        "date_of_service": answer.on,
        "span": _span(answer.span) if answer.span else None,
        "other_programs": [_span(s) for s in answer.covering[1:]],
    }


class EligibilityInquiryView(APIView):
    """Is this member covered on this date, under which program? Same rules as the web check."""

    permission_classes = [IsAuthenticated, CanCheckEligibility]

    @extend_schema(
        request=InquirySerializer,
        responses={200: AnswerSerializer},
        examples=[
            OpenApiExample(
                "Inquiry",
                {
                    "medicaid_id": "012345678",
                    "birth_date": "1990-04-12",
                    "date_of_service": "2026-11-02",
                },
                request_only=True,
            )
        ],
        summary="Check a member's eligibility on a date of service",
    )
    def post(self, request: Request) -> Response:
        given = InquirySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        answer = eligibility_check(
            medicaid_id=data["medicaid_id"],
            birth_date=data["birth_date"],
            on=data["date_of_service"],
        )
        access_log_record(
            user=request.user,
            action=AccessAction.API,
            subject=Member(pk=answer.member_id) if answer.member_id else None,
            request=request,
            purpose="eligibility inquiry" if answer.member_id else "eligibility inquiry: no match",
        )
        return Response(AnswerSerializer(answer_data(answer)).data, status=status.HTTP_200_OK)
