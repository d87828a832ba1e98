"""Change history: the HistoricalRecords the models declare, and its readable form (who changed what, when).

simple-history keeps the many-to-many fields named in `m2m_fields` (a project's articles) as rows
of their own tables, one set per history record; `changes_between` shows them like any other field.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter

from django.conf import settings
from django.db.models import IntegerField, Value
from django.utils.translation import gettext_lazy as _
from simple_history import models as simple_history


class HistoricalRecords(simple_history.HistoricalRecords):
    """simple-history's HistoricalRecords, writing one record per write even when it changes links.

    Stock simple-history writes a record when an object is saved and another on every add, remove
    or clear of a tracked many-to-many field, so one form save (the object, then its links) would
    write two or three records, the first with the links as they were. Here links changed through
    an object after its save belong to that save's record, which is updated to hold them; links
    changed on their own (`project.articles.add(article)`, or from the other side) write a record.
    """

    def create_historical_record_m2ms(self, history_instance, instance):
        super().create_historical_record_m2ms(history_instance, instance)
        if history_instance._history_m2m_fields:
            instance._history_record = history_instance

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or hasattr(instance, "skip_history_when_saving"):
            return
        if reverse:
            self._reverse_m2m_changed(instance, action, attr, pk_set)
        elif action in ("post_add", "post_remove", "post_clear"):
            record = getattr(instance, "_history_record", None)
            if record is None:
                self.create_historical_record(instance, "~")
            else:
                self._relink(record, instance, attr)

    def _through(self, attr):
        model_field = self.cls._meta.get_field(attr)
        return model_field, model_field.remote_field.through

    def _relink(self, record, instance, attr):
        """Make `record` hold the `attr` links `instance` has now."""
        model_field, through = self._through(attr)
        m2m_model = self.m2m_models[model_field]
        m2m_model.objects.filter(history=record).delete()
        rows = through.objects.filter(**{model_field.m2m_field_name(): instance})
        names = [f.attname for f in through._meta.fields]
        m2m_model.objects.bulk_create(
            [m2m_model(history=record, **{name: getattr(row, name) for name in names}) for row in rows]
        )

    def _reverse_m2m_changed(self, other, action, attr, pk_set):
        """Links changed from the other side (`article.projects.add(project)`): a record for each object."""
        model_field, through = self._through(attr)
        if action == "pre_clear":  # post_clear no longer knows which objects were linked
            linked = through.objects.filter(**{model_field.m2m_reverse_field_name(): other})
            other._history_cleared = set(linked.values_list(model_field.m2m_column_name(), flat=True))
        elif action in ("post_add", "post_remove", "post_clear"):
            pks = other.__dict__.pop("_history_cleared", set()) if action == "post_clear" else pk_set
            for obj in self.cls._default_manager.filter(pk__in=pks):
                self.create_historical_record(obj, "~")


ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# `version` rises with every save: noise in a list of what changed.
HIDDEN_FIELDS = {"id", "version", "search_text", "updated_at", "created_at"}


@dataclass
class Change:
    label: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    when: datetime
    who: object
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _display(record, model_field):
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return "—"
    if model_field.is_relation:
        return getattr(record, model_field.name)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def linked_ids(records) -> dict[int, dict[str, set]]:
    """The ids each history record links to: {history id: {many-to-many field name: ids}}.

    One query (a UNION ALL over the fields' link tables) for all `records`, which are of one model.
    """
    if not records or not records[0]._history_m2m_fields:
        return {}
    history_model = type(records[0])
    fields = list(history_model._history_m2m_fields)
    links = {record.history_id: {f.name: set() for f in fields} for record in records}
    queries = []
    for number, model_field in enumerate(fields):
        rows = getattr(history_model, model_field.name).model.objects.filter(history_id__in=list(links))
        target = f"{model_field.m2m_reverse_field_name()}_id"  # the link table's key to the linked record
        queries.append(rows.values_list("history_id", Value(number, output_field=IntegerField()), target))
    for history_id, number, pk in queries[0].union(*queries[1:], all=True):
        links[history_id][fields[number].name].add(pk)
    return links


def _names(names: dict, pks) -> str:
    """The linked records' names in their model's order; a deleted one by its id."""
    shown = [name for pk, name in names.items() if pk in pks] + [f"#{pk}" for pk in sorted(pks - names.keys())]
    return ", ".join(shown) or "—"


def link_changes(pairs, links) -> dict[int, list[Change]]:
    """The many-to-many changes of each (newer, older) pair of records, by the newer one's history id.

    Names are read only for the fields that changed: one query per such field for all pairs.
    """
    changed, wanted = [], defaultdict(set)
    for newer, older in pairs:
        for model_field in sorted(newer._history_m2m_fields, key=attrgetter("creation_counter")):
            old, new = links[older.history_id][model_field.name], links[newer.history_id][model_field.name]
            if old != new:
                changed.append((newer.history_id, model_field, old, new))
                wanted[model_field] |= old | new
    names = {
        model_field: {obj.pk: str(obj) for obj in model_field.related_model._default_manager.filter(pk__in=pks)}
        for model_field, pks in wanted.items()
    }
    changes = defaultdict(list)
    for history_id, model_field, old, new in changed:
        shown = names[model_field]
        changes[history_id].append(Change(str(model_field.verbose_name), _names(shown, old), _names(shown, new)))
    return changes


def changes_between(newer, older) -> list[Change]:
    """Field-by-field differences between two history records of the same object.

    Compared by hand rather than with simple-history's diff_against(), which skips
    non-editable fields, and a project's percent and health are exactly that.
    Many-to-many fields come last, as the names linked before and after.
    """
    changes = _field_changes(newer, older)
    if newer._history_m2m_fields:
        changes += link_changes([(newer, older)], linked_ids([newer, older]))[newer.history_id]
    return changes


def _field_changes(newer, older) -> list[Change]:
    changes = []
    for model_field in newer.tracked_fields:
        if model_field.name in HIDDEN_FIELDS:
            continue
        if getattr(newer, model_field.attname) != getattr(older, model_field.attname):
            changes.append(
                Change(
                    label=str(model_field.verbose_name),
                    old=_display(older, model_field),
                    new=_display(newer, model_field),
                )
            )
    return changes


def history_entries(obj, limit: int = 20) -> list[HistoryEntry]:
    """The newest `limit` history entries of `obj`, each with its field-by-field changes.

    Fetches `limit + 1` records in one query, their links in one more (when the model tracks
    any) and compares neighbours in memory; names of changed links take one query per field.
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    pairs = [
        (newer, older) for newer, older in zip(records[:limit], records[1:], strict=False) if newer.history_type == "~"
    ]
    changed_links = link_changes(pairs, linked_ids(records)) if records and records[0]._history_m2m_fields else {}
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            changes = _field_changes(newer, older) + changed_links.get(newer.history_id, [])
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                who=newer.history_user,
                action=ACTIONS.get(newer.history_type, newer.history_type),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def changes_since(obj, version: int) -> list[Change]:
    """What changed in `obj` after it was at `version`: for telling an editor what they missed."""
    records = obj.history.order_by("-history_date", "-history_id")
    then = records.filter(version=version).first()
    now = records.first()
    if then is None or now is None or then.pk == now.pk:
        return []
    return changes_between(now, then)


def link_existing_history(app_label: str, model_name: str):
    """A data migration's step: history written before links were tracked gets the links of today.

    Without it the first edit after the migration would list every link as added ("— → …"). Which
    links an old record had is not known; today's is the one claim that adds no change that was
    never made. One INSERT … SELECT per field, so it runs in the database however long the history.
    """

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        history = apps.get_model(app_label, f"Historical{model_name}")._meta
        quote = schema_editor.quote_name
        for model_field in model._meta.many_to_many:
            try:
                m2m = apps.get_model(app_label, f"Historical{model_name}_{model_field.name}")._meta
            except LookupError:  # not tracked
                continue
            through = model_field.remote_field.through._meta
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            columns = [m2m.get_field(name).column for name in ("id", source, target, "history")]
            picked = [f"t.{quote(through.get_field(name).column)}" for name in ("id", source, target)]
            # Only table and column names from the models' metadata, quoted: nothing a user typed.
            schema_editor.execute(
                f"INSERT INTO {quote(m2m.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
                f"SELECT {', '.join(picked)}, h.{quote('history_id')} FROM {quote(through.db_table)} t "
                f"JOIN {quote(history.db_table)} h ON h.{quote(history.get_field('id').column)} = "
                f"t.{quote(through.get_field(source).column)}"
            )

    return forwards
