"""Notifications' fixtures: the real SMTP server for the digest."""

from tests.smtp import REFUSED_DOMAIN, Mailbox, smtp

__all__ = ["REFUSED_DOMAIN", "Mailbox", "smtp"]
