"""Readable change history from django-simple-history records: who changed what, when."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

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


def changes_between(newer, older) -> list[Change]:
    """Field-by-field differences between two history records of the same object.

    Compared by hand rather than with simple-history's diff_against(), which skips
    non-editable fields, and a project's percent and health are exactly that.
    """
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

    Fetches `limit + 1` records in one query and compares neighbours in memory.
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = changes_between(newer, older) if older is not None and newer.history_type == "~" else []
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
