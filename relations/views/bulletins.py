"""Provider communications: providers read the bulletins addressed to them; provider relations
publishes them and keeps the history of what was published when."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relations import rules
from relations.models import Bulletin
from relations.provider_forms import BulletinForm
from relations.selectors import (
    access_attachment,
    access_bulletin,
    bulletins_addressed_to,
    bulletins_published,
)
from relations.services import bulletin_mark_read, bulletin_publish, bulletin_update
from relations.views.paging import page_of, query_without_page


def _status(bulletin: Bulletin, today: object) -> str:
    if bulletin.publish_on > today:  # type: ignore[operator]
        return "scheduled"
    if rules.bulletin_is_current(bulletin.publish_on, bulletin.expires_on, today):  # type: ignore[arg-type]
        return "current"
    return "expired"


@require_GET
@permission_required("relations.read_bulletins", raise_exception=True)
def bulletin_list(request: HttpRequest) -> HttpResponse:
    """The current bulletins addressed to the user's organization, unread first."""
    bulletins = bulletins_addressed_to(user=request.user, today=timezone.localdate())
    bulletins.sort(key=lambda b: (b.is_read, -b.publish_on.toordinal(), -b.pk))
    unread = sum(1 for b in bulletins if not b.is_read)
    return render(
        request, "relations/bulletin_list.html", {"bulletins": bulletins, "unread": unread}
    )


@require_GET
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """For a provider it is addressed to, or for publishers (with its read count and history); 404
    for everyone else, whether the bulletin exists or not."""
    today = timezone.localdate()
    bulletin = access_bulletin(user=request.user, pk=pk, today=today)
    publisher = request.user.has_perm("relations.publish_bulletins")
    context = {
        "bulletin": bulletin,
        "attachments": list(bulletin.attachments.all()),
        "publisher": publisher,
        "status": _status(bulletin, today),
        "is_read": bulletin.reads.filter(user=request.user).exists(),
    }
    if publisher:
        context["read_count"] = bulletin.reads.count()
        context["history"] = bulletin.history.select_related("history_user").order_by(
            "-history_date"
        )[:20]
    return render(request, "relations/bulletin_detail.html", context)


@require_POST
def bulletin_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a bulletin addressed to the user's organization read (404 for anyone else)."""
    if not request.user.has_perm("relations.read_bulletins"):
        raise Http404("No such bulletin.")
    bulletin = access_bulletin(user=request.user, pk=pk, today=timezone.localdate())
    bulletin_mark_read(acting_user=request.user, bulletin=bulletin)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse('<span class="badge">Read</span>')
    return redirect("relations:bulletin_detail", pk=pk)


@require_GET
def bulletin_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = access_attachment(user=request.user, pk=pk, today=timezone.localdate())
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@require_GET
@permission_required("relations.publish_bulletins", raise_exception=True)
def bulletin_manage(request: HttpRequest) -> HttpResponse:
    """Every bulletin ever published, newest first: what went out when, to whom, read by how many."""
    page = page_of(request, bulletins_published(user=request.user))
    today = timezone.localdate()
    for bulletin in page:
        bulletin.status = _status(bulletin, today)  # type: ignore[attr-defined]
    context = {"page": page, "query": query_without_page(request)}
    return render(request, "relations/bulletin_manage.html", context)


def _save_bulletin(request: HttpRequest, bulletin: Bulletin | None) -> HttpResponse:
    form = BulletinForm(request.POST or None, request.FILES or None, bulletin=bulletin)
    if request.method == "POST" and form.is_valid():
        attachments = form.cleaned_data["attachments"]
        try:
            if bulletin is None:
                bulletin = bulletin_publish(
                    acting_user=request.user, draft=form.draft(), attachments=attachments
                )
            else:
                bulletin = bulletin_update(
                    acting_user=request.user,
                    bulletin=bulletin,
                    draft=form.draft(),
                    attachments=attachments,
                )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Bulletin saved: {bulletin.title}")
            return redirect("relations:bulletin_detail", pk=bulletin.pk)
    return render(request, "relations/bulletin_form.html", {"form": form, "bulletin": bulletin})


@require_http_methods(["GET", "POST"])
@permission_required("relations.publish_bulletins", raise_exception=True)
def bulletin_create(request: HttpRequest) -> HttpResponse:
    return _save_bulletin(request, None)


@require_http_methods(["GET", "POST"])
@permission_required("relations.publish_bulletins", raise_exception=True)
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_bulletin(
        request, access_bulletin(user=request.user, pk=pk, today=timezone.localdate())
    )
