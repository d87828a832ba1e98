"""A milestone is completed only on or after its project's start.

A CHECK constraint cannot read another table, so the rule is a trigger, written
for each database Köprü supports. The project's start is its actual start, or
its planned start while it has none; with neither, any date is accepted.
"""

from django.db import migrations

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER milestone_completed_after_project_start_{op.lower()}
    BEFORE {op} ON projects_milestone
    FOR EACH ROW WHEN NEW.completed_on IS NOT NULL AND NEW.completed_on < (
        SELECT COALESCE(actual_start, planned_start) FROM projects_project WHERE id = NEW.project_id
    )
    BEGIN SELECT RAISE(ABORT, 'milestone_completed_after_project_start'); END;
    """
    for op in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS milestone_completed_after_project_start_{op}" for op in ("insert", "update")
]

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION milestone_completed_after_project_start() RETURNS trigger AS $$
    BEGIN
        IF NEW.completed_on IS NOT NULL AND NEW.completed_on < (
            SELECT COALESCE(actual_start, planned_start) FROM projects_project WHERE id = NEW.project_id
        ) THEN
            RAISE EXCEPTION 'milestone_completed_after_project_start' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER milestone_completed_after_project_start
    BEFORE INSERT OR UPDATE ON projects_milestone
    FOR EACH ROW EXECUTE FUNCTION milestone_completed_after_project_start();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS milestone_completed_after_project_start ON projects_milestone",
    "DROP FUNCTION IF EXISTS milestone_completed_after_project_start()",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def run(direction):
    def apply(apps, schema_editor):
        statements = STATEMENTS.get(schema_editor.connection.vendor)
        if statements is None:
            return  # other databases rely on form validation alone
        for sql in statements[direction]:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(run(0), run(1))]
