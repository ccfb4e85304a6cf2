"""E-mail through Django's backends (SMTP in production and tests), with SMTP's answer
classified: a refused recipient is a bounce, anything else a failure to send."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailResult:
    ok: bool
    bounced: bool = False
    error: str = ""


def _refusal(exc: smtplib.SMTPRecipientsRefused) -> str:
    parts = []
    for address, (code, text) in exc.recipients.items():
        reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        parts.append(f"{address}: {code} {reason}")
    return "The mail server refused the address: " + "; ".join(parts)


def mail_send(*, to: str, subject: str, template: str, context: dict[str, object]) -> MailResult:
    """Render `template`.txt and .html with `context` and send them to `to`."""
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        return MailResult(ok=False, bounced=True, error=_refusal(exc))
    except smtplib.SMTPResponseException as exc:
        text_ = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        bounced = 500 <= exc.smtp_code < 600
        return MailResult(ok=False, bounced=bounced, error=f"SMTP {exc.smtp_code} {text_}")
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("sending mail failed: %s", type(exc).__name__)
        return MailResult(ok=False, error=f"Could not reach the mail server: {type(exc).__name__}")
    return MailResult(ok=True)
