"""URLs of prior authorization and clinical review: pages (namespace `review`) and the API
(namespace `review_api`, under /api/v1/prior-auth/)."""

from django.urls import include, path

from authorizations import converters  # noqa: F401  (registers um_number)
from authorizations.api import review as api
from authorizations.views.review import detail, followup, intake, metrics, queue

pages = [
    path("queue/", queue.queue, name="queue"),
    path("intake/phone/", intake.intake_phone, name="intake_phone"),
    path("requests/", intake.request_list, name="request_list"),
    path("requests/new/", intake.request_new, name="request_new"),
    path("requests/<um_number:number>/", detail.request_detail, name="request_detail"),
    path("requests/<um_number:number>/review/", detail.request_review, name="request_review"),
    path("requests/<um_number:number>/claim/", detail.request_claim_view, name="request_claim"),
    path("requests/<um_number:number>/assign/", detail.request_assign_view, name="request_assign"),
    path("requests/<um_number:number>/extend/", detail.request_extend_view, name="request_extend"),
    path("requests/<um_number:number>/information/", detail.request_info_view, name="request_info"),
    path(
        "requests/<um_number:number>/continued-stay/",
        intake.request_concurrent,
        name="request_concurrent",
    ),
    path("requests/<um_number:number>/appeal/", followup.appeal_new, name="appeal_new"),
    path(
        "requests/<um_number:number>/peer-to-peer/", followup.p2p_request_view, name="p2p_request"
    ),
    path("peer-to-peer/<int:pk>/schedule/", followup.p2p_schedule_view, name="p2p_schedule"),
    path("peer-to-peer/<int:pk>/record/", followup.p2p_record_view, name="p2p_record"),
    path("episodes/<int:pk>/discharge/", followup.episode_discharge_view, name="episode_discharge"),
    path("notices/<int:pk>/", followup.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", followup.notice_pdf_view, name="notice_pdf"),
    path("appeals/", followup.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", followup.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/decide/", followup.appeal_decide_view, name="appeal_decide"),
    path("metrics/prior-authorization/", metrics.pa_metrics, name="pa_metrics"),
    path(
        "metrics/prior-authorization/export/", metrics.pa_metrics_export, name="pa_metrics_export"
    ),
]

api_patterns = [
    path("requests/", api.RequestListCreate.as_view(), name="request-list"),
    path("requests/<um_number:number>/", api.RequestDetail.as_view(), name="request-detail"),
    path(
        "requests/<um_number:number>/decision/",
        api.RequestDecision.as_view(),
        name="request-decision",
    ),
    path(
        "requests/<um_number:number>/notices/", api.RequestNotices.as_view(), name="request-notices"
    ),
]

urlpatterns = [
    path("review/", include((pages, "review"))),
    path("api/v1/prior-auth/", include((api_patterns, "review_api"))),
]
