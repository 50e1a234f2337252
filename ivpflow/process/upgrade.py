"""Taking a corrected definition into a running process (`upgrade`).

What changes is worked out on the rows as read: phases and items that still exist keep every
recorded fact (done, decided, dates, notes), renamed ones (`renames`, old id -> new id) carry
them over, new ones start open (pending) and are planned with the rest, and open ones that are
gone are dropped with their queued reminders. Dropping something with recorded facts needs
`force` and a reason; the current phase can never be dropped. The history is append-only: it
keeps the old ids, and the `upgraded` event records the change, the mapping and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ..dates import MONTHS_NL, dutch_date, local
from ..errors import (
    AlreadyDoneError,
    InvalidValueError,
    MissingReasonError,
    UpgradeRefusedError,
    kind_name,
)
from ..i18n import _
from ..store import Store
from ..store.rows import PEOPLE, ItemRow, MeetingRow, PhaseRow, ProcessRow
from ..store.writer import Change, apply_plan, change
from ..text import check_text
from ..workflow.model import Definition, Item, Phase

KIND_ORDER = ("task", "decision", "document")


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade changes (or, in a dry run, would change)."""

    process: str
    workflow: str
    path: str  # the file the new definition came from
    source: str  # digest of the definition the process ran
    dest: str  # digest of the new one
    changes: tuple[str, ...]  # one readable line per change: "+ task x (phase …, due …)"
    note: str  # the short form the history keeps
    dropped: tuple[str, ...]  # ids whose recorded facts go (only with force)
    renamed: Mapping[str, str]
    written: bool
    # A dry run that the upgrade itself would refuse: why (the lines still say what changes).
    refused: UpgradeRefusedError | None = None


def parse_renames(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`OLD=NEW` texts as a mapping; a malformed or repeated one is refused."""
    renames: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = check_text("--rename", pair, one_line=True).partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or not new or old == new:
            raise InvalidValueError("--rename", pair, _("must be OLD=NEW with two different ids"))
        if old in renames:
            raise InvalidValueError("--rename", pair, _("renames '{old}' a second time").format(
                old=old))
        renames[old] = new
    return renames


def upgrade_process(store: Store, process_id: str, definition: Definition, *, now: datetime,
                    actor: str, renames: Mapping[str, str] | None = None, force: bool = False,
                    reason: str | None = None, dry_run: bool = False) -> Upgrade:
    """Take a corrected definition of the same workflow into a running process, in one unit
    of work: the definition stored, the process pointed at it, items and phases added,
    renamed and dropped, everything planned again, one `upgraded` event. With `dry_run`
    nothing is written and the result says what would change."""
    reason = check_text(_("Reason"), reason)
    if force and not (reason and reason.strip()):
        raise MissingReasonError("--force")
    mapping = dict(renames or {})
    if dry_run:
        from ..store.reader import read_definition, read_process

        with store.transaction() as tx:
            process = read_process(tx, process_id, parts=PEOPLE)
            old = read_definition(tx, process.definition_digest)
        return _take(Change(process, old, now=now, actor=actor), definition, mapping,
                     force, reason, written=False)
    from ..store.db import Duplicate

    for attempt in (1, 2):
        try:
            with change(store, process_id, now=now, actor=actor, parts=PEOPLE) as work:
                return _take(work, definition, mapping, force, reason, written=True)
        except Duplicate:
            # Another process was upgraded to the same definition at the same moment and
            # stored it first; the second attempt finds it stored.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- the work


def _take(work: Change, new: Definition, renames: dict[str, str], force: bool,
          reason: str | None, *, written: bool) -> Upgrade:
    """Make the upgrade on a change in memory; what it did."""
    process, old = work.process, work.definition
    pid = process.id
    if new.id != old.id:
        raise UpgradeRefusedError(pid, _(
            "{path} is workflow '{new}' and the process runs '{old}'; upgrade takes a corrected "
            "definition of the same workflow").format(path=new.path, new=new.id, old=old.id))
    if new.digest == old.digest:
        raise AlreadyDoneError(_("Process '{process_id}' runs this definition of {path} "
                                 "already").format(process_id=pid, path=new.path), "")
    phase_to, item_to = _mapping(pid, old, new, renames)
    if process.phase not in phase_to:
        raise UpgradeRefusedError(pid, _(
            "its current phase '{phase}' is not in {path}; name its new id with --rename "
            "{phase}=NEW").format(phase=process.phase, path=new.path))
    diff = _Diff()
    phases, lost_phases = _phases(process, old, new, phase_to, diff)
    items, lost_items = _items(process, old, new, phase_to, item_to, diff, work)
    lost = lost_phases + lost_items
    refused = None
    if lost and not force:
        refused = UpgradeRefusedError(pid, _(
            "it would drop what has recorded facts: {lost} (--rename OLD=NEW if it was "
            "renamed, or --force --reason TEXT to drop it; the history keeps it)").format(
            lost="; ".join(lost)))
        if written:
            raise refused
    meetings = _meetings(process, old, new, work, diff)
    _roles(process, old, new, diff)
    _settings(old, new, diff)
    before = apply_plan(process, old, work.now.date())
    work.use_definition(new)
    work.set(phase=phase_to[process.phase], phases=phases, items=items, meetings=meetings)
    after = apply_plan(work.process, new, work.now.date())
    diff.deadlines(before, after, phase_to, item_to)
    renamed = dict(renames)
    note = _note(new, diff, renamed, lost, reason if force else None)
    work.record("upgraded", source=old.digest[:12], dest=new.digest[:12], note=note)
    return Upgrade(pid, new.id, new.path, old.digest, new.digest, tuple(diff.lines), note,
                   tuple(lost), renamed, written, refused)


def _mapping(pid: str, old: Definition, new: Definition,
             renames: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Old phase id -> new, old item id -> new, for what still exists (renamed or not)."""
    for source, dest in renames.items():
        if source in old.items:
            if dest not in new.items:
                raise UpgradeRefusedError(pid, _(
                    "--rename {old}={new}: the new definition has no item '{new}'").format(
                    old=source, new=dest))
            if new.items[dest].kind != old.items[source].kind:
                raise UpgradeRefusedError(pid, _(
                    "--rename {old}={new}: '{old}' is a {old_kind} and '{new}' a {new_kind}")
                    .format(old=source, new=dest, old_kind=kind_name(old.items[source].kind),
                            new_kind=kind_name(new.items[dest].kind)))
            clash = dest in old.items or source in new.items
        elif source in old.phase_ids:
            if dest not in new.phase_ids:
                raise UpgradeRefusedError(pid, _(
                    "--rename {old}={new}: the new definition has no phase '{new}'").format(
                    old=source, new=dest))
            clash = dest in old.phase_ids or source in new.phase_ids
        else:
            raise UpgradeRefusedError(pid, _(
                "--rename {old}={new}: the process has no phase or item '{old}'").format(
                old=source, new=dest))
        if clash:
            raise UpgradeRefusedError(pid, _(
                "--rename {old}={new}: both ids are in one of the definitions; a rename takes "
                "an id that is gone to one that is new").format(old=source, new=dest))
    phase_to = {p: renames.get(p, p) for p in old.phase_ids}
    item_to = {i: renames.get(i, i) for i in old.items}
    return ({o: n for o, n in phase_to.items() if n in new.phase_ids},
            {o: n for o, n in item_to.items()
             if n in new.items and new.items[n].kind == old.items[o].kind})


def _phases(process: ProcessRow, old: Definition, new: Definition, phase_to: dict[str, str],
            diff: _Diff) -> tuple[tuple[PhaseRow, ...], list[str]]:
    rows = {row.phase: row for row in process.phases}
    back = {n: o for o, n in phase_to.items()}
    current = new.phase(phase_to[process.phase])
    result, lost = [], []
    for phase in new.phases:
        if phase.id in back:
            was = back[phase.id]
            row = rows[was]
            if row.status == "done" and phase.index > current.index:
                raise UpgradeRefusedError(process.id, _(
                    "phase '{phase}' is done but comes after the current phase '{current}' in "
                    "{path}").format(phase=phase.id, current=current.id, path=new.path))
            result.append(row._replace(phase=phase.id, position=phase.index))
            diff.changed("phase", was, phase.id, _phase_changes(old.phase(was), phase),
                         _phase_facts(row))
        else:
            result.append(PhaseRow(phase.id, phase.index, "pending", None, None, None))
            diff.added_phase(phase, current)
    for state in process.phases:
        if state.phase not in phase_to:
            facts = _phase_facts(state)
            if facts:
                lost.append(f"phase {state.phase} ({facts})")
            diff.removed("phase", state.phase, old.phase(state.phase).title, facts)
    kept = [phase_to[p] for p in old.phase_ids if p in phase_to]
    if kept != [p for p in new.phase_ids if p in back]:
        diff.lines.append("~ phase order: " + " → ".join(new.phase_ids))
        diff.short.append("phase order")
    return tuple(result), lost


def _items(process: ProcessRow, old: Definition, new: Definition, phase_to: dict[str, str],
           item_to: dict[str, str], diff: _Diff,
           work: Change) -> tuple[tuple[ItemRow, ...], list[str]]:
    rows = {row.item_id: row for row in process.items}
    back = {n: o for o, n in item_to.items()}
    result, lost = [], []
    done = {phase_to[row.phase] for row in process.phases
            if row.status == "done" and row.phase in phase_to}
    for position, item in enumerate(new.items.values()):
        if item.id in back:
            was = back[item.id]
            row = rows[was]
            result.append(row._replace(item_id=item.id, kind=item.kind, phase=item.phase,
                                       position=position))
            diff.changed(item.kind, was, item.id, _item_changes(old.items[was], item),
                         _item_facts(row))
            if was != item.id:
                work.cancel_reminders(was, "item renamed by an upgrade")
        else:
            result.append(ItemRow(item.id, item.kind, item.phase, position, "open", None,
                                  None, None, None, None, None))
            diff.added_item(item, item.phase in done)
    for state in process.items:
        if state.item_id not in item_to:
            facts = _item_facts(state)
            if facts:
                lost.append(f"{state.kind} {state.item_id} ({facts})")
            diff.removed(state.kind, state.item_id, old.items[state.item_id].title, facts)
            work.cancel_reminders(state.item_id, "item removed by an upgrade")
    return tuple(result), lost


def _meetings(process: ProcessRow, old: Definition, new: Definition, work: Change,
              diff: _Diff) -> tuple[MeetingRow, ...]:
    """The process's meetings with the definition's own brought up to date; entered ones
    stay as they are."""
    wanted = {(m.body, m.date): m for m in new.meetings}
    was = {(m.body, m.date): m for m in old.meetings}
    result = []
    have = set()
    for row in process.meetings:
        key = (row.body, row.date)
        have.add(key)
        if row.source == "definition" and key in was and key not in wanted:
            diff.lines.append(f"- meeting {row.body} {dutch_date(row.date)}")
            diff.short.append(f"- meeting {row.body} {row.date.isoformat()}")
            continue
        if row.source == "definition" and key in wanted \
                and wanted[key].papers_due != row.papers_due:
            diff.lines.append(f"~ meeting {row.body} {dutch_date(row.date)}: papers due "
                              f"{_span(row.papers_due, wanted[key].papers_due)}")
            diff.short.append(f"~ meeting {row.body} {row.date.isoformat()}")
            row = row._replace(papers_due=wanted[key].papers_due)
        result.append(row)
    for key, meeting in wanted.items():
        if key not in have:
            result.append(MeetingRow(None, meeting.body, meeting.date, meeting.papers_due,
                                     "definition", work.stamp))
            diff.lines.append(f"+ meeting {meeting.body} {dutch_date(meeting.date)}")
            diff.short.append(f"+ meeting {meeting.body} {meeting.date.isoformat()}")
    return tuple(sorted(result, key=lambda m: (m.date, m.body)))


def _roles(process: ProcessRow, old: Definition, new: Definition, diff: _Diff) -> None:
    for role, title in new.roles.items():
        if role not in old.roles:
            diff.lines.append(f"+ role {role} ({title})")
            diff.short.append(f"+ role {role}")
        elif old.roles[role] != title:
            diff.lines.append(f"~ role {role}: title '{old.roles[role]}' → '{title}'")
            diff.short.append(f"~ role {role}")
    for role in old.roles:
        if role not in new.roles:
            people = sum(1 for a in process.assignments if a.role == role)
            kept = f" ({people} assigned, kept on record)" if people else ""
            diff.lines.append(f"- role {role}{kept}")
            diff.short.append(f"- role {role}")


# Top-level keys whose change is shown as one line; phases, roles and meetings are compared
# one by one above.
_SETTINGS = ("title", "description", "period", "replaces", "start", "municipalities",
             "calendar", "lead_times", "target", "reminders")


def _settings(old: Definition, new: Definition, diff: _Diff) -> None:
    if old.title != new.title:
        diff.lines.append(f"~ workflow title: '{old.title}' → '{new.title}'")
        diff.short.append("~ workflow title")
    others = [key for key in _SETTINGS[1:]
              if _plain((old.tree or {}).get(key)) != _plain((new.tree or {}).get(key))]
    if others:
        diff.lines.append("~ settings: " + ", ".join(others))
        diff.short.append("~ settings: " + ", ".join(others))


def _plain(value: object) -> object:
    """A definition tree's value without its line numbers, to compare."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- describing it


def _item_facts(row: ItemRow) -> str:
    """What is recorded of an item, in a few words ('' when nothing is)."""
    parts = []
    if row.kind == "decision" and row.outcome:
        parts.append(f"{row.outcome} {dutch_date(row.decided_on)}".strip())
    elif row.status == "done":
        when = local(row.completed_at).date() if row.completed_at else None
        parts.append(f"done {dutch_date(when)}" if when else "done")
    if row.note:
        parts.append("a note")
    return ", ".join(parts)


def _phase_facts(row: PhaseRow) -> str:
    if row.status == "active":
        return "the current phase"
    if row.status == "done":
        when = local(row.completed_at).date() if row.completed_at else None
        return f"done {dutch_date(when)}" if when else "done"
    return "started" if row.started_at else ""


def _item_changes(old: Item, new: Item) -> list[str]:
    found = []
    if old.title != new.title:
        found.append(f"title '{old.title}' → '{new.title}'")
    if old.phase != new.phase:
        found.append(f"phase {old.phase} → {new.phase}")
    for name in ("role", "body", "municipality", "document"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            found.append(f"{name} {before or '—'} → {after or '—'}")
    if (old.due.text if old.due else None) != (new.due.text if new.due else None):
        found.append(f"due '{old.due.text if old.due else '—'}' → "
                     f"'{new.due.text if new.due else '—'}'")
    if old.required != new.required:
        found.append("now required" if new.required else "now optional")
    if old.description != new.description:
        found.append("description")
    return found


def _phase_changes(old: Phase, new: Phase) -> list[str]:
    found = []
    if old.title != new.title:
        found.append(f"title '{old.title}' → '{new.title}'")
    if (old.due.text if old.due else None) != (new.due.text if new.due else None):
        found.append(f"due '{old.due.text if old.due else '—'}' → "
                     f"'{new.due.text if new.due else '—'}'")
    if old.duration != new.duration:
        found.append(f"duration {old.duration or '—'} → {new.duration or '—'} working days")
    if old.description != new.description:
        found.append("description")
    return found


def _span(before: date | None, after: date | None) -> str:
    """'30 april → 15 mei 2026': the first year left out when both share it."""
    if before is not None and after is not None and before.year == after.year:
        return f"{before.day} {MONTHS_NL[before.month - 1]} → {dutch_date(after)}"
    return f"{dutch_date(before, empty='none')} → {dutch_date(after, empty='none')}"


_DUE = "\x00due\x00"  # where an added line gets its planned date (no text holds a NUL)


class _Diff:
    """The changes found, as readable lines and as the short form for the history."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.short: list[str] = []
        self.added: list[tuple[str, str]] = []  # (kind, id) whose due the plan gives

    def added_phase(self, phase: Phase, current: Phase) -> None:
        where = "; before the current phase: it stays pending, reopen it to go through it" \
            if phase.index < current.index else ""
        self.added.append(("phase", phase.id))
        self.lines.append(f"+ phase {phase.id} '{phase.title}' ({_DUE}{where})")
        self.short.append(f"+ phase {phase.id}")

    def added_item(self, item: Item, in_done_phase: bool) -> None:
        where = "; a phase that is done: no reminders, it blocks nothing" \
            if in_done_phase else ""
        self.added.append((item.kind, item.id))
        self.lines.append(f"+ {item.kind} {item.id} '{item.title}' (phase {item.phase}, "
                          f"{_DUE}{where})")
        self.short.append(f"+ {item.kind} {item.id}")

    def removed(self, kind: str, ident: str, title: str, facts: str) -> None:
        gone = f" ({facts}: dropped; the history keeps it)" if facts else " (open)"
        self.lines.append(f"- {kind} {ident} '{title}'{gone}")
        self.short.append(f"- {kind} {ident}")

    def changed(self, kind: str, was: str, ident: str, changes: list[str], facts: str) -> None:
        if was != ident:
            kept = f"; {facts} carried over" if facts else ""
            changes = [f"renamed from {was}{kept}", *changes]
        if changes:
            self.lines.append(f"~ {kind} {ident}: " + "; ".join(changes))
        if changes[was != ident:]:  # a rename alone is in the note's list of renames
            self.short.append(f"~ {kind} {ident}")

    def deadlines(self, before: ProcessRow, after: ProcessRow, phase_to: dict[str, str],
                  item_to: dict[str, str]) -> None:
        """Put the planned dates into the lines of added items and list the deadlines that
        moved."""
        due = {("phase", p.phase): p.due for p in after.phases}
        due.update({(i.kind, i.item_id): i.due for i in after.items})
        added = iter(self.added)
        for index, line in enumerate(self.lines):
            if _DUE in line:
                when = due.get(next(added))
                self.lines[index] = line.replace(
                    _DUE, f"due {dutch_date(when)}" if when else "no deadline")
        moved = []
        for row in before.phases:
            target = phase_to.get(row.phase)
            if target is not None and due.get(("phase", target)) != row.due:
                moved.append(("phase", target, row.due, due.get(("phase", target))))
        for item in before.items:
            target = item_to.get(item.item_id)
            if target is not None and due.get((item.kind, target)) != item.due:
                moved.append((item.kind, target, item.due, due.get((item.kind, target))))
        for kind, ident, was, now in moved:
            self.lines.append(f"deadline of {kind} {ident}: {_span(was, now)}")
        if moved:
            self.short.append(f"{len(moved)} deadline{'s' * (len(moved) != 1)} moved")


def _note(new: Definition, diff: _Diff, renamed: Mapping[str, str], lost: list[str],
          reason: str | None) -> str:
    parts = [f"from {new.path}"]
    parts.append(", ".join(diff.short) if diff.short else "no change to phases or items")
    if renamed:
        parts.append("renamed " + ", ".join(f"{o} → {n}" for o, n in renamed.items()))
    if reason is not None:
        parts.append(f"forced: {reason}" + (f" (dropped: {', '.join(lost)})" if lost else ""))
    return "; ".join(parts)
