"""The project's URLs plus GET /bench/ping: a trivial endpoint behind the same authentication (token),
permission check and middleware as the API, so the benchmark's baseline is the platform's floor."""

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aso.urls import urlpatterns as project_urlpatterns


class Ping(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"ok": True, "user": request.user.get_username()})


urlpatterns = [*project_urlpatterns, path("bench/ping", Ping.as_view(), name="bench-ping")]
