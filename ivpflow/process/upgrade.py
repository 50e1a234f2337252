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
from typing import NamedTuple

from ..dates import MONTHS_NL, dutch_date, local
from ..errors import (
    AlreadyDoneError,
    InvalidValueError,
    MissingReasonError,
    UpgradeRefusedError,
    kind_name,
)
from ..i18n import _, language, ngettext, say_date, say_kind
from ..store import Store
from ..store.rows import PEOPLE, ItemRow, MeetingRow, PhaseRow, ProcessRow
from ..store.writer import Change, apply_plan, change
from ..text import check_text
from ..workflow.model import Deadline, Definition, Item, Phase

KIND_ORDER = ("task", "decision", "document")


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade changes (or, in a dry run, would change)."""

    process: str
    workflow: str
    path: str  # the file the new definition came from
    source: str  # digest of the definition the process ran
    dest: str  # digest of the new one
    # One line per change in the command line's language: "+ task x (phase …, due …)".
    changes: tuple[str, ...]
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
            lost="; ".join(f"{say_kind(kind)} {ident} ({facts.said()})"
                           for kind, ident, facts in lost)))
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
                   tuple(_lost_noted(lost)), renamed, written, refused)


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
            diff: _Diff) -> tuple[tuple[PhaseRow, ...], list[_Lost]]:
    rows = {row.phase: row for row in process.phases}
    back = {n: o for o, n in phase_to.items()}
    current = new.phase(phase_to[process.phase])
    result: list[PhaseRow] = []
    lost: list[_Lost] = []
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
                lost.append(("phase", state.phase, facts))
            diff.removed("phase", state.phase, old.phase(state.phase).title, facts)
    kept = [phase_to[p] for p in old.phase_ids if p in phase_to]
    if kept != [p for p in new.phase_ids if p in back]:
        diff.lines.append(_("~ phase order: {order}").format(order=" → ".join(new.phase_ids)))
        diff.short.append("phase order")
    return tuple(result), lost


def _items(process: ProcessRow, old: Definition, new: Definition, phase_to: dict[str, str],
           item_to: dict[str, str], diff: _Diff,
           work: Change) -> tuple[tuple[ItemRow, ...], list[_Lost]]:
    rows = {row.item_id: row for row in process.items}
    back = {n: o for o, n in item_to.items()}
    result: list[ItemRow] = []
    lost: list[_Lost] = []
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
                lost.append((state.kind, state.item_id, facts))
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
            diff.lines.append(_("- meeting {body} {date}").format(body=row.body,
                                                                   date=say_date(row.date)))
            diff.short.append(f"- meeting {row.body} {row.date.isoformat()}")
            continue
        if row.source == "definition" and key in wanted \
                and wanted[key].papers_due != row.papers_due:
            diff.lines.append(_("~ meeting {body} {date}: papers due {span}").format(
                body=row.body, date=say_date(row.date),
                span=_span(row.papers_due, wanted[key].papers_due)))
            diff.short.append(f"~ meeting {row.body} {row.date.isoformat()}")
            row = row._replace(papers_due=wanted[key].papers_due)
        result.append(row)
    for key, meeting in wanted.items():
        if key not in have:
            result.append(MeetingRow(None, meeting.body, meeting.date, meeting.papers_due,
                                     "definition", work.stamp))
            diff.lines.append(_("+ meeting {body} {date}").format(body=meeting.body,
                                                                   date=say_date(meeting.date)))
            diff.short.append(f"+ meeting {meeting.body} {meeting.date.isoformat()}")
    return tuple(sorted(result, key=lambda m: (m.date, m.body)))


def _roles(process: ProcessRow, old: Definition, new: Definition, diff: _Diff) -> None:
    for role, title in new.roles.items():
        if role not in old.roles:
            diff.lines.append(_("+ role {role} ({title})").format(role=role, title=title))
            diff.short.append(f"+ role {role}")
        elif old.roles[role] != title:
            diff.lines.append(_("~ role {role}: title '{old}' → '{new}'").format(
                role=role, old=old.roles[role], new=title))
            diff.short.append(f"~ role {role}")
    for role in old.roles:
        if role not in new.roles:
            people = sum(1 for a in process.assignments if a.role == role)
            diff.lines.append(ngettext(
                "- role {role} ({count} assigned, kept on record)",
                "- role {role} ({count} assigned, kept on record)", people).format(
                    role=role, count=people) if people else
                _("- role {role}").format(role=role))
            diff.short.append(f"- role {role}")


# Top-level keys whose change is shown as one line; phases, roles and meetings are compared
# one by one above.
_SETTINGS = ("title", "description", "period", "replaces", "start", "municipalities",
             "calendar", "lead_times", "target", "reminders")


def _settings(old: Definition, new: Definition, diff: _Diff) -> None:
    if old.title != new.title:
        diff.lines.append(_("~ workflow title: '{old}' → '{new}'").format(old=old.title,
                                                                           new=new.title))
        diff.short.append("~ workflow title")
    others = [key for key in _SETTINGS[1:]
              if _plain((old.tree or {}).get(key)) != _plain((new.tree or {}).get(key))]
    if others:
        diff.lines.append(_("~ settings: {keys}").format(keys=", ".join(others)))
        diff.short.append("~ settings: " + ", ".join(others))


def _plain(value: object) -> object:
    """A definition tree's value without its line numbers, to compare."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- describing it


class _Facts(NamedTuple):
    """What is recorded of a phase or item: its state ("done", "current", "started", a
    decision's outcome, or "" for nothing), the day of it, and whether it has a note."""

    state: str
    day: date | None = None
    note: bool = False

    def __bool__(self) -> bool:
        """Whether anything is recorded (a tuple of three fields would always be true)."""
        return bool(self.state or self.note)

    def noted(self) -> str:
        """In a few words, as the history's note keeps them: "done 5 maart 2026, a note"."""
        parts = []
        if self.state == "current":
            parts.append("the current phase")
        elif self.state == "started":
            parts.append("started")
        elif self.state == "done":
            parts.append(f"done {dutch_date(self.day)}" if self.day else "done")
        elif self.state:
            parts.append(f"{self.state} {dutch_date(self.day)}".strip())
        if self.note:
            parts.append("a note")
        return ", ".join(parts)

    def said(self) -> str:
        """In a few words, in the command line's language: "done 2026-03-05, a note"."""
        parts = []
        if self.state == "current":
            parts.append(_("the current phase"))
        elif self.state == "started":
            parts.append(_("started"))
        elif self.state == "done":
            parts.append(_("done {date}").format(date=say_date(self.day)) if self.day
                         else _("done"))
        elif self.state:  # an outcome, a term of art in both languages: "vastgesteld"
            parts.append(f"{self.state} {say_date(self.day, empty='')}".strip())
        if self.note:
            parts.append(_("a note"))
        return ", ".join(parts)


_Lost = tuple[str, str, _Facts]  # (kind, id, facts) of what an upgrade would drop


def _lost_noted(lost: list[_Lost]) -> list[str]:
    return [f"{kind} {ident} ({facts.noted()})" for kind, ident, facts in lost]


def _item_facts(row: ItemRow) -> _Facts:
    """What is recorded of an item."""
    if row.kind == "decision" and row.outcome:
        return _Facts(row.outcome, row.decided_on, bool(row.note))
    if row.status == "done":
        return _Facts("done", local(row.completed_at).date() if row.completed_at else None,
                      bool(row.note))
    return _Facts("", note=bool(row.note))


def _phase_facts(row: PhaseRow) -> _Facts:
    if row.status == "active":
        return _Facts("current")
    if row.status == "done":
        return _Facts("done", local(row.completed_at).date() if row.completed_at else None)
    return _Facts("started" if row.started_at else "")


def _item_changes(old: Item, new: Item) -> list[str]:
    found = []
    if old.title != new.title:
        found.append(_title_change(old.title, new.title))
    if old.phase != new.phase:
        found.append(_("phase {old} → {new}").format(old=old.phase, new=new.phase))
    fields = {"role": _("role {old} → {new}"), "body": _("body {old} → {new}"),
              "municipality": _("municipality {old} → {new}"),
              "document": _("document {old} → {new}")}
    for name, message in fields.items():
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            found.append(message.format(old=before or "—", new=after or "—"))
    if _due_text(old.due) != _due_text(new.due):
        found.append(_due_change(old.due, new.due))
    if old.required != new.required:
        found.append(_("now required") if new.required else _("now optional"))
    if old.description != new.description:
        found.append(_("description"))
    return found


def _phase_changes(old: Phase, new: Phase) -> list[str]:
    found = []
    if old.title != new.title:
        found.append(_title_change(old.title, new.title))
    if _due_text(old.due) != _due_text(new.due):
        found.append(_due_change(old.due, new.due))
    if old.duration != new.duration:
        found.append(_("duration {old} → {new} working days").format(
            old=old.duration or "—", new=new.duration or "—"))
    if old.description != new.description:
        found.append(_("description"))
    return found


def _title_change(old: str, new: str) -> str:
    return _("title '{old}' → '{new}'").format(old=old, new=new)


def _due_text(due: Deadline | None) -> str | None:
    return due.text if due else None


def _due_change(old: Deadline | None, new: Deadline | None) -> str:
    return _("due '{old}' → '{new}'").format(old=_due_text(old) or "—", new=_due_text(new) or "—")


def _span(before: date | None, after: date | None) -> str:
    """Two dates in the command line's language: '2026-04-30 → 2026-05-15', in Dutch
    '30 april → 15 mei 2026' (the first year left out when both share it)."""
    if language() == "nl" and before is not None and after is not None \
            and before.year == after.year:
        return f"{before.day} {MONTHS_NL[before.month - 1]} → {dutch_date(after)}"
    none = _("none")
    return f"{say_date(before, empty=none)} → {say_date(after, empty=none)}"


_DUE = "\x00due\x00"  # where an added line gets its planned date (no text holds a NUL)


class _Diff:
    """The changes found, as readable lines and as the short form for the history."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.short: list[str] = []
        self.added: list[tuple[str, str]] = []  # (kind, id) whose due the plan gives

    def added_phase(self, phase: Phase, current: Phase) -> None:
        message = _("+ phase {phase} '{title}' ({due}; before the current phase: it stays "
                    "pending, reopen it to go through it)") if phase.index < current.index \
            else _("+ phase {phase} '{title}' ({due})")
        self.added.append(("phase", phase.id))
        self.lines.append(message.format(phase=phase.id, title=phase.title, due=_DUE))
        self.short.append(f"+ phase {phase.id}")

    def added_item(self, item: Item, in_done_phase: bool) -> None:
        message = _("+ {kind} {item} '{title}' (phase {phase}, {due}; a phase that is done: "
                    "no reminders, it blocks nothing)") if in_done_phase \
            else _("+ {kind} {item} '{title}' (phase {phase}, {due})")
        self.added.append((item.kind, item.id))
        self.lines.append(message.format(kind=say_kind(item.kind), item=item.id,
                                         title=item.title, phase=item.phase, due=_DUE))
        self.short.append(f"+ {item.kind} {item.id}")

    def removed(self, kind: str, ident: str, title: str, facts: _Facts) -> None:
        message = _("- {kind} {item} '{title}' ({facts}: dropped; the history keeps it)") \
            if facts else _("- {kind} {item} '{title}' (open)")
        self.lines.append(message.format(kind=say_kind(kind), item=ident, title=title,
                                         facts=facts.said()))
        self.short.append(f"- {kind} {ident}")

    def changed(self, kind: str, was: str, ident: str, changes: list[str],
                facts: _Facts) -> None:
        if was != ident:
            renamed = _("renamed from {was}; {facts} carried over") if facts \
                else _("renamed from {was}")
            changes = [renamed.format(was=was, facts=facts.said()), *changes]
        if changes:
            self.lines.append(_("~ {kind} {item}: {changes}").format(
                kind=say_kind(kind), item=ident, changes="; ".join(changes)))
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
                self.lines[index] = line.replace(_DUE, _("due {date}").format(
                    date=say_date(when)) if when else _("no deadline"))
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
            self.lines.append(_("deadline of {kind} {item}: {span}").format(
                kind=say_kind(kind), item=ident, span=_span(was, now)))
        if moved:
            self.short.append(f"{len(moved)} deadline{'s' * (len(moved) != 1)} moved")


def _note(new: Definition, diff: _Diff, renamed: Mapping[str, str], lost: list[_Lost],
          reason: str | None) -> str:
    parts = [f"from {new.path}"]
    parts.append(", ".join(diff.short) if diff.short else "no change to phases or items")
    if renamed:
        parts.append("renamed " + ", ".join(f"{o} → {n}" for o, n in renamed.items()))
    if reason is not None:
        dropped = ", ".join(_lost_noted(lost))
        parts.append(f"forced: {reason}" + (f" (dropped: {dropped})" if lost else ""))
    return "; ".join(parts)
