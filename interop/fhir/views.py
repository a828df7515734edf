"""FHIR endpoints (thin): parse, map through the services, answer in FHIR JSON. Every call leaves an
ApiCall row; every answer showing member data an AccessLog row. Errors are OperationOutcomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from interop.auth import SYSTEM_AUTHENTICATION_CLASSES
from interop.fhir import systems
from interop.fhir.capability import capability_statement, services_list
from interop.fhir.coverage import coverage_bundle, coverage_member
from interop.fhir.mapping import SUBMIT_PERMS, inquire, submit
from interop.fhir.outcome import FhirProblem, Issue, operation_outcome
from interop.fhir.parse import NOT_JSON, bundle_read, claim_read
from interop.fhir.response import claim_response, response_bundle
from interop.models import ApiCall
from members.models import Member

ISSUE_FOR_STATUS = {401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported"}
INQUIRE_PERMS = (*SUBMIT_PERMS, "authorizations.view_all_requests")
COVERAGE_PERMS = ("members.check_eligibility", "members.view_member_data")
BAD_PATIENT = "Give patient=<the Patient id of a ClaimResponse> (a number)."
FORMATS = ("json", "application/json", "application/fhir+json")
BAD_FORMAT = "_format: only JSON is offered (json, application/json, application/fhir+json)."
BAD_ON = "on: give a date as YYYY-MM-DD."
FORMAT_PARAMETER = OpenApiParameter(
    "_format", OpenApiTypes.STR, enum=list(FORMATS), required=False, description="JSON only."
)


class FhirJsonParser(JSONParser):
    media_type = systems.FHIR_JSON


class FhirJsonRenderer(JSONRenderer):
    media_type = systems.FHIR_JSON
    format = "fhir"


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None


class FhirNegotiation(DefaultContentNegotiation):
    """FHIR JSON whatever is asked: no `?format=` override (a 404 in DRF), and an Accept header we
    cannot honour gets FHIR JSON rather than a 406."""

    settings = _NoFormatOverride()

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        try:
            return super().select_renderer(request, renderers, None)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


FHIR_BODY = {systems.FHIR_JSON: OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT}
OUTCOME = OpenApiResponse(
    OpenApiTypes.OBJECT, "OperationOutcome: every problem, with its FHIRPath."
)


class FhirView(APIView):
    authentication_classes = SYSTEM_AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    parser_classes = [FhirJsonParser, JSONParser]
    renderer_classes = [FhirJsonRenderer]  # one format: no `?format=` parameter in the schema
    content_negotiation_class = FhirNegotiation
    operation = ""

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.numbers: list[str] = []
        self.issue_count = 0
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        """FHIR problems and DRF's own refusals (401, 403, 405, ...) as OperationOutcomes."""
        if isinstance(exc, FhirProblem):
            self.issue_count = len(exc.issues)
            return Response(operation_outcome(exc.issues), status=exc.status)
        if isinstance(exc, exceptions.ParseError):  # the OAuth2 check reads the body first
            exc = FhirProblem([Issue("structure", NOT_JSON)])
            return self.handle_exception(exc)
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.APIException):
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            code = ISSUE_FOR_STATUS.get(response.status_code, "processing")
            response.data = operation_outcome([Issue(code, str(detail))])
            self.issue_count = 1
        return response

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.operation:
            user = getattr(request, "user", None)
            token = getattr(request, "auth", None)
            application = getattr(token, "application", None)
            ApiCall.objects.create(
                user=user if user is not None and user.is_authenticated else None,
                client_id=getattr(application, "client_id", "")[:100],
                operation=self.operation,
                status_code=response.status_code,
                outcome=_outcome_of(response),
                request_numbers=getattr(self, "numbers", []),
                issue_count=getattr(self, "issue_count", 0),
            )
        return response


def _outcome_of(response: Any) -> str:
    data = getattr(response, "data", None)
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        entries = data.get("entry") or []
        first = entries[0]["resource"] if entries else {}
        return str(first.get("outcome", "match"))[:20]
    return "error" if response.status_code >= 400 else ""


def _require(user: Any, perms: tuple[str, ...], message: str) -> None:
    if not any(user.has_perm(p) for p in perms):
        raise FhirProblem([Issue("forbidden", message)], 403)


class ClaimSubmitView(FhirView):
    """POST /fhir/Claim/$submit: a PAS request Bundle in, a ClaimResponse Bundle out."""

    operation = "Claim/$submit"

    @extend_schema(
        operation_id="fhir_claim_submit",
        summary="Request an authorization (Da Vinci PAS Claim/$submit)",
        description=(
            "Body: a PAS request Bundle (FHIR R4, type collection, Claim with use preauthorization "
            "first). Answer: a Bundle with the ClaimResponse (approved with the authorization "
            "number, not certified with reasons, or pended), or an OperationOutcome. docs/api.md."
        ),
        request=FHIR_BODY,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, "PAS response Bundle with a ClaimResponse."),
            400: OUTCOME,
            401: OUTCOME,
            403: OUTCOME,
            413: OUTCOME,
        },
        tags=["fhir"],
    )
    def post(self, request: ApiRequest) -> Response:
        _require(request.user, SUBMIT_PERMS, "This client may not request authorizations.")
        pas = claim_read(bundle_read(request.body))
        recorded = submit(user=request.user, pas=pas)
        self.numbers = [recorded.number]
        access_log_record(
            user=request.user,
            action=AccessAction.API,
            subject=recorded.member,
            request=request._request,
            purpose="FHIR Claim/$submit",
        )
        body = claim_response(recorded, claim_identifier=pas.claim_identifier)
        return Response(response_bundle([body]))


class ClaimInquireView(FhirView):
    """POST /fhir/Claim/$inquire: the current state of earlier requests of the caller's organization."""

    operation = "Claim/$inquire"

    @extend_schema(
        operation_id="fhir_claim_inquire",
        summary="Status of an earlier request (Da Vinci PAS Claim/$inquire)",
        description=(
            "Body: a PAS inquiry Bundle: a Claim with the identifier sent on $submit (or our "
            "request number, system " + systems.REQUEST_NUMBER + "), the Patient and the provider. "
            "Answer: a Bundle of ClaimResponses, or an OperationOutcome (404 when no request of your "
            "organization matches)."
        ),
        request=FHIR_BODY,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT),
            400: OUTCOME,
            403: OUTCOME,
            404: OUTCOME,
        },
        tags=["fhir"],
    )
    def post(self, request: ApiRequest) -> Response:
        _require(request.user, INQUIRE_PERMS, "This client may not inquire about requests.")
        pas = claim_read(bundle_read(request.body), inquiry=True)
        found = inquire(user=request.user, pas=pas)
        self.numbers = [r.number for r in found]
        access_log_record(
            user=request.user,
            action=AccessAction.API,
            subject_model=Member,
            subject_ids=sorted({r.member_id for r in found}),
            request=request._request,
            purpose="FHIR Claim/$inquire",
        )
        responses = [claim_response(r, claim_identifier=r.idempotency_key) for r in found]
        return Response(response_bundle(responses))


class CoverageSearchView(FhirView):
    """GET /fhir/Coverage?patient=<id>: the member's eligibility spans."""

    operation = "Coverage?patient"

    @extend_schema(
        operation_id="fhir_coverage_search",
        summary="A member's coverage (eligibility spans)",
        parameters=[
            OpenApiParameter(
                "patient",
                OpenApiTypes.STR,
                required=True,
                description="Patient id from a ClaimResponse (patient.reference), e.g. 42 or Patient/42.",
            )
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, "searchset Bundle"),
            400: OUTCOME,
            401: OUTCOME,
            403: OUTCOME,
        },
        tags=["fhir"],
    )
    def get(self, request: ApiRequest) -> Response:
        _require(request.user, COVERAGE_PERMS, "This client may not read coverage.")
        raw = str(request.query_params.get("patient", "")).removeprefix("Patient/")
        if not raw.isdigit() or len(raw) > 12:
            raise FhirProblem([Issue("value", BAD_PATIENT, "patient")])
        member = coverage_member(user=request.user, pk=int(raw))
        access_log_record(
            user=request.user,
            action=AccessAction.SEARCH,
            subject_model=Member,
            subject_ids=[member.pk] if member else [],
            request=request._request,
            purpose="FHIR Coverage search",
        )
        return Response(coverage_bundle(member))


class MetadataView(FhirView):
    """GET /fhir/metadata: the CapabilityStatement (public)."""

    operation = ""  # public and read-only: not audited, so anonymous callers cannot fill the table
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="fhir_metadata",
        summary="CapabilityStatement",
        parameters=[FORMAT_PARAMETER],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 400: OUTCOME},
        tags=["fhir"],
        auth=[],
    )
    def get(self, request: ApiRequest) -> Response:
        if request.query_params.get("_format", "json") not in FORMATS:
            raise FhirProblem([Issue("not-supported", BAD_FORMAT, "_format")])
        return Response(capability_statement())


class ServicesView(FhirView):
    """GET /fhir/prior-authorization-services: what needs prior authorization (public)."""

    operation = ""  # public and read-only, as metadata
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="fhir_prior_authorization_services",
        summary="Services that need prior authorization or registration, codes and documentation",
        parameters=[
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                required=False,
                description="The rules in force on this date (default: today, New York).",
            )
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 400: OUTCOME},
        examples=[OpenApiExample("IP_PSY", value={"level_of_care": "IP_PSY"})],
        tags=["fhir"],
        auth=[],
    )
    def get(self, request: ApiRequest) -> Response:
        on = timezone.localdate()
        if "on" in request.query_params:
            try:
                on = dt.date.fromisoformat(str(request.query_params["on"]))
            except ValueError:
                raise FhirProblem([Issue("value", BAD_ON, "on")]) from None
        return Response({"as_of": on.isoformat(), "services": services_list(on=on)})
