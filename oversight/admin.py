"""Admin: consents with their history (revocation is an edit that keeps the earlier row)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from oversight.models import Consent


@admin.register(Consent)
class ConsentAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "recipient", "scope", "effective", "expires", "revoked_at")
    list_filter = ("recipient", "scope")
    raw_id_fields = ("member",)
