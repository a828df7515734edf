"""POST /api/v1/care/referrals: the child-welfare agency's system sends a VCM referral.

Same rules as the staff form (care.services.vcm_referrals): 201 with the referral id and the
outreach due date; 400 with field errors when the child is 18 or older, the problem is not
eligible, the family has not consented or no caregiver can be reached; 409 with a link to the
existing referral when the agency referral id is known already. Nothing is half-saved. The answer
echoes no names or dates of birth.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from care.services.vcm_referrals import CaregiverData, DuplicateReferral, vcm_referral_create
from providers.models import Town


class CanSendReferrals(BasePermission):
    message = "Your account may not send VCM referrals."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user.has_perm("care.submit_vcm_referral") or user.has_perm("care.work_vcm"))


class CaregiverIn(serializers.Serializer):
    first_name = serializers.CharField(max_length=60)
    last_name = serializers.CharField(max_length=60)
    relationship = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    preferred_language = serializers.RegexField(
        r"^[a-z]{2,3}$", required=False, default="en", help_text="en, es, pt, ..."
    )


class ReferralIn(serializers.Serializer):
    agency_referral_id = serializers.CharField(max_length=40)
    received_at = serializers.DateTimeField(
        help_text="When the agency took the call (with offset)."
    )
    child_first_name = serializers.CharField(max_length=60)
    child_last_name = serializers.CharField(max_length=60)
    child_birth_date = serializers.DateField()
    town = serializers.CharField(
        max_length=60, help_text="The Connecticut town the family lives in."
    )
    problem = serializers.CharField(
        max_length=30, help_text="Primary problem: emotional, behavioral, substance_use, ..."
    )
    reason = serializers.CharField(max_length=4000)
    other_insurance_explored = serializers.BooleanField()
    other_insurance_note = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    consent = serializers.BooleanField(help_text="The family consents to take part (voluntary).")
    caregivers = CaregiverIn(many=True)

    def validate_town(self, value: str) -> Town:
        town = Town.objects.filter(name__iexact=value.strip()).first()
        if town is None:
            raise serializers.ValidationError("Unknown Connecticut town.")
        return town


class ReferralOut(serializers.Serializer):
    id = serializers.IntegerField()
    agency_referral_id = serializers.CharField()
    status = serializers.CharField()
    first_attempt_due = serializers.DateField()


class DuplicateOut(serializers.Serializer):
    detail = serializers.CharField()
    existing_referral_id = serializers.IntegerField()
    existing_referral_url = serializers.CharField()


class ReferralCreate(APIView):
    """Send a family's referral to Voluntary Care Management."""

    permission_classes = [IsAuthenticated, CanSendReferrals]

    @extend_schema(
        request=ReferralIn,
        responses={
            201: ReferralOut,
            409: DuplicateOut,
        },
        examples=[
            OpenApiExample(
                "Referral",
                {
                    "agency_referral_id": "CL-2026-000123",
                    "received_at": "2026-03-10T10:15:00-05:00",
                    "child_first_name": "Sam",
                    "child_last_name": "Example",
                    "child_birth_date": "2014-06-01",
                    "town": "Hartford",
                    "problem": "behavioral",
                    "reason": "Aggressive at school; family asks for help.",
                    "other_insurance_explored": True,
                    "consent": True,
                    "caregivers": [
                        {
                            "first_name": "Maria",
                            "last_name": "Example",
                            "relationship": "mother",
                            "phone": "860-555-0100",
                            "preferred_language": "es",
                        }
                    ],
                },
                request_only=True,
            )
        ],
        summary="Send a Voluntary Care Management referral",
        description=(
            "201: recorded, with the outreach due date. 400: refused (child 18 or older, "
            "problem not eligible, no consent, no caregiver to reach), field errors say why; "
            "nothing saved. 409: the agency referral id is known; the answer links the "
            "existing referral."
        ),
    )
    def post(self, request: Request) -> Response:
        given = ReferralIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        caregivers = [CaregiverData(**c) for c in data.pop("caregivers")]
        try:
            referral = vcm_referral_create(
                acting_user=request.user,
                problem_code=data.pop("problem"),
                caregivers=caregivers,
                **data,
            )
        except DuplicateReferral as dup:
            url = reverse("care:vcm_referral", args=[dup.existing.pk])
            body = {
                "detail": "A referral with this agency referral id exists already.",
                "existing_referral_id": dup.existing.pk,
                "existing_referral_url": request.build_absolute_uri(url),
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise ValidationError(detail) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied() from error
        out = {
            "id": referral.pk,
            "agency_referral_id": referral.agency_referral_id,
            "status": referral.status,
            "first_attempt_due": referral.first_attempt_due,
        }
        return Response(ReferralOut(out).data, status=status.HTTP_201_CREATED)
