"""The install coordinators' page: upcoming installs of packet jobs, packets missing
paperwork by technician, and tagging jobs from AutoFile (written back like any correction)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from autofile.accounts.decorators import ANY_ROLE, role_required
from autofile.accounts.models import Organization, Role
from autofile.core.htmx import render_page
from autofile.mirror.models import Job
from autofile.review import extensions, selectors, services
from autofile.review.models import MOVING_STATUSES, Correction
from autofile.review.validation import CorrectionInvalid
from autofile.review.views import is_htmx, organization_of, safe_next, user_of

TEMPLATE = "review/coordinators.html"
TAGGERS = (Role.COORDINATOR, Role.ADMIN)


def _decorate(organization: Organization, jobs: list[Job]) -> None:
    """Give each job `tags` [(st id, name)], `tag_choices` (tags it could get) and
    `last_tag_correction` (the latest tag change made from AutoFile, with its delivery)."""
    all_types = selectors.tag_types_for(organization=organization)
    names = {(t.connection_id, t.st_id): t.name for t in all_types}
    latest = selectors.latest_job_corrections(
        organization=organization, job_ids=sorted({job.pk for job in jobs})
    )
    for job in jobs:
        job.tags = [  # type: ignore[attr-defined]
            (st_id, names.get((job.connection_id, st_id), f"Tag {st_id}"))
            for st_id in job.tag_type_ids
        ]
        job.tag_choices = [  # type: ignore[attr-defined]
            t
            for t in all_types
            if t.active and t.connection_id == job.connection_id and t.st_id not in job.tag_type_ids
        ]
        last = latest.get(job.pk)
        job.last_tag_correction = last  # type: ignore[attr-defined]
        job.moving_corrections = (  # type: ignore[attr-defined]
            [last] if last is not None and last.delivery_status in MOVING_STATUSES else []
        )


@require_GET
@role_required(*ANY_ROLE)
def coordinators(request: HttpRequest) -> HttpResponse:
    """Upcoming installs (next 14 days) with arrival windows and technicians; packets
    missing photos, forms, documents or nameplate data, grouped by technician; a job
    lookup by number to tag or untag any job."""
    organization = organization_of(request)
    installs = selectors.upcoming_installs(organization=organization)
    groups = selectors.packets_missing_documents(organization=organization)
    job_number = request.GET.get("job", "").strip()[:50]
    found = selectors.job_find(organization=organization, job_number=job_number)
    jobs: list[Job] = [a.job for a in installs if a.job is not None] + found
    jobs += [entry.packet.job for group in groups for entry in group.packets]
    _decorate(organization, jobs)
    days: dict[Any, list[Any]] = {}
    for appointment in installs:
        days.setdefault(appointment.start.date() if appointment.start else None, []).append(
            appointment
        )
    corrections: list[Correction] = [
        c
        for job in jobs
        if (c := job.last_tag_correction) is not None  # type: ignore[attr-defined]
    ]
    context = {
        "days": days,
        "install_count": len(installs),
        "groups": groups,
        "missing_count": len({e.packet.pk for g in groups for e in g.packets}),
        "job_number": job_number,
        "found": found,
        "can_tag": request.membership.role in TAGGERS,  # type: ignore[attr-defined]
        "moving": list(
            {c.pk: c for c in corrections if c.delivery_status in MOVING_STATUSES}.values()
        ),
        "here": request.get_full_path(),
        "extension_panels": extensions.coordinator_panels(
            request=request, organization=organization
        ),
    }
    return render_page(request, TEMPLATE, context, partials=("job-lookup",))


@require_POST
@role_required(*TAGGERS)
def job_tag(request: HttpRequest, job_id: int) -> HttpResponse:
    """Tag (op=add) or untag (op=remove) a job; the change goes to ServiceTitan through the
    outbox like any correction. htmx swaps the job's tags in place."""
    organization = organization_of(request)
    job = selectors.job_get(organization=organization, job_id=job_id)
    if job is None:
        raise Http404("No such job")
    adding = request.POST.get("op", "add") != "remove"
    tag_type_id = request.POST.get("tag_type_id", "")
    reason = request.POST.get("reason", "")
    change = services.job_tag_add if adding else services.job_tag_remove
    error = ""
    try:
        change(
            organization=organization,
            user=user_of(request),
            job_id=job.pk,
            tag_type_id=tag_type_id,
            reason=reason,
        )
    except CorrectionInvalid as exc:
        error = " ".join(m for messages_ in exc.message_dict.values() for m in messages_)
    if is_htmx(request):
        job.refresh_from_db()
        _decorate(organization, [job])
        context = {
            "job": job,
            "can_tag": True,
            "tag_error": error,
            "here": safe_next(request, reverse("coordinators:home")),
            "standalone": True,
        }
        return render_page(request, f"{TEMPLATE}#job-tags", context)
    if error:
        messages.error(request, error)
    else:
        verb = "Tagged" if adding else "Untagged"
        messages.success(
            request, f"{verb} job {job.job_number}; the change is on its way to ServiceTitan."
        )
    return redirect(safe_next(request, reverse("coordinators:home")))
