"""Outreach services: asking homeowners and technicians, and taking in what they give.

A homeowner's answers land on the packet as soon as each step is submitted: documents as
`PacketDocument`s (origin "uploaded by the homeowner via request #12") queued for upload to
the job's attachments in ServiceTitan, contact details as corrections through review's
correction path (so they reach ServiceTitan with the AutoFile tag), the utility account
number on the install location; then the packet is validated again at once.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Employee, Technician
from autofile.outreach import tokens
from autofile.outreach.mail import mail_send
from autofile.outreach.models import (
    ITEM_ORDER,
    OPEN_STATES,
    HomeownerRequest,
    Item,
    MailAttempt,
    OutreachSettings,
    RequestState,
    Signature,
    TechnicianRequest,
)
from autofile.outreach.pdf import signed_form_pdf
from autofile.outreach.uploads import Upload, UploadRefused, upload_read
from autofile.packets.models import FINAL_STATUSES, Packet, PacketDocument, ProgramRequirement
from autofile.packets.services import packets_inputs_changed
from autofile.review import selectors as review_selectors
from autofile.review import services as review_services
from autofile.writeback.models import OutboxKind
from autofile.writeback.services import outbox_enqueue

logger = logging.getLogger(__name__)

Kind = PacketDocument.Kind

__all__ = [
    "OutreachRefused",
    "UploadRefused",
    "homeowner_request_cancel",
    "homeowner_request_create",
    "homeowner_request_open",
    "homeowner_request_resend",
    "outreach_settings_get",
    "outreach_settings_update",
    "request_answer_contact",
    "request_answer_document",
    "request_answer_income",
    "request_answer_signature",
    "request_answer_utility_account",
    "request_mail_send",
    "requests_remind",
    "technician_requests_send",
]


class OutreachRefused(Exception):
    """The action cannot be done; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- settings ---------------------------------------------------------------------------------


def outreach_settings_get(*, organization: Organization) -> OutreachSettings:
    found, _ = OutreachSettings.objects.get_or_create(organization=organization)
    return found


def outreach_settings_update(
    *,
    organization: Organization,
    reminder_days: Sequence[int],
    link_days: int,
    show_filing_status: bool,
) -> OutreachSettings:
    row = outreach_settings_get(organization=organization)
    row.reminder_days = sorted({int(d) for d in reminder_days if int(d) > 0})
    row.link_days = link_days
    row.show_filing_status = show_filing_status
    row.save()
    return row


def _next_reminder(request: HomeownerRequest, days: Sequence[int]) -> dt.datetime | None:
    """When the next reminder is due: the n-th configured day after the first send, if it
    comes before the link expires."""
    if request.sent_at is None or request.reminders_sent >= len(days):
        return None
    due = request.sent_at + dt.timedelta(days=sorted(days)[request.reminders_sent])
    return due if due < request.expires_at else None


# --- creating, sending, resending, cancelling -----------------------------------------------------


def link_url(request: HomeownerRequest) -> str:
    from django.urls import reverse

    base = (getattr(settings, "OUTREACH_PUBLIC_URL", "") or request.link_base).rstrip("/")
    return base + reverse(
        "outreach_public:start", args=[tokens.link_token(request.pk, request.token_nonce)]
    )


def homeowner_request_create(
    *,
    organization: Organization,
    user: User | None,
    packet: Packet,
    email: str,
    recipient_name: str,
    items: Iterable[str],
    requirements: dict[str, int],
    message: str = "",
    link_base: str = "",
) -> HomeownerRequest:
    """Record a request (the caller then sends it with `request_mail_send`)."""
    if packet.organization_id != organization.pk:
        raise Http404("No such packet")
    if packet.status in FINAL_STATUSES:
        raise OutreachRefused("This packet is closed; nothing can be asked for it any more.")
    wanted = [item for item in ITEM_ORDER if item in set(items)]
    if not wanted:
        raise OutreachRefused("Choose at least one thing to ask for.")
    config = outreach_settings_get(organization=organization)
    nonce = tokens.new_nonce()
    with transaction.atomic():
        request = HomeownerRequest.objects.create(
            organization=organization,
            packet=packet,
            email=email.strip(),
            recipient_name=recipient_name.strip()[:300],
            items=wanted,
            requirements={k: v for k, v in requirements.items() if k in wanted},
            message=message.strip(),
            link_base=link_base,
            token_hash="pending-" + nonce,
            token_nonce=nonce,
            expires_at=timezone.now() + dt.timedelta(days=config.link_days),
            created_by=user if user is not None and user.is_authenticated else None,
        )
        request.token_hash = tokens.secret_hash(tokens.link_secret(request.pk, nonce))
        request.save(update_fields=["token_hash"])
    return request


def _mail_context(request: HomeownerRequest) -> dict[str, Any]:
    packet = request.packet
    return {
        "request": request,
        "contractor": request.organization.name,
        "program": packet.program,
        "items": [Item(item).label for item in request.remaining],
        "link": link_url(request),
        "expires_at": request.expires_at,
    }


def request_mail_send(*, request_id: int, purpose: str = MailAttempt.Purpose.FIRST) -> bool:
    """E-mail the request's link (first time, a reminder, or again); SMTP's answer is
    recorded on the request: a refused address marks it bounced. Call outside transactions."""
    request = HomeownerRequest.objects.select_related(
        "organization", "packet", "packet__program"
    ).get(pk=request_id)
    subject = f"{request.organization.name} needs a few details for your rebate"
    if purpose == MailAttempt.Purpose.REMINDER:
        subject = f"Reminder: {subject}"
    result = mail_send(
        to=request.email,
        subject=subject,
        template="outreach/email/homeowner_request",
        context={**_mail_context(request), "reminder": purpose == MailAttempt.Purpose.REMINDER},
    )
    MailAttempt.objects.create(request=request, purpose=purpose, ok=result.ok, error=result.error)
    now = timezone.now()
    config = outreach_settings_get(organization=request.organization)
    if result.ok:
        changes: dict[str, Any] = {"last_error": ""}
        if request.sent_at is None or purpose == MailAttempt.Purpose.RESEND:
            changes["sent_at"] = request.sent_at or now
        if request.state in (RequestState.FAILED, RequestState.BOUNCED):
            changes["state"] = RequestState.SENT
        for name, value in changes.items():
            setattr(request, name, value)
        if purpose != MailAttempt.Purpose.REMINDER or request.next_reminder_at is None:
            request.next_reminder_at = _next_reminder(request, config.reminder_days)
        changes["next_reminder_at"] = request.next_reminder_at
        HomeownerRequest.objects.filter(pk=request.pk).update(updated_at=now, **changes)
        return True
    state = RequestState.BOUNCED if result.bounced else RequestState.FAILED
    HomeownerRequest.objects.filter(pk=request.pk).exclude(state=RequestState.ANSWERED).update(
        state=state, last_error=result.error[:2000], next_reminder_at=None, updated_at=now
    )
    return False


def _locked_request(organization: Organization, request_id: int) -> HomeownerRequest:
    try:
        return HomeownerRequest.objects.select_for_update().get(
            organization=organization, pk=request_id
        )
    except HomeownerRequest.DoesNotExist:
        raise Http404("No such request") from None


def homeowner_request_resend(*, organization: Organization, request_id: int) -> HomeownerRequest:
    """Send the link again (an expired, bounced or failed request gets a fresh expiry and
    the reminders start over); the caller then calls `request_mail_send(purpose=resend)`."""
    with transaction.atomic():
        request = _locked_request(organization, request_id)
        if request.state in (RequestState.ANSWERED, RequestState.CANCELLED):
            raise OutreachRefused(
                f"Request #{request.pk} is {request.get_state_display().lower()}; "
                "send a new one instead."
            )
        now = timezone.now()
        config = outreach_settings_get(organization=organization)
        if request.state != RequestState.OPENED:
            request.state = RequestState.SENT
        if request.expires_at <= now or request.state == RequestState.SENT:
            request.expires_at = now + dt.timedelta(days=config.link_days)
            request.sent_at = now
            request.reminders_sent = 0
        request.save()
    return request


def homeowner_request_cancel(*, organization: Organization, request_id: int) -> HomeownerRequest:
    """Stop the request: its link stops working at once (the nonce is replaced) and no
    reminder goes out."""
    with transaction.atomic():
        request = _locked_request(organization, request_id)
        if request.state == RequestState.ANSWERED:
            raise OutreachRefused(f"Request #{request.pk} is answered already.")
        nonce = tokens.new_nonce()
        request.state = RequestState.CANCELLED
        request.cancelled_at = timezone.now()
        request.next_reminder_at = None
        request.token_nonce = nonce
        request.token_hash = tokens.secret_hash(tokens.link_secret(request.pk, nonce))
        request.save()
    return request


# --- the homeowner's side ------------------------------------------------------------------------


def homeowner_request_open(*, request: HomeownerRequest) -> None:
    """The homeowner opened the link: remember when, the first time."""
    if request.opened_at is None:
        now = timezone.now()
        HomeownerRequest.objects.filter(pk=request.pk, opened_at__isnull=True).update(
            opened_at=now, updated_at=now
        )
        HomeownerRequest.objects.filter(pk=request.pk, state=RequestState.SENT).update(
            state=RequestState.OPENED
        )
        request.opened_at = now
        if request.state == RequestState.SENT:
            request.state = RequestState.OPENED


def _check_open(request: HomeownerRequest, item: str) -> HomeownerRequest:
    """The request, locked, if it still takes this answer."""
    locked = HomeownerRequest.objects.select_for_update().get(pk=request.pk)
    if locked.state not in OPEN_STATES or locked.expires_at <= timezone.now():
        raise OutreachRefused("This link no longer takes answers.")
    if item not in locked.items:
        raise OutreachRefused("This request does not ask for that.")
    return locked


def _item_done(request: HomeownerRequest, item: str, answer: Any = None) -> None:
    if item not in request.done:
        request.done = [*request.done, item]
    if answer is not None:
        request.answers = {**request.answers, item: answer}
    if not request.remaining:
        request.state = RequestState.ANSWERED
        request.answered_at = timezone.now()
        request.next_reminder_at = None
    request.save()


def _revalidate(packet_id: int) -> None:
    """The homeowner's input is an input of the packet: mark it and check it again now."""
    packet = Packet.objects.select_related("organization").get(pk=packet_id)
    packets_inputs_changed(organization=packet.organization, packet_ids=[packet.pk])


def _document_name(request: HomeownerRequest, item: str, extension: str, default: str) -> str:
    """A file name the requirement the item answers recognizes (its first pattern with the
    wildcards filled), else `default`; the request number keeps names apart."""
    stem = default
    requirement_id = request.requirements.get(item)
    if requirement_id:
        requirement = ProgramRequirement.objects.filter(
            pk=requirement_id, organization_id=request.organization_id
        ).first()
        if requirement is not None and requirement.pattern:
            first = requirement.pattern.split(",")[0].strip()
            filled = first.replace("*", "").replace("?", "x").strip(" -_.")
            if filled:
                stem = filled
    count = PacketDocument.objects.filter(
        packet_id=request.packet_id, origin=request.origin
    ).count()
    return f"{stem}-request-{request.pk}-{count + 1}{extension}"


def _document_save(
    request: HomeownerRequest, *, kind: str, item: str, upload: Upload, default_name: str
) -> PacketDocument:
    """Keep the file on the packet and queue its upload to the job's attachments."""
    packet = Packet.objects.select_related("job", "job__connection").get(pk=request.packet_id)
    name = _document_name(request, item, upload.extension, default_name)
    document = PacketDocument(
        organization_id=request.organization_id,
        packet=packet,
        kind=kind,
        name=name,
        content_type=upload.content_type,
        size=len(upload.content),
        sha256=upload.sha256,
        origin=("uploaded" if kind != Kind.SIGNED_FORM else "signed")
        + f" by the homeowner via request #{request.pk}",
    )
    document.file.save(name, ContentFile(upload.content), save=False)
    document.save()
    job = packet.job
    outbox_enqueue(
        connection=job.connection,
        kind=OutboxKind.JOB_ATTACHMENT_UPLOAD,
        target_key=f"job:{job.st_id}",
        target_st_id=job.st_id,
        payload={"document_id": document.pk, "fileName": name, "contentType": upload.content_type},
        new_values={"fileName": name},
    )
    return document


def request_answer_document(
    *, request: HomeownerRequest, item: str, content: bytes, finished: bool = True
) -> PacketDocument:
    """A utility bill (PDF or photo) or a photo; `finished` False keeps the photos step open
    for another one."""
    if item not in (Item.UTILITY_BILL, Item.PHOTOS):
        raise OutreachRefused("This step takes no file.")
    upload = upload_read(content, images_only=item == Item.PHOTOS)
    with transaction.atomic():
        locked = _check_open(request, item)
        kind = Kind.UTILITY_BILL if item == Item.UTILITY_BILL else Kind.PHOTO
        document = _document_save(
            locked, kind=kind, item=item, upload=upload, default_name=kind.replace("_", "-")
        )
        if finished:
            _item_done(locked, item)
        else:
            locked.save(update_fields=["updated_at"])
    _revalidate(locked.packet_id)
    request.refresh_from_db()
    return document


def request_answer_photos_done(*, request: HomeownerRequest) -> None:
    with transaction.atomic():
        locked = _check_open(request, Item.PHOTOS)
        if not PacketDocument.objects.filter(
            packet_id=locked.packet_id, origin__endswith=f"request #{locked.pk}", kind=Kind.PHOTO
        ).exists():
            raise OutreachRefused("Add at least one photo first.")
        _item_done(locked, Item.PHOTOS)
    request.refresh_from_db()


def utility_account_record(*, packet: Packet, value: str, origin: str) -> None:
    """Record the utility account number on the packet's install location through
    review's correction path: AutoFile keeps it beside the mirror (a sync never overwrites
    it) with its origin, and queues it for the location's custom field in ServiceTitan when
    the connection names one. The same number again confirms it."""
    location_id = packet.job.location_id
    if location_id is None:
        raise OutreachRefused("The job has no install location to record the number on.")
    try:
        review_services.utility_account_number_set(
            organization=packet.organization,
            user=None,
            location_id=location_id,
            number=value,
            reason=origin,
            origin=origin,
            packet=packet,
        )
    except review_services.CorrectionInvalid as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms]
        if messages == [review_services.NOTHING_CHANGED]:
            return  # AutoFile has this number already: the homeowner confirmed it
        raise OutreachRefused(" ".join(messages)) from exc


def request_answer_utility_account(*, request: HomeownerRequest, value: str) -> None:
    with transaction.atomic():
        locked = _check_open(request, Item.UTILITY_ACCOUNT)
        packet = Packet.objects.select_related("job", "organization").get(pk=locked.packet_id)
        utility_account_record(packet=packet, value=value, origin=locked.origin)
        _item_done(locked, Item.UTILITY_ACCOUNT, {"value": value})
    request.refresh_from_db()


def request_answer_contact(*, request: HomeownerRequest, email: str, phone: str) -> list[str]:
    """The homeowner's e-mail address and phone number: each one the customer does not
    have yet is added through review's correction path (mirror, correction, outbox with the
    AutoFile tag). Returns what was added."""
    added: list[str] = []
    with transaction.atomic():
        locked = _check_open(request, Item.CONTACT)
        packet = Packet.objects.select_related("job", "organization").get(pk=locked.packet_id)
        customer_id = packet.job.customer_id
        if customer_id is None:
            raise OutreachRefused("The job has no customer to add the details to.")
        for kind, value in (("Email", email), ("MobilePhone", phone)):
            if not value:
                continue
            try:
                review_services.customer_contact_add(
                    organization=packet.organization,
                    user=None,
                    customer_id=customer_id,
                    data={"type": kind, "value": value, "memo": "From the homeowner"},
                    reason=locked.origin,
                    packet=packet,
                )
            except review_services.CorrectionInvalid as exc:
                messages = exc.message_dict.get("value", [])
                if any("already has" in m for m in messages):
                    continue  # the customer has it: confirmed
                raise OutreachRefused(
                    " ".join(m for ms in exc.message_dict.values() for m in ms)
                ) from exc
            added.append(value)
        _item_done(locked, Item.CONTACT, {"email": email, "phone": phone, "added": added})
    request.refresh_from_db()
    return added


def request_answer_income(*, request: HomeownerRequest, confirmed: bool, household: str) -> None:
    if not confirmed:
        raise OutreachRefused("Tick the box to confirm, or contact the contractor.")
    with transaction.atomic():
        locked = _check_open(request, Item.INCOME)
        _item_done(
            locked,
            Item.INCOME,
            {"confirmed": True, "household": household, "at": timezone.now().isoformat()},
        )
    _revalidate(locked.packet_id)
    request.refresh_from_db()


@dataclass(frozen=True)
class CustomerForm:
    title: str
    text: str
    consent: str


def customer_form(request: HomeownerRequest) -> CustomerForm:
    """The program's customer form as the homeowner reads and signs it."""
    packet = request.packet
    program = packet.program
    job = packet.job
    location = job.location
    customer = job.customer
    contractor = request.organization.name
    where = (
        f"{location.street}{' ' + location.unit if location.unit else ''}, {location.city}, "
        f"{location.state} {location.zip}"
        if location is not None
        else "the install address on file"
    )
    installed = (
        packet.installed_on.strftime("%B %-d, %Y")
        if packet.installed_on
        else "the install date on file"
    )
    text = "\n\n".join(
        part
        for part in (
            f"{program.name} — customer certification and authorization ({program.sponsor}).",
            program.description.strip(),
            f"I, the customer{(' ' + customer.name) if customer else ''}, certify that "
            f"{contractor} installed the equipment listed in job {job.job_number} at {where} "
            f"on {installed}, and that the information given for this rebate application is "
            "true and complete to the best of my knowledge.",
            f"I authorize {contractor} to apply for the {program.name} rebate on my behalf, to "
            f"share the information and documents of this job with {program.sponsor} for that "
            f"purpose, and I understand that {program.sponsor} may verify the installation and "
            "may decline, reduce or recover a rebate given on false information.",
            "I understand that one rebate is paid per address and measure within the program's "
            "period, and that equipment removed or returned may have to be reported.",
        )
        if part
    )
    consent = (
        "By typing my name and drawing my signature I sign this form electronically; my "
        "electronic signature has the same effect as a handwritten one. The time of signing, "
        "my IP address and my browser are recorded with it."
    )
    return CustomerForm(title=f"{program.name}: customer form", text=text, consent=consent)


PNG_PREFIX = "data:image/png;base64,"


def drawing_read(data_url: str) -> bytes:
    """The drawn signature's PNG from the canvas's data URL, or OutreachRefused."""
    if not data_url.startswith(PNG_PREFIX):
        raise OutreachRefused("Draw your signature in the box.")
    try:
        content = base64.b64decode(data_url[len(PNG_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise OutreachRefused("The drawing could not be read. Draw your signature again.") from None
    if len(content) > 2 * 1024 * 1024:
        raise OutreachRefused("The drawing is too large. Clear it and draw again.")
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != "PNG":
                raise OutreachRefused("Draw your signature in the box.")
            image.load()
            extrema = image.convert("L").getextrema()
    except OutreachRefused:
        raise
    except Exception:
        raise OutreachRefused("The drawing could not be read. Draw your signature again.") from None
    if extrema[0] == extrema[1]:
        raise OutreachRefused("The signature box is empty. Draw your signature in it.")
    return content


def request_answer_signature(
    *,
    request: HomeownerRequest,
    typed_name: str,
    drawing_data_url: str,
    ip_address: str | None,
    user_agent: str,
) -> Signature:
    """Sign the program's customer form: the PDF (form in full, name, drawing, time, IP,
    browser) becomes one of the packet's documents, its hash kept with the evidence."""
    drawing = drawing_read(drawing_data_url)
    form = customer_form(request)
    signed_at = timezone.now()
    content = signed_form_pdf(
        title=form.title,
        form_text=form.text,
        consent_text=form.consent,
        typed_name=typed_name,
        drawing_png=drawing,
        signed_at=signed_at,
        ip_address=ip_address or "",
        user_agent=user_agent,
        request_label=(
            f"request #{request.pk} from {request.organization.name}, sent to {request.email}"
        ),
    )
    upload = Upload(content=content, content_type="application/pdf", extension=".pdf")
    with transaction.atomic():
        locked = _check_open(request, Item.SIGNATURE)
        document = _document_save(
            locked,
            kind=Kind.SIGNED_FORM,
            item=Item.SIGNATURE,
            upload=upload,
            default_name="signed-customer-form",
        )
        signature = Signature.objects.create(
            organization_id=locked.organization_id,
            request=locked,
            document=document,
            typed_name=typed_name,
            form_title=form.title,
            form_text=form.text,
            consent_text=form.consent,
            signed_at=signed_at,
            ip_address=ip_address or None,
            user_agent=user_agent[:1000],
            drawing_sha256=hashlib.sha256(drawing).hexdigest(),
            pdf_sha256=upload.sha256,
        )
        _item_done(locked, Item.SIGNATURE, {"name": typed_name, "document_id": document.pk})
    _revalidate(locked.packet_id)
    request.refresh_from_db()
    return signature


# --- reminders and expiry -------------------------------------------------------------------------


def requests_expire(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return HomeownerRequest.objects.filter(state__in=OPEN_STATES, expires_at__lte=now).update(
        state=RequestState.EXPIRED, next_reminder_at=None, updated_at=now
    )


def requests_remind(*, now: dt.datetime | None = None) -> int:
    """Expire requests past their link's date, then send each due reminder once (claimed
    by a compare-and-swap on `next_reminder_at`, so two beats never send it twice)."""
    now = now or timezone.now()
    requests_expire(now=now)
    sent = 0
    due = HomeownerRequest.objects.filter(
        state__in=OPEN_STATES, next_reminder_at__lte=now, expires_at__gt=now
    ).values_list("pk", "next_reminder_at", "reminders_sent", "sent_at", "organization_id")
    for pk, due_at, count, sent_at, organization_id in due:
        config = OutreachSettings.objects.filter(organization_id=organization_id).first()
        days = config.reminder_days if config else [3, 7, 14]
        following = None
        if sent_at is not None and count + 1 < len(days):
            following = sent_at + dt.timedelta(days=sorted(days)[count + 1])
        claimed = HomeownerRequest.objects.filter(
            pk=pk, next_reminder_at=due_at, state__in=OPEN_STATES
        ).update(reminders_sent=count + 1, next_reminder_at=following, updated_at=now)
        if claimed and request_mail_send(request_id=pk, purpose=MailAttempt.Purpose.REMINDER):
            sent += 1
    return sent


# --- technicians ----------------------------------------------------------------------------------


def _technician_email(
    organization: Organization, technician_st_id: int
) -> tuple[Technician | None, str]:
    technician = (
        Technician.objects.filter(organization=organization, st_id=technician_st_id)
        .order_by("-active")
        .first()
    )
    email = technician.email if technician is not None else ""
    if not email and technician is not None:
        employee = (
            Employee.objects.filter(
                organization=organization,
                connection_id=technician.connection_id,
                name=technician.name,
            )
            .exclude(email="")
            .first()
        )
        email = employee.email if employee is not None else ""
    return technician, email.strip()


def technician_requests_send(
    *, organization: Organization, user: User | None, technician_ids: Iterable[int] | None = None
) -> list[TechnicianRequest]:
    """One e-mail per technician (of the chosen ones, or all) listing their jobs whose open
    packets miss nameplate photos, forms, documents or serial numbers; each send recorded."""
    chosen = set(technician_ids) if technician_ids is not None else None
    made: list[TechnicianRequest] = []
    for group in review_selectors.packets_missing_documents(organization=organization):
        if group.technician_id is None or (
            chosen is not None and group.technician_id not in chosen
        ):
            continue
        technician, email = _technician_email(organization, group.technician_id)
        entries = [
            {
                "packet_id": entry.packet.pk,
                "job_number": entry.packet.job.job_number,
                "customer": entry.packet.job.customer.name if entry.packet.job.customer else "",
                "program": entry.packet.program.name,
                "needs": [f.message for f in entry.findings],
            }
            for entry in group.packets
        ]
        request = TechnicianRequest.objects.create(
            organization=organization,
            technician=technician,
            name=group.name,
            email=email or "unknown@invalid",
            entries=entries,
            packet_ids=[e["packet_id"] for e in entries],
            created_by=user if user is not None and user.is_authenticated else None,
            state=RequestState.SENT if email else RequestState.FAILED,
            last_error="" if email else "No e-mail address for this technician in ServiceTitan.",
        )
        if email:
            result = mail_send(
                to=email,
                subject=(
                    f"{organization.name}: paperwork missing on {len(entries)} "
                    f"job{'s' * (len(entries) != 1)}"
                ),
                template="outreach/email/technician_request",
                context={"request": request, "contractor": organization.name, "entries": entries},
            )
            if not result.ok:
                request.state = RequestState.BOUNCED if result.bounced else RequestState.FAILED
                request.last_error = result.error[:2000]
                request.save(update_fields=["state", "last_error"])
        made.append(request)
    return made
