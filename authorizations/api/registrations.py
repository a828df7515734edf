"""Registration API for provider systems: POST /api/v1/registrations, GET /api/v1/registrations/{number},
GET /api/v1/authorizations (filters), GET /api/v1/authorizations/{number}, and
POST /api/v1/authorizations/{number}/extensions.

Token or session authentication; the same rules (the registration service) and the same visibility
(the authorizations selectors: another organization's numbers answer 404) as the web pages. An
`Idempotency-Key` header makes a retried POST answer with the first result instead of registering twice.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from authorizations.api.registration_serializers import (
    AuthorizationSerializer,
    ErrorSerializer,
    ExtensionInSerializer,
    RegistrationErrorSerializer,
    RegistrationInSerializer,
    RegistrationSerializer,
    registration_data,
)
from authorizations.choices import AuthorizationStatus, Channel, RequestStatus
from authorizations.models import Authorization
from authorizations.selectors import (
    access_authorization,
    access_request,
    authorizations_visible_to,
)
from authorizations.services.registration import (
    NOT_ALLOWED,
    RegistrationInputError,
    RegistrationResult,
    registration_extend,
    registration_submit,
)
from members.models import Member

SUBMIT = "authorizations.submit_registration"
VIEW_ALL = "authorizations.view_all_requests"
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_SHAPE = re.compile(r"^[\x21-\x7e]{1,80}$")
BAD_KEY = "An Idempotency-Key is 1 to 80 visible ASCII characters."
# Service field names -> API field names.
API_FIELDS = {"start": "start_date", "member": "member_id"}
REFUSED = "The registration was refused: see the reasons."

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key of your choosing per registration. Sending the same key again (a retry) answers with "
        "the first result and registers nothing new; the same key with a different body is a 400."
    ),
)
DECISION_RESPONSES = {
    201: OpenApiResponse(
        RegistrationSerializer, "Approved: the authorization is in `authorization`."
    ),
    202: OpenApiResponse(RegistrationSerializer, "Passed the rules; sent to ASO staff review."),
    400: OpenApiResponse(
        RegistrationErrorSerializer,
        "Bad input (messages per field; nothing saved), or refused by the rules (every reason per "
        "field, and the refused request, kept on record, under `registration`).",
    ),
    403: OpenApiResponse(ErrorSerializer, "Not signed in, or no registration capability."),
}


class CanListAuthorizations(BasePermission):
    message = "Your account cannot see registrations or authorizations."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user.has_perm(SUBMIT) or request.user.has_perm(VIEW_ALL))


def _idempotency_key(request: ApiRequest) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not KEY_SHAPE.match(key):
        raise ValidationError({"idempotency_key": [BAD_KEY]})
    return key


def _require_submit(request: ApiRequest) -> None:
    if not request.user.has_perm(SUBMIT):
        raise PermissionDenied(NOT_ALLOWED)


def _input_errors(error: RegistrationInputError) -> ValidationError:
    return ValidationError({API_FIELDS.get(k, k): v for k, v in error.message_dict.items()})


def _decision_response(request: ApiRequest, result: RegistrationResult) -> Response:
    """201 approved, 202 sent to review, 400 refused (every reason, per field)."""
    registration = result.request
    access_log_record(
        user=request.user,
        action=AccessAction.API,
        subject=registration.member,
        request=request._request,
        purpose="registration",
    )
    body: dict[str, Any] = {}
    headers = {REPLAYED_HEADER: "true"} if result.replayed else {}
    data = registration_data(registration)
    if registration.status == RequestStatus.REFUSED:
        for reason in registration.refusals:
            field = API_FIELDS.get(reason["field"], reason["field"]) or "non_field_errors"
            body.setdefault(field, []).append(reason["message"])
        body["registration"] = data
        return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=headers)
    if result.authorization is not None:
        url = reverse("registrations_api:authorization_detail", args=[result.authorization.number])
        return Response(data, status=status.HTTP_201_CREATED, headers={**headers, "Location": url})
    url = reverse("registrations_api:registration_detail", args=[registration.number])
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={**headers, "Location": url})


class RegistrationCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="registration_create",
        summary="Register a service",
        request=RegistrationInSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses=DECISION_RESPONSES,
        tags=["registrations"],
    )
    def post(self, request: ApiRequest) -> Response:
        _require_submit(request)
        key = _idempotency_key(request)
        given = RegistrationInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            result = registration_submit(
                acting_user=request.user,
                member=data["member"],
                site_id=data["site"],
                level_of_care=data["level_of_care"],
                start=data["start_date"],
                units=data.get("units"),
                diagnoses=data["diagnoses"],
                channel=Channel.API,
                idempotency_key=key,
            )
        except RegistrationInputError as error:
            raise _input_errors(error) from error
        return _decision_response(request, result)


class RegistrationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="registration_retrieve",
        summary="A registration and its decision",
        responses={200: RegistrationSerializer, 404: ErrorSerializer},
        tags=["registrations"],
    )
    def get(self, request: ApiRequest, number: str) -> Response:
        registration = access_request(user=request.user, number=number)
        access_log_record(
            user=request.user,
            action=AccessAction.API,
            subject=registration.member,
            request=request._request,
            purpose="registration",
        )
        return Response(RegistrationSerializer(registration).data)


class AuthorizationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AuthorizationStatus.choices)
    level_of_care = django_filters.CharFilter(
        field_name="level_of_care__code", help_text="Level of care code."
    )
    site = django_filters.NumberFilter(field_name="site_id", help_text="Site id.")
    start_after = django_filters.DateFilter(field_name="start", lookup_expr="gte")
    start_before = django_filters.DateFilter(field_name="start", lookup_expr="lte")
    active_on = django_filters.DateFilter(method="covering", help_text="Covers this date.")

    class Meta:
        model = Authorization
        fields: list[str] = []

    def covering(self, queryset: QuerySet[Authorization], name: str, value: Any) -> Any:
        return queryset.filter(start__lte=value, end__gte=value)


def _with_chain(authorizations: QuerySet[Authorization]) -> QuerySet[Authorization]:
    return authorizations.select_related("previous").prefetch_related(
        Prefetch("extensions", queryset=Authorization.objects.only("number", "previous_id"))
    )


class AuthorizationListView(generics.ListAPIView):
    """Authorizations of your organization (all of them for clinical staff), newest start first."""

    permission_classes = [IsAuthenticated, CanListAuthorizations]
    serializer_class = AuthorizationSerializer
    filterset_class = AuthorizationFilter

    def get_queryset(self) -> QuerySet[Authorization]:
        visible = authorizations_visible_to(user=self.request.user)
        return _with_chain(visible).order_by("-start", "-pk")

    @extend_schema(operation_id="authorization_list", tags=["authorizations"])
    def get(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page:
            access_log_record(
                user=self.request.user,
                action=AccessAction.API,
                subject_model=Member,
                subject_ids=sorted({a.member_id for a in page}),
                request=self.request._request,
                purpose="authorizations list",
            )
        return page


class AuthorizationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="authorization_retrieve",
        summary="An authorization",
        responses={200: AuthorizationSerializer, 404: ErrorSerializer},
        tags=["authorizations"],
    )
    def get(self, request: ApiRequest, number: str) -> Response:
        authorization = access_authorization(user=request.user, number=number)
        authorization = (
            _with_chain(Authorization.objects.filter(pk=authorization.pk))
            .select_related("member", "site", "level_of_care", "request")
            .get()
        )
        access_log_record(
            user=request.user,
            action=AccessAction.API,
            subject=authorization.member,
            request=request._request,
            purpose="authorization",
        )
        return Response(AuthorizationSerializer(authorization).data)


class AuthorizationExtendView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="authorization_extend",
        summary="Ask for more units or time on an active authorization",
        request=ExtensionInSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={**DECISION_RESPONSES, 404: ErrorSerializer},
        tags=["authorizations"],
    )
    def post(self, request: ApiRequest, number: str) -> Response:
        authorization = access_authorization(user=request.user, number=number)
        _require_submit(request)
        key = _idempotency_key(request)
        given = ExtensionInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            result = registration_extend(
                acting_user=request.user,
                authorization=authorization,
                start=data.get("start_date"),
                units=data.get("units"),
                diagnoses=data.get("diagnoses") or None,
                channel=Channel.API,
                idempotency_key=key,
            )
        except RegistrationInputError as error:
            raise _input_errors(error) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return _decision_response(request, result)
