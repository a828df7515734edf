from django.urls import path

from relations.views import beds, bulletins, contacts, grievances, referrals

app_name = "relations"

urlpatterns = [
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/find-member/", contacts.contact_find_member, name="contact_find_member"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/report/", contacts.contact_report, name="contact_report"),
    path("members/<int:pk>/contacts/", contacts.member_contacts, name="member_contacts"),
    path("grievances/", grievances.grievance_queue_view, name="grievance_queue"),
    path("grievances/new/", grievances.grievance_create, name="grievance_create"),
    path("grievances/report/", grievances.grievance_report_view, name="grievance_report"),
    path("grievances/<int:pk>/", grievances.grievance_detail, name="grievance_detail"),
    path(
        "grievances/<int:pk>/acknowledge/",
        grievances.grievance_acknowledge_view,
        name="grievance_acknowledge",
    ),
    path(
        "grievances/<int:pk>/resolve/", grievances.grievance_resolve_view, name="grievance_resolve"
    ),
    path("referrals/", referrals.referral_search_view, name="referral_search"),
    path("referrals/record/", referrals.referral_record_view, name="referral_record"),
    path("bulletins/", bulletins.bulletin_list, name="bulletin_list"),
    path("bulletins/manage/", bulletins.bulletin_manage, name="bulletin_manage"),
    path("bulletins/new/", bulletins.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:pk>/", bulletins.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", bulletins.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/read/", bulletins.bulletin_read, name="bulletin_read"),
    path(
        "bulletins/attachments/<int:pk>/", bulletins.bulletin_attachment, name="bulletin_attachment"
    ),
    path("beds/", beds.bed_board_view, name="bed_board"),
    path("beds/sites/", beds.bed_sites, name="bed_sites"),
    path("beds/sites/<int:pk>/report/", beds.bed_report, name="bed_report"),
]
