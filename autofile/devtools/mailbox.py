"""The demo's mailbox: an e-mail backend that keeps each message as an .eml file under
MAILBOX_DIR, and a page that shows them (links clickable), so a homeowner's request can be
opened from the demo without a mail server. `make demo` switches it on through
EMAIL_BACKEND when no EMAIL_HOST is set; anywhere else the page answers 404."""

from __future__ import annotations

import email
import email.policy
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage as ParsedMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

BACKEND = "autofile.devtools.mailbox.MailboxBackend"
SHOWN = 100


def mailbox_dir() -> Path:
    return Path(getattr(settings, "MAILBOX_DIR", Path(settings.DATA_DIR) / "mailbox"))


def mailbox_enabled() -> bool:
    return bool(settings.EMAIL_BACKEND == BACKEND)


class MailboxBackend(BaseEmailBackend):
    """Writes every message to `<MAILBOX_DIR>/<time>-<random>.eml` (RFC 5322 bytes)."""

    _lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            with self._lock:
                (folder / name).write_bytes(message.message().as_bytes(linesep="\n"))
            sent += 1
        return sent


@dataclass(frozen=True)
class Delivered:
    name: str
    to: str
    sender: str
    subject: str
    date: str
    text: str


def _text(parsed: ParsedMessage) -> str:
    part = parsed.get_body(preferencelist=("plain", "html"))
    return str(part.get_content()) if part is not None else ""


def mailbox_messages(*, limit: int = SHOWN) -> list[Delivered]:
    """The latest messages, newest first."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, ParsedMessage)
        found.append(
            Delivered(
                name=path.stem,
                to=str(parsed["To"] or ""),
                sender=str(parsed["From"] or ""),
                subject=str(parsed["Subject"] or ""),
                date=str(parsed["Date"] or ""),
                text=_text(parsed),
            )
        )
    return found
