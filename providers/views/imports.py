"""Provider-file imports for network operations: upload, change report page, xlsx, apply."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aso.core.jobs import live_progress
from providers.choices import ChangeAction, ImportStatus
from providers.forms import ImportUploadForm
from providers.imports.report import report_xlsx
from providers.imports.runs import provider_import_apply_request, provider_import_start
from providers.selectors import access_import, import_changes, imports_visible_to

MANAGE = "providers.manage_provider_file"
PAGE_SIZE = 100


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied("Only network operations run provider-file imports.")


@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports so far, and the form to upload a new file."""
    _require_manager(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        provider_import = provider_import_start(
            acting_user=request.user,
            source=data["source"],
            upload=upload,
            file_name=upload.name,
            file_date=data["file_date"],
            full_file=data["full_file"],
            apply=data["apply_now"],
        )
        messages.success(request, f"{upload.name} was received: the change report is on its way.")
        return redirect("providers:import_detail", provider_import.pk)
    imports = list(imports_visible_to(user=request.user)[:50])
    return render(request, "providers/import_list.html", {"form": form, "imports": imports})


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The change report of an import, filtered by action and paginated; polls while its job runs."""
    provider_import = access_import(user=request.user, pk=pk)
    action = request.GET.get("action", "")
    if action not in ChangeAction.values:
        action = ""
    paginator = Paginator(import_changes(provider_import=provider_import, action=action), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    job = provider_import.job
    progress, message = live_progress(job) if job else (0, "")
    context = {
        "imp": provider_import,
        "counts": [(k.replace("_", " "), v) for k, v in provider_import.counts.items()],
        "page": page,
        "action": action,
        "actions": ChangeAction.choices,
        "job": job,
        "progress": progress,
        "message": message,
        "running": provider_import.status == ImportStatus.QUEUED,
        "can_apply": provider_import.status == ImportStatus.READY,
    }
    return render(request, "providers/import_detail.html", context)


@require_GET
def import_download(request: HttpRequest, pk: int) -> FileResponse:
    """The change report as an xlsx workbook."""
    provider_import = access_import(user=request.user, pk=pk)
    buffer = io.BytesIO()
    report_xlsx(provider_import, buffer)
    buffer.seek(0)
    name = f"provider-import-{provider_import.pk}-report.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name)


@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a reviewed change report (a job; refused if the provider file changed since)."""
    provider_import = access_import(user=request.user, pk=pk)
    try:
        provider_import_apply_request(acting_user=request.user, provider_import=provider_import)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Applying the changes.")
    return redirect("providers:import_detail", provider_import.pk)
