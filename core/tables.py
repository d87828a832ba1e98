"""What every Köprü list table shares: cells rendered in Python, not one template per cell.

django-tables2 renders a template for every `TemplateColumn` cell (its `DateColumn` even
compiles one per cell) and inspects the signature of every cell's render method. On a
25-row project page that was 125 template renders and 200 signature inspections, most of the
page's time (bench/README.md). Here the cells are `format_html` calls, the `<td>` attributes
are worked out once per column, and a render method's signature once per column.
"""

from datetime import datetime

import django_tables2 as tables
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from core.templatetags.kopru import badge_class, percent


def short_date(value) -> str:
    """A date, or a date and local time, in the reader's short format (31.12.2025 in Turkish)."""
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


class ShortDateColumn(tables.Column):
    def render(self, value):
        return short_date(value)


class BadgeColumn(tables.Column):
    """A choice field's label in a badge coloured by the stored value (status, health)."""

    def render(self, value, record, bound_column):
        # django-tables2 hands over get_FOO_display(); the colour comes from the stored value.
        stored = bound_column.accessor.resolve(record)
        return format_html('<span class="badge {}">{}</span>', badge_class(stored), value)


class PercentColumn(tables.Column):
    """A percentage as a small progress bar and the figure the reader's language writes."""

    cell = (
        '<progress class="kopru-progress-sm" max="100" value="{}" aria-label="{}"></progress> '
        '<span class="small">{}</span>'
    )

    def render(self, value):
        return format_html(self.cell, value, _("Percent complete"), percent(value))


class Table(tables.Table):
    """The base of every list table: Bootstrap markup and a body rendered without per-cell overhead."""

    class Meta:
        template_name = "includes/table.html"
        attrs = {"class": "table table-hover table-sm align-middle"}

    def body_rows(self):
        """The page's rows, each a list of (td attributes, cell) pairs, for includes/table.html."""
        columns = [(column, column.attrs["td"].as_html()) for column in self.columns]
        render_args = {column.name: signature(column.render) for column, _attrs in columns}
        rows = []
        for bound_row in self.paginated_rows:
            row = _BoundRow(bound_row.record, table=self, render_args=render_args)
            rows.append([(attrs, row.get_cell(column.name)) for column, attrs in columns])
        return rows


class _BoundRow(BoundRow):
    """A row whose render methods are called with arguments worked out once per column."""

    def __init__(self, record, table, render_args):
        super().__init__(record, table=table)
        self._render_args = render_args

    def _call_render(self, bound_column, value=None):
        available = self._optional_cell_arguments(bound_column, value)
        names, catch_all = self._render_args[bound_column.name]
        content = bound_column.render(**(available if catch_all else {name: available[name] for name in names}))
        return bound_column.link(content, **available) if bound_column.link else content
