"""Prior-authorization API under /api/v1/prior-auth/: providers request and follow their requests and
notices; clinical staff decide. Same services and visibility doors as the web pages: a care manager
cannot deny here either, another organization's request is 404, a stale version is 409."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from authorizations.choices import Channel, ReviewPath, Urgency
from authorizations.choices_review import DecisionOutcome
from authorizations.models import Authorization, Notice, Request
from authorizations.selectors import access_request, requests_visible_to
from authorizations.selectors_review import member_for_intake
from authorizations.services.decisions import Decision, request_decide
from authorizations.services.intake import prior_auth_submit
from authorizations.services.review import RequestConflict
from members.models import Member
from providers.selectors import level_of_care_by_code, sites_visible_to


class AuthorizationOut(serializers.ModelSerializer):
    class Meta:
        model = Authorization
        fields = ("number", "start", "end", "units", "unit_type", "status")


class RequestOut(serializers.ModelSerializer):
    member_medicaid_id = serializers.CharField(source="member.medicaid_id")
    level_of_care = serializers.CharField(source="level_of_care.code")
    site = serializers.IntegerField(source="site_id")
    decision_reason = serializers.CharField(source="decision_reason.code", default="")
    decision_criterion = serializers.CharField(source="decision_criterion.code", default="")
    authorization = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = (
            "number",
            "version",
            "kind",
            "channel",
            "urgency",
            "status",
            "member_medicaid_id",
            "site",
            "level_of_care",
            "received_at",
            "due_at",
            "extended_at",
            "deemed_denied_at",
            "requested_start",
            "requested_end",
            "requested_units",
            "diagnoses",
            "clinical",
            "gates",
            "info_requested",
            "info_due_at",
            "decided_at",
            "decision_reason",
            "decision_criterion",
            "decision_note",
            "authorization",
        )

    def get_authorization(self, obj: Request) -> dict[str, Any] | None:
        authorization = Authorization.objects.filter(request=obj).first()
        return AuthorizationOut(authorization).data if authorization else None


class RequestIn(serializers.Serializer):
    medicaid_id = serializers.CharField(max_length=9)
    birth_date = serializers.DateField()
    site = serializers.IntegerField()
    level_of_care = serializers.CharField(max_length=20)
    urgency = serializers.ChoiceField(choices=[Urgency.STANDARD, Urgency.EXPEDITED])
    requested_start = serializers.DateField()
    requested_units = serializers.IntegerField(min_value=1, required=False)
    requested_end = serializers.DateField(required=False)
    diagnoses = serializers.ListField(child=serializers.CharField(max_length=8), min_length=1)
    clinical = serializers.DictField()
    idempotency_key = serializers.CharField(max_length=80, required=False)


class DecisionIn(serializers.Serializer):
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=[DecisionOutcome.APPROVE, DecisionOutcome.PARTIAL, DecisionOutcome.DENY]
    )
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    units = serializers.IntegerField(required=False)
    reason_code = serializers.CharField(required=False, default="")
    criterion_code = serializers.CharField(required=False, default="")
    explanation = serializers.CharField(required=False, default="")
    epsdt_finding = serializers.CharField(required=False, default="")
    epsdt_note = serializers.CharField(required=False, default="")
    note = serializers.CharField(required=False, default="")
    answers = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        help_text="criterion code -> {answer: met|not_met|unknown, note}",
    )


class NoticeOut(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ("id", "kind", "recipient", "language", "subject", "sent_at", "sha256", "body")


def _raise(error: Exception) -> None:
    """Service errors as API answers: 400 with fields, 403, 409 for a stale version."""
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise ValidationError(detail)
    if isinstance(error, DjangoPermissionDenied):
        raise PermissionDenied(str(error))
    raise error


class CanSeePriorAuth(BasePermission):
    message = "Your account cannot see prior-authorization requests."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(
            user.has_perm("authorizations.submit_prior_auth")
            or user.has_perm("authorizations.view_all_requests")
        )


class RequestListCreate(generics.ListAPIView):
    """GET: prior-authorization requests you may see, newest first. POST: request prior authorization."""

    permission_classes = [IsAuthenticated, CanSeePriorAuth]
    serializer_class = RequestOut

    def get_queryset(self) -> QuerySet[Request]:
        return (
            requests_visible_to(user=self.request.user)
            .filter(review_path=ReviewPath.PRIOR_AUTH)
            .select_related("decision_reason", "decision_criterion")
            .order_by("-received_at", "-pk")
        )

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page:
            access_log_record(
                user=self.request.user,
                action=AccessAction.API,
                subject_model=Member,
                subject_ids=sorted({r.member_id for r in page}),
                request=self.request._request,
                purpose="prior-auth API list",
            )
        return page

    @extend_schema(request=RequestIn, responses={201: RequestOut})
    def post(self, request: ApiRequest) -> Response:
        if not request.user.has_perm("authorizations.submit_prior_auth"):
            raise PermissionDenied("You may not request prior authorization.")
        given = RequestIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        member = member_for_intake(medicaid_id=data["medicaid_id"], birth_date=data["birth_date"])
        site = sites_visible_to(user=request.user).filter(pk=data["site"]).first()
        level = level_of_care_by_code(code=data["level_of_care"])
        errors = {}
        if member is None:
            errors["medicaid_id"] = ["No member has this Medicaid id and date of birth."]
        if site is None:
            errors["site"] = ["Unknown site."]
        if level is None:
            errors["level_of_care"] = ["Unknown level of care."]
        if errors:
            raise ValidationError(errors)
        assert member is not None and site is not None and level is not None
        try:
            created = prior_auth_submit(
                acting_user=request.user,
                member=member,
                site=site,
                level_of_care=level,
                urgency=data["urgency"],
                channel=Channel.API,
                requested_start=data["requested_start"],
                requested_units=data.get("requested_units"),
                requested_end=data.get("requested_end"),
                diagnoses=data["diagnoses"],
                clinical=data["clinical"],
                idempotency_key=data.get("idempotency_key")
                or request.headers.get("Idempotency-Key"),
            )
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            _raise(error)
        return Response(RequestOut(created).data, status=status.HTTP_201_CREATED)


class RequestDetail(APIView):
    """One prior-authorization request (404 when it is not yours)."""

    @extend_schema(responses=RequestOut)
    def get(self, request: ApiRequest, number: str) -> Response:
        found = _access(request, number)
        access_log_record(
            user=request.user,
            action=AccessAction.API,
            subject=found.member,
            request=request._request,
            purpose="prior-auth API request",
        )
        return Response(RequestOut(found).data)


def _access(request: ApiRequest, number: str) -> Request:
    from django.http import Http404

    try:
        return access_request(user=request.user, number=number)
    except Http404 as error:
        raise NotFound("No such request.") from error


class RequestDecision(APIView):
    """Decide a request: approve, approve less than requested, or deny. Only a physician advisor may
    deny or approve less; a stale `version` answers 409 and changes nothing."""

    @extend_schema(request=DecisionIn, responses={200: RequestOut, 409: None})
    def post(self, request: ApiRequest, number: str) -> Response:
        found = _access(request, number)
        if not request.user.has_perm("authorizations.review_request"):
            raise PermissionDenied("You may not decide requests.")
        given = DecisionIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version, answers = data.pop("version"), data.pop("answers")
        try:
            decided = request_decide(
                acting_user=request.user,
                request=found,
                expected_version=version,
                decision=Decision(**data),
                answers=answers,
            )
        except RequestConflict as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            _raise(error)
        return Response(RequestOut(decided).data)


class RequestNotices(APIView):
    """The notices sent for a request, exactly as sent."""

    @extend_schema(responses=NoticeOut(many=True))
    def get(self, request: ApiRequest, number: str) -> Response:
        found = _access(request, number)
        access_log_record(
            user=request.user,
            action=AccessAction.API,
            subject=found.member,
            request=request._request,
            purpose="prior-auth API notices",
        )
        return Response(NoticeOut(found.notices.order_by("-sent_at", "pk"), many=True).data)
