"""Database functions Django does not ship for both SQLite and PostgreSQL."""

from django.db.models import Aggregate, CharField


class IdList(Aggregate):
    """A group's ids as one string, "3,7,12": GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL.

    For a many-to-many column of a list: the ids come with each row in the rows' own query,
    and the names from records the page has read anyway. The ids come in no set order, and
    `distinct=True` is not supported.
    """

    function = "GROUP_CONCAT"
    allow_distinct = False
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
        )
