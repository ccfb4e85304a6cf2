"""Cursor pages: stable under inserts, no COUNT, `next`/`previous` links."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-created_at", "-id")


class ByIdPagination(ApiCursorPagination):
    ordering = ("id",)
