"""Cursor pages: stable under inserts, and as fast on page 1,000 as on page one."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 100
