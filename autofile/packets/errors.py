"""Typed errors of rules, programs and packets."""

from __future__ import annotations


class TransitionRefused(Exception):
    """A status action that is not allowed now, with a message a person understands.

    `code` says why in a word the caller can branch on: "illegal" (no such move from this
    status), "errors" (validation errors remain), "missing" (the action needs data it did
    not get), "invalid" (data given but wrong), "claimed" (someone else holds the packet),
    "stale" (the packet moved on meanwhile).
    """

    def __init__(self, message: str, *, code: str = "illegal") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
