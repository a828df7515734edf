"""POST /x12/278: a 278 interchange in, a 278 response (or a TA1/999 rejection) out.

The body is the X12 text (Content-Type application/edi-x12 or text/plain), or a multipart upload with
the file in `file` (a batch of several transaction sets answers with one interchange). Authentication is
the interoperability list (`interop.auth.SYSTEM_AUTHENTICATION_CLASSES`); the caller must be able to
register services or request prior authorization, and answers only for its own organization's NPIs.
Not in the OpenAPI schema: the payload is X12, documented in docs/x12-278.md.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request as ApiRequest
from rest_framework.views import APIView

from interop.auth import SYSTEM_AUTHENTICATION_CLASSES
from interop.x12.services import interchange_answer, interchange_refuse

CONTENT_TYPE = "application/edi-x12"
SUBMIT = ("authorizations.submit_registration", "authorizations.submit_prior_auth")
NOT_ALLOWED = "Your account cannot send 278 requests."
NOT_TEXT = "Send the 278 as text (UTF-8 or ASCII): the body, or a multipart file in `file`."
EMPTY = "The body is empty: send a 278 interchange (ISA ... IEA)."


class X12Parser(BaseParser):
    media_type = "application/edi-x12"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return stream.read() if stream is not None else b""


class PlainTextParser(X12Parser):
    media_type = "text/plain"


def _text(request: ApiRequest) -> str:
    data = request.data
    if isinstance(data, bytes):
        raw = data
    else:
        upload = data.get("file") if hasattr(data, "get") else None
        if upload is None or isinstance(upload, str):
            raise ParseError(NOT_TEXT)
        raw = upload.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(NOT_TEXT) from error
    if not text.strip():
        raise ParseError(EMPTY)
    return text


class X12278View(APIView):
    authentication_classes = SYSTEM_AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    parser_classes = [X12Parser, PlainTextParser, MultiPartParser, FormParser]

    @extend_schema(exclude=True)
    def post(self, request: ApiRequest) -> HttpResponse:
        if not any(request.user.has_perm(perm) for perm in SUBMIT):
            raise PermissionDenied(NOT_ALLOWED)
        try:
            text = _text(request)
        except ParseError as error:
            interchange_refuse(acting_user=request.user, message=str(error.detail))
            raise
        reply = interchange_answer(
            acting_user=request.user, text=text, http_request=request._request
        )
        return HttpResponse(reply.text, status=reply.status, content_type=CONTENT_TYPE)
