"""Validating a workflow definition's data, collecting every problem with its line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..dates import FIRST_DAY, LAST_DAY
from ..errors import DefinitionError
from ..i18n import _, say_date
from ..workdays import DEFAULT_CALENDAR, WorkingCalendar
from .clocksettings import clock_settings, extends_day
from .cycle import CYCLE_ITEM_KEYS, CYCLE_KEYS, DEFAULT_PHASE, with_cycle
from .limits import MAX_CLOSED_DAYS, MAX_WORKING_DAYS, longest_closure, offset_problem
from .meetingsources import MEETING_SOURCE_KEYS, meeting_sources
from .model import (
    KINDS,
    NEXT_START,
    PERIOD_PATTERN,
    ROLLS,
    Deadline,
    Definition,
    Item,
    LocalCalendar,
    Meeting,
    Period,
    Phase,
    ReminderPolicy,
    slug,
)
from .problems import (
    bad_id,
    long_id,
    long_municipal_id,
    names_no_municipality,
    not_a_mapping,
    outside,
    unknown_key,
)
from .references import (
    check_chain,
    check_documents,
    check_final,
    check_next_start,
    check_references,
    unique_ids,
)
from .yamlsource import INVALID, LDict, LList

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# What the database keeps (store/tables.py): ids of 100 characters, a body of 200, and a
# gemeente's name short enough to follow a value's key (zaaknummer@<gemeente>).
MAX_ID = 100
MAX_BODY = 200
MAX_MUNICIPALITY = 60
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RELATIVE = re.compile(
    r"^(?P<n>\d+)\s+(?P<unit>working\s+days?|days?|weeks?|months?)\s+"
    r"(?P<dir>after|before)\s+(?P<anchor>.+)$",
    re.IGNORECASE,
)
_ANCHOR = re.compile(r"^(?P<edge>start|end)(?:\s+of\s+(?P<phase>\S+))?$", re.IGNORECASE)
_DURATION = re.compile(r"^(?P<n>\d+)\s+(?P<unit>working\s+days?|days?|weeks?)$", re.IGNORECASE)

# Every key a definition may have, by where it stands: the parser refuses any other, and
# docs/workflow-format.md describes each one (tests/test_workflow_format.py keeps them equal).
TOP_KEYS = frozenset({"id", "title", "description", "period", "replaces", "start",
                      "municipalities", "roles", "phases", "calendar", "lead_times", "meetings",
                      "target", "reminders", "chain_lead_times", "purpose", "clock",
                      "cycle", "meeting_sources"})
PHASE_KEYS = frozenset({"id", "title", "description", "due", "duration", "final", "roll",
                        "tasks", "decisions", "documents"})
_COMMON_ITEM_KEYS = frozenset({"id", "title", "role", "due", "required", "roll", "description",
                               "per_municipality"})
ITEM_KEYS = {
    "task": _COMMON_ITEM_KEYS,
    "decision": _COMMON_ITEM_KEYS | {"body", "document", "beslispunten", "after", "extends"},
    "document": _COMMON_ITEM_KEYS,
}
CALENDAR_KEYS = frozenset({"closing_days", "closed", "recess", "lead_times"})
MUNICIPALITY_KEYS = CALENDAR_KEYS | {"name"}  # a gemeente written as a mapping
PERIOD_KEYS = frozenset({"from", "to", "why"})  # an entry of calendar.closed or .recess
REPLACES_KEYS = frozenset({"title", "until"})
CLOCK_KEYS = frozenset({"warn_months"})
TARGET_KEYS = frozenset({"phase", "by"})
MEETING_KEYS = frozenset({"body", "date", "papers_due"})
REMINDER_KEYS = frozenset({"before", "overdue_every", "escalate_after", "escalate_to",
                           "digest_to", "digest_horizon", "draft_before"})
ROLE_KEYS = frozenset({"title"})  # a role written as a mapping instead of its title
KEYS: dict[str, frozenset[str]] = {
    "definition": TOP_KEYS, "phase": PHASE_KEYS, **ITEM_KEYS, "calendar": CALENDAR_KEYS,
    "municipality": MUNICIPALITY_KEYS, "period": PERIOD_KEYS, "replaces": REPLACES_KEYS,
    "target": TARGET_KEYS, "meeting": MEETING_KEYS, "reminders": REMINDER_KEYS,
    "role": ROLE_KEYS, "clock": CLOCK_KEYS, "cycle": CYCLE_KEYS, "cycle_item": CYCLE_ITEM_KEYS,
    "meeting_source": MEETING_SOURCE_KEYS,
}
# A beslispunt is an infinitive clause: "… te <werkwoord> …" (pragmatic, not a grammar).
_INFINITIVE = re.compile(r"(?:^|\s)te\s+\w", re.IGNORECASE)
_DEFAULT_REQUIRED = {"task": True, "decision": True, "document": False}


def _as_ldict(values: Mapping[str, Any], line: int) -> LDict:
    result = LDict((k, v) for k, v in values.items() if v is not None)
    result.line, result.key_lines = line, {}
    return result


class DefinitionParser:
    """One pass over a definition's YAML that collects every problem before giving up."""

    def __init__(self, text: str, path: str, tree: Any = None) -> None:
        self.text = text
        self.path = path
        self.tree = tree
        self.problems: list[tuple[int, str]] = []
        # Ids of per-municipality items before expansion, for a hint when one is an anchor.
        self.groups: set[str] = set()
        # A `final:` that could not be read is reported once, not again as a missing final.
        self.final_unreadable = False
        # The rules that came after processes were stored (bounds, a decision's title) hold
        # for files; a stored definition's compiled copy is read as it was accepted.
        self.strict = tree is None

    def limit(self, line: int, message: str) -> None:
        """A problem under a rule that stored definitions predate (see `strict`)."""
        if self.strict:
            self.problem(line, message)

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def fail(self) -> DefinitionError:
        ordered = sorted(set(self.problems))
        return DefinitionError(f"{self.path}:{line}: {message}" for line, message in ordered)

    def parse(self) -> Definition:
        from .yamlsource import load_yaml

        data = self.tree if self.tree is not None else load_yaml(self.text, self.problems)
        if self.problems and not isinstance(data, LDict):
            raise self.fail()
        if not isinstance(data, LDict):
            self.problem(1, _("a definition is a mapping with id, title, roles and phases"))
            raise self.fail()
        self.unknown_keys(data, TOP_KEYS, "definition")
        def_id = self.ident(data, "id", "definition")
        title = self.string(data, "title", required=True)
        roles = self.roles(data)
        process_calendar = self.local_calendar(data.get("calendar"), data.line_of("calendar"),
                                               None, lead_times=data.get("lead_times"),
                                               lead_line=data.line_of("lead_times"))
        municipalities, local = self.municipalities(data, process_calendar)
        start = self.day(data, "start")
        phases_raw = data.get("phases")
        if not isinstance(phases_raw, LList) or not phases_raw:
            self.problem(data.line_of("phases"), _("phases must be a non-empty list"))
            raise self.fail()
        phases_raw = with_cycle(phases_raw, data, self.problem)
        # Known before any item is read, so a decision can name a per-municipality document
        # that is listed after it.
        self.groups = {str(entry.get("id")) for phase in phases_raw if isinstance(phase, LDict)
                       for kind in KINDS if isinstance(phase.get(kind + "s"), LList)
                       for entry in phase[kind + "s"]
                       if isinstance(entry, LDict) and entry.get("per_municipality") is True}
        phases: list[Phase] = []
        for raw, line in zip(phases_raw, phases_raw.item_lines, strict=True):
            if not isinstance(raw, LDict):
                self.problem(line, _("each phase is a mapping with id and title"))
                continue
            phase = self.phase(raw, len(phases), roles, municipalities)
            if phase is not None:
                phases.append(phase)
        if not self.final_unreadable:
            check_final(self, phases, phases_raw)
        items = unique_ids(self, phases)
        check_references(self, phases, items)
        check_documents(self, items)
        check_chain(self, phases, items, tuple(municipalities))
        description, period = self.string(data, "description"), self.string(data, "period")
        if period is not None and not PERIOD_PATTERN.match(period):
            self.problem(data.line_of("period"), _("period '{period}' must be two years, "
                                                   "e.g. 2027-2030").format(period=period))
        elif period is not None and not all(
                FIRST_DAY.year <= int(year) <= LAST_DAY.year
                for year in PERIOD_PATTERN.match(period).groups()):  # type: ignore[union-attr]
            self.limit(data.line_of("period"), _(
                "period '{period}' lies outside the dates ivpflow plans with ({first} to {last})"
            ).format(period=period, first=say_date(FIRST_DAY), last=say_date(LAST_DAY)))
        replaces, replaces_until = self.replaces(data)
        meetings = self.meetings(data, items)
        target = self.target(data, phases)
        reminders = self.reminders(data, roles)
        purpose, warn_months = clock_settings(self, data)
        sources = meeting_sources(self, data, municipalities,
                                  list(dict.fromkeys(i.body for i in items.values() if i.body)))
        check_next_start(self, phases, items, period)
        if self.problems:
            raise self.fail()
        return Definition(
            id=def_id or "",
            title=title or "",
            path=self.path,
            source=self.text,
            phases=tuple(phases),
            roles=roles,
            municipalities=tuple(municipalities),
            description=description,
            period=period,
            replaces=replaces,
            start=start,
            items=items,
            calendar=process_calendar,
            local=local,
            meetings=meetings,
            replaces_until=replaces_until,
            target=target,
            reminders=reminders,
            chain_lead_times=self.lead_times(data.get("chain_lead_times"),
                                             data.line_of("chain_lead_times")),
            purpose=purpose,
            warn_months=warn_months,
            cycle=(str(data["cycle"].get("id", DEFAULT_PHASE))
                   if isinstance(data.get("cycle"), LDict) else None),
            meeting_sources=sources,
            tree=data,
        )

    def reminders(self, data: LDict, roles: Mapping[str, str]) -> ReminderPolicy:
        """The reminder policy; without one, sensible defaults for the roles there are."""
        default_escalation = next((r for r in ("projectmanager", "manager", "portefeuillehouder")
                                   if r in roles), None)
        defaults = ReminderPolicy(escalate_to=default_escalation,
                                  digest_to="coordinator" if "coordinator" in roles else None)
        raw = data.get("reminders")
        if raw is None:
            return defaults
        if not isinstance(raw, LDict):
            self.problem(data.line_of("reminders"), _("reminders must be a mapping"))
            return defaults
        self.unknown_keys(raw, REMINDER_KEYS, "reminders")
        before = raw.get("before", list(defaults.before))
        if (not isinstance(before, list)
                or not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n <= 40
                           for n in before)):
            self.problem(raw.line_of("before"), _("reminders.before must be a list of working "
                                                  "days between 1 and 40, e.g. [10, 2]"))
            before = list(defaults.before)
        numbers = {}
        for key, low in (("overdue_every", 1), ("escalate_after", 0), ("digest_horizon", 1),
                         ("draft_before", 0)):
            value = raw.get(key, getattr(defaults, key))
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or not low <= value <= 60):
                self.problem(raw.line_of(key), _("reminders.{key} must be working days "
                                                 "between {low} and 60").format(key=key,
                                                                                low=low))
                value = getattr(defaults, key)
            numbers[key] = value
        people = {}
        for key in ("escalate_to", "digest_to"):
            role = self.string(raw, key) if key in raw else getattr(defaults, key)
            if role is not None and role not in roles:
                self.problem(raw.line_of(key), _(
                    "reminders.{key} names unknown role '{role}'; roles: {roles}").format(
                        key=key, role=role, roles=", ".join(roles)))
                role = None
            people[key] = role
        return ReminderPolicy(before=tuple(sorted(set(before), reverse=True)),
                              overdue_every=numbers["overdue_every"],
                              escalate_after=numbers["escalate_after"] or None,
                              escalate_to=people["escalate_to"],
                              digest_to=people["digest_to"],
                              digest_horizon=numbers["digest_horizon"],
                              draft_before=numbers["draft_before"])

    # -- calendars, meetings and the clock

    def day(self, data: LDict, key: str) -> date | None:
        value = data.get(key)
        if value is None or value is INVALID:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            self.in_window(value, data.line_of(key), key)
            return value
        self.problem(data.line_of(key), _("{key} must be a date (YYYY-MM-DD), not '{value}'")
                     .format(key=key, value=value))
        return None

    def in_window(self, value: date, line: int, what: str) -> None:
        if not FIRST_DAY <= value <= LAST_DAY:
            self.limit(line, outside(what, say_date(value)))

    def periods(self, raw: Any, line: int, what: str) -> tuple[Period, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, LList):
            self.problem(line, _("{key} must be a list of {{from, to, why}}").format(key=what))
            return ()
        found = []
        for entry, entry_line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(entry, LDict) or not {"from", "to"} <= set(entry):
                self.problem(entry_line, _("each {key} period needs from, to and why")
                             .format(key=what))
                continue
            self.unknown_keys(entry, PERIOD_KEYS, f"{what} period")
            start, end = self.day(entry, "from"), self.day(entry, "to")
            if start and end and end < start:
                self.problem(entry_line, _("{key} period ends ({end}) before it starts "
                                           "({start})").format(key=what, end=say_date(end),
                                                               start=say_date(start)))
            elif start and end and (end - start).days + 1 > MAX_CLOSED_DAYS:
                self.limit(entry_line, _("{key} period {start} to {end} is {days} days long; "
                                         "at most {most}").format(
                    key=what, start=say_date(start), end=say_date(end),
                    days=(end - start).days + 1, most=MAX_CLOSED_DAYS))
                found.append(Period(start, end, str(entry.get("why") or what)))
            elif start and end:
                found.append(Period(start, end, str(entry.get("why") or what)))
        return tuple(found)

    def lead_times(self, raw: Any, line: int) -> dict[str, int]:
        if raw is None:
            return {}
        if not isinstance(raw, LDict):
            self.problem(line, _("lead_times must map a body (or its first word) to a lead "
                                 "time"))
            return {}
        found: dict[str, int] = {}
        for body, value in raw.items():
            amount = self.working_days(value, raw.line_of(body), body)
            if amount is not None:
                found[body] = amount
        return found

    def working_days(self, value: Any, line: int, body: str | None = None) -> int | None:
        """A duration in working days: 15, '15 working days' or '3 weeks' (5 per week); a
        phase's duration, or the lead time of `body`."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            amount = value
        else:
            match = (_DURATION.match(" ".join(str(value).split())) if isinstance(value, str)
                     else None)
            if match is None or match.group("unit").lower().startswith("day"):
                self.problem(line, (
                    _("duration must be working days or weeks, e.g. '15 working days' or "
                      "'3 weeks', not '{value}'") if body is None
                    else _("lead time of '{body}' must be working days or weeks, e.g. '15 "
                           "working days' or '3 weeks', not '{value}'")
                ).format(body=body, value=value))
                return None
            per = 5 if match.group("unit").lower().startswith("week") else 1
            amount = int(match.group("n")) * per
        if amount > MAX_WORKING_DAYS:
            self.limit(line, (
                _("duration is {amount} working days; at most {most} (about eight years)")
                if body is None
                else _("lead time of '{body}' is {amount} working days; at most {most} (about "
                       "eight years)")
            ).format(body=body, amount=amount, most=MAX_WORKING_DAYS))
        return amount

    def local_calendar(self, raw: Any, line: int, base: LocalCalendar | None, *,
                       lead_times: Any = None, lead_line: int = 0) -> LocalCalendar:
        if raw is not None and not isinstance(raw, LDict):
            self.problem(line, _("a calendar is a mapping with closing_days, closed, recess "
                                 "and lead_times"))
            raw = None
        raw = raw if raw is not None else LDict()
        if not hasattr(raw, "line"):
            raw.line, raw.key_lines = line, {}
        self.unknown_keys(raw, MUNICIPALITY_KEYS if base else CALENDAR_KEYS, "calendar")
        closing: dict[date, str] = dict(base.working.closing_days) if base else {}
        days_raw = raw.get("closing_days")
        if isinstance(days_raw, LDict):
            for key, why in days_raw.items():
                try:
                    day = date.fromisoformat(str(key))
                except ValueError:
                    self.problem(days_raw.line_of(key),
                                 _("closing day '{day}' is not a date").format(day=key))
                    continue
                self.in_window(day, days_raw.line_of(key), "closing day")
                closing[day] = str(why or "sluitingsdag")
        elif days_raw is not None:
            self.problem(raw.line_of("closing_days"),
                         _("closing_days must map dates to reasons"))
        closed = (base.working.closed_periods if base else ()) + tuple(
            (p.start, p.end, p.why) for p in self.periods(raw.get("closed"),
                                                          raw.line_of("closed"), "closed"))
        longest = longest_closure([(start, end) for start, end, _ in closed])
        if (longest and (longest[1] - longest[0]).days + 1 > MAX_CLOSED_DAYS
                and longest not in [(start, end) for start, end, _ in closed]):
            # The working-day search walks a closure day by day; periods run together count
            # as one.
            self.limit(raw.line_of("closed"), _(
                "closed periods run together from {start} to {end}; at most {most} days in a "
                "row").format(start=say_date(longest[0]), end=say_date(longest[1]),
                              most=MAX_CLOSED_DAYS))
        recess = self.periods(raw.get("recess"), raw.line_of("recess"), "recess")
        leads = dict(base.lead_times) if base else {}
        leads.update(self.lead_times(raw.get("lead_times"), raw.line_of("lead_times")))
        leads.update(self.lead_times(lead_times, lead_line))
        working = (WorkingCalendar(closing_days=closing, closed_periods=closed)
                   if closing or closed else DEFAULT_CALENDAR)
        return LocalCalendar(working=working,
                             recess=recess or (base.recess if base else ()),
                             lead_times=leads)

    def replaces(self, data: LDict) -> tuple[str | None, date | None]:
        raw = data.get("replaces")
        if isinstance(raw, LDict):
            self.unknown_keys(raw, REPLACES_KEYS, "replaces")
            return self.string(raw, "title", required=True), self.day(raw, "until")
        return self.string(data, "replaces"), None

    def target(self, data: LDict, phases: list[Phase]) -> tuple[str, date] | None:
        raw = data.get("target")
        if raw is None:
            return None
        if not isinstance(raw, LDict):
            self.problem(data.line_of("target"), _("target must be a mapping with phase and by"))
            return None
        self.unknown_keys(raw, TARGET_KEYS, "target")
        phase, by = self.string(raw, "phase", required=True), self.day(raw, "by")
        if by is None and raw.get("by") is None:
            self.problem(raw.line, _("missing '{key}'").format(key="by"))
        if phase is not None and phase not in [p.id for p in phases]:
            self.problem(raw.line_of("phase"),
                         _("target names unknown phase '{phase}'").format(phase=phase))
            return None
        return (phase, by) if phase and by else None

    def meetings(self, data: LDict, items: Mapping[str, Item]) -> tuple[Meeting, ...]:
        raw = data.get("meetings")
        line = data.line_of("meetings")
        if raw is None:
            return ()
        if isinstance(raw, str):
            from .meeting_files import read_meetings_file

            source = Path(self.path).parent / raw
            try:
                rows = read_meetings_file(source)
            except (OSError, ValueError) as exc:
                self.problem(line, _("cannot read meetings file '{file}': {reason}")
                             .format(file=raw, reason=exc))
                return ()
            # The meetings become part of the definition's data, so the stored copy of a
            # process's definition needs the file no more.
            raw = LList(_as_ldict({"body": m.body, "date": m.date, "papers_due": m.papers_due},
                                  line) for m in rows)
            raw.line, raw.item_lines = line, [line] * len(raw)
            data["meetings"] = raw
        if not isinstance(raw, LList):
            self.problem(line, _("meetings must be a list of {{body, date, papers_due}} or a "
                                 "file").format())
            return ()
        bodies = {i.body for i in items.values() if i.body}
        found: list[Meeting] = []
        for entry, entry_line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(entry, LDict):
                self.problem(entry_line, _("each meeting is a mapping with body and date"))
                continue
            self.unknown_keys(entry, MEETING_KEYS, "meeting")
            body, day = self.string(entry, "body", required=True), self.day(entry, "date")
            if body is not None and body not in bodies:
                self.problem(entry.line_of("body"), _(
                    "meeting of unknown body '{body}'; bodies: {bodies}").format(
                        body=body, bodies=", ".join(sorted(bodies))))
            elif body is not None and day is not None:
                papers = self.day(entry, "papers_due")
                if papers is not None and papers > day:
                    self.limit(entry.line_of("papers_due"), _(
                        "papers due {papers} lie after the meeting of {body} on {day}").format(
                            papers=say_date(papers), body=body, day=say_date(day)))
                if any(m.body == body and m.date == day for m in found):
                    self.limit(entry_line, _("meeting of {body} on {day} is listed twice")
                               .format(body=body, day=say_date(day)))
                    continue
                found.append(Meeting(body, day, papers))
        return tuple(found)

    # -- small readers

    def unknown_keys(self, data: LDict, allowed: AbstractSet[str], what: str,
                     role: str | None = None) -> None:
        """Every key of `data` not in `allowed`; `what` names the place (see problems.unknown_key),
        `role` the role of a role's mapping."""
        for key in data:
            if key not in allowed:
                self.problem(data.line_of(key), unknown_key(what).format(
                    key=key, role=role, allowed=", ".join(sorted(allowed))))

    def string(self, data: LDict, key: str, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is INVALID:
            return None
        if value is None:
            if required:
                self.problem(data.line, _("missing '{key}'").format(key=key))
            return None
        if isinstance(value, (LDict, LList)) or isinstance(value, bool):
            self.problem(data.line_of(key), _("'{key}' must be text").format(key=key))
            return None
        if required and not str(value).strip():
            self.limit(data.line_of(key), _("'{key}' must not be empty").format(key=key))
        return str(value)

    def ident(self, data: LDict, key: str, what: str) -> str | None:
        value = self.string(data, key, required=True)
        if value is not None and not ID_PATTERN.match(value):
            # Reported, but kept, so the rest of the definition is still checked with it.
            self.problem(data.line_of(key), bad_id(what).format(id=value))
        elif value is not None and len(value) > MAX_ID:
            self.problem(data.line_of(key), long_id(what).format(
                id=value[:20], length=len(value), most=MAX_ID))
        return value

    def flag(self, data: LDict, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if value is INVALID:
            return default
        if not isinstance(value, bool):
            self.problem(data.line_of(key), _("'{key}' must be true or false, not '{value}'")
                         .format(key=key, value=value))
            return default
        return value

    def roles(self, data: LDict) -> dict[str, str]:
        raw = data.get("roles")
        if not isinstance(raw, LDict) or not raw:
            self.problem(data.line_of("roles"), _("roles must be a mapping of role id to title"))
            return {}
        roles: dict[str, str] = {}
        for role_id, title in raw.items():
            if not ID_PATTERN.match(role_id) or len(role_id) > MAX_ID:
                self.problem(raw.line_of(role_id), _(
                    "role id '{role}' must be lower-case letters, digits and '-' (at most "
                    "{most})").format(role=role_id, most=MAX_ID))
            if isinstance(title, LDict):
                self.unknown_keys(title, ROLE_KEYS, "role", role=role_id)
                title = title.get("title", role_id)
            roles[role_id] = str(title if title is not None else role_id)
        return roles

    def municipalities(self, data: LDict, base: LocalCalendar
                       ) -> tuple[list[str], dict[str, LocalCalendar]]:
        raw = data.get("municipalities", [])
        if not isinstance(raw, list):
            self.problem(data.line_of("municipalities"),
                         _("municipalities must be a list of names"))
            return [], {}
        names: list[str] = []
        local: dict[str, LocalCalendar] = {}
        seen: set[str] = set()
        for entry, line in zip(raw, getattr(raw, "item_lines", [0] * len(raw)), strict=True):
            if isinstance(entry, LDict):
                name = self.string(entry, "name", required=True)
                if name is not None:
                    local[name] = self.local_calendar(entry, line, base)
            elif isinstance(entry, str) and entry:
                name = str(entry)
            else:
                self.problem(line, _("each municipality is a name, or a mapping with name and "
                                     "its calendar"))
                continue
            if name is None:
                continue
            if slug(name) in seen:
                self.problem(line, _("municipality '{name}' is listed twice").format(
                    name=name))
            if len(name) > MAX_MUNICIPALITY:
                self.problem(line, _("municipality '{name}…' is {length} characters long; "
                                     "names are at most {most}").format(
                    name=name[:20], length=len(name), most=MAX_MUNICIPALITY))
            seen.add(slug(name))
            names.append(name)
        return names, local

    def deadline(self, data: LDict, key: str, own_phase: str) -> Deadline | None:
        value = data.get(key)
        line = data.line_of(key)
        raw_roll = data.get("roll", "previous")
        roll = "previous" if raw_roll is INVALID else str(raw_roll)
        if roll not in ROLLS:
            self.problem(data.line_of("roll"), _("roll must be one of {rolls}, not '{roll}'")
                         .format(rolls=", ".join(ROLLS), roll=roll))
            roll = "previous"
        if value is None or value is INVALID:
            return None
        if isinstance(value, datetime):
            self.problem(line, _("deadline '{deadline}' must be a date without a time")
                         .format(deadline=value))
            return None
        if isinstance(value, date):
            self.in_window(value, line, "deadline")
            return Deadline(text=value.isoformat(), day=value, roll=roll)
        if not isinstance(value, str):
            self.problem(line, _("deadline '{deadline}' is not a date, a month or a relative "
                                 "deadline").format(deadline=value))
            return None
        text = " ".join(value.split())
        month = _MONTH.match(text)
        if month:
            year, mon = int(month.group(1)), int(month.group(2))
            if not 1 <= mon <= 12:
                self.problem(line, _("month '{month}' does not exist").format(month=text))
                return None
            if not FIRST_DAY.year <= year <= LAST_DAY.year:
                self.limit(line, outside("deadline", text))
            return Deadline(text=text, month=(year, mon), roll=roll)
        if text.lower() == NEXT_START:  # the four-year clock's day (planning.clock.plan_term)
            return Deadline(text=text, anchor_kind=NEXT_START, roll=roll)
        edge = _ANCHOR.match(text)
        if edge:
            return Deadline(text=text, anchor_kind=edge.group("edge").lower(),
                            anchor=edge.group("phase") or own_phase, roll=roll)
        rel = _RELATIVE.match(text)
        if not rel:
            self.problem(line, _("deadline '{deadline}' not understood; write a date "
                                 "(2026-06-30), a month (2026-06) or e.g. '6 weeks after start "
                                 "of analyse', '10 working days before vaststelling'")
                         .format(deadline=text))
            return None
        unit = rel.group("unit").lower().split()
        unit_name = "working_days" if unit[0] == "working" else unit[0].rstrip("s") + "s"
        sign = 1 if rel.group("dir").lower() == "after" else -1
        anchor_text = rel.group("anchor").strip()
        edge = _ANCHOR.match(anchor_text)
        if edge:
            kind = edge.group("edge").lower()
            target = edge.group("phase") or own_phase
        else:
            kind, target = "item", anchor_text
        deadline = Deadline(text=text, amount=sign * int(rel.group("n")), unit=unit_name,
                            anchor_kind=kind, anchor=target, roll=roll)
        too_far = offset_problem(deadline)
        if too_far:
            self.limit(line, too_far)
        return deadline

    # -- structure

    def phase(self, raw: LDict, index: int, roles: Mapping[str, str],
              municipalities: list[str]) -> Phase | None:
        self.unknown_keys(raw, PHASE_KEYS, "phase")
        phase_id = self.ident(raw, "id", "phase")
        if phase_id is None:
            return None
        if raw.get("final") is INVALID:
            self.final_unreadable = True
        final = self.flag(raw, "final", False)
        items: list[Item] = []
        for kind in KINDS:
            entries = raw.get(kind + "s")
            if entries is None:
                continue
            if not isinstance(entries, LList):
                self.problem(raw.line_of(kind + "s"),
                             _("{key} must be a list").format(key=kind + "s"))
                continue
            for entry, line in zip(entries, entries.item_lines, strict=True):
                if not isinstance(entry, LDict):
                    self.problem(line, not_a_mapping(kind))
                    continue
                items.extend(self.item(kind, entry, phase_id, roles, municipalities))
        if final and (items or raw.get("due") is not None):
            self.problem(raw.line, _("final phase '{phase}' cannot have a deadline or items")
                         .format(phase=phase_id))
        duration = (self.working_days(raw["duration"], raw.line_of("duration"))
                    if raw.get("duration") is not None else None)
        return Phase(
            id=phase_id,
            title=self.string(raw, "title", required=True) or phase_id,
            index=index,
            due=self.deadline(raw, "due", phase_id),
            items=tuple(items),
            final=final,
            description=self.string(raw, "description"),
            duration=duration,
            line=raw.line,
        )

    def item(self, kind: str, raw: LDict, phase_id: str, roles: Mapping[str, str],
             municipalities: list[str]) -> list[Item]:
        self.unknown_keys(raw, ITEM_KEYS[kind], kind)
        item_id = self.ident(raw, "id", kind)
        # A decision's title was once optional (the body stood in): stored ones may lack it.
        title = self.string(raw, "title", required=kind != "decision" or self.strict)
        body = self.string(raw, "body", required=kind == "decision")
        role = self.string(raw, "role", required=kind == "task")
        if role is not None and roles and role not in roles:
            self.problem(raw.line_of("role"), _("unknown role '{role}'; roles: {roles}")
                         .format(role=role, roles=", ".join(roles)))
        if item_id is None:
            return []
        if body is not None and len(body) > MAX_BODY:
            self.problem(raw.line_of("body"), _("body '{body}…' is {length} characters long; "
                                                "a body is at most {most}").format(
                body=body[:20], length=len(body), most=MAX_BODY))
        base = Item(
            kind=kind,
            id=item_id,
            title=title or body or item_id,
            phase=phase_id,
            due=self.deadline(raw, "due", phase_id),
            required=self.flag(raw, "required", _DEFAULT_REQUIRED[kind]),
            role=role,
            body=body,
            description=self.string(raw, "description"),
            document=self.string(raw, "document") if kind == "decision" else None,
            beslispunten=self.beslispunten(raw, item_id) if kind == "decision" else (),
            after=self.string(raw, "after") if kind == "decision" else None,
            extends=extends_day(self, raw, item_id, body) if kind == "decision" else None,
            line=raw.line,
        )
        if not self.flag(raw, "per_municipality", False):
            return [base]
        if not municipalities:
            self.problem(raw.line_of("per_municipality"),
                         _("per_municipality needs a list of municipalities in the "
                           "definition"))
            return []
        if "{municipality}" not in (base.body or base.title):
            self.problem(raw.line_of("per_municipality"),
                         names_no_municipality(kind).format(id=item_id))
        longest = max(municipalities, key=lambda name: len(slug(name)))
        if len(f"{item_id}-{slug(longest)}") > MAX_ID:
            self.problem(raw.line_of("id"), long_municipal_id(kind).format(
                id=f"{item_id}-{slug(longest)}", municipality=longest, most=MAX_ID))
        if base.body and len(base.body.replace("{municipality}", longest)) > MAX_BODY:
            self.problem(raw.line_of("body"), _("body for {municipality} is longer than {most} "
                                                "characters").format(municipality=longest,
                                                                     most=MAX_BODY))
        return [
            Item(
                kind=kind,
                id=f"{item_id}-{slug(name)}",
                title=base.title.replace("{municipality}", name),
                phase=phase_id,
                due=base.due,
                required=base.required,
                role=base.role,
                body=base.body.replace("{municipality}", name) if base.body else None,
                municipality=name,
                description=base.description,
                document=(f"{base.document}-{slug(name)}" if base.document in self.groups
                          else base.document),
                beslispunten=tuple(p.replace("{municipality}", name)
                                   for p in base.beslispunten),
                after=(f"{base.after}-{slug(name)}" if base.after in self.groups
                       else base.after),
                extends=base.extends,
                line=base.line,
            )
            for name in municipalities
        ]

    def beslispunten(self, raw: LDict, item_id: str) -> tuple[str, ...]:
        """A decision's beslispunten: non-empty infinitive clauses, kept without the ';' or
        '.' a draft puts after each."""
        value = raw.get("beslispunten")
        if value is None or value is INVALID:
            return ()
        if not isinstance(value, LList):
            self.problem(raw.line_of("beslispunten"), _(
                "'beslispunten' of decision '{id}' must be a list of texts").format(id=item_id))
            return ()
        points = []
        for index, entry in enumerate(value):
            line = value.item_lines[index] if index < len(value.item_lines) else value.line
            if not isinstance(entry, str) or isinstance(entry, bool) or not entry.strip():
                self.problem(line, _("beslispunt {number} of decision '{id}' must be a "
                                     "non-empty text").format(number=index + 1, id=item_id))
                continue
            text = " ".join(entry.split()).rstrip(";.").rstrip()
            if not _INFINITIVE.search(text):
                self.problem(line, _("beslispunt '{text}' of decision '{id}' is not an "
                                     'infinitive clause ("… te <werkwoord>")').format(
                    text=text, id=item_id))
                continue
            points.append(text)
        return tuple(points)
