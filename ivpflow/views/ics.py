"""The iCalendar export: every deadline and meeting of a process, for the agenda of its people.

Each event has a stable UID, so importing a newer export updates the entries instead of adding
them twice. A task, decision or document has the UID its reminder mail's attachment has
(`<process>.<item>@ivpflow`), so both land on one entry; phases and meetings have their own
(`<process>.phase.<id>@ivpflow`, `<process>.meeting.<body>.<date>@ivpflow`). SEQUENCE is the
process's version counter, which grows with every change, so a calendar can tell the newer one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..dates import dutch_date
from ..planning.reasons import say
from ..store import Store
from ..workflow.model import Definition, slug

if TYPE_CHECKING:
    from icalendar import Alarm, Calendar, Event

    from ..planning.plan import PlanRow
    from .status import Status

KIND_NL = {"phase": "fase", "task": "taak", "decision": "besluit", "document": "document",
           "meeting": "vergadering"}
OUTCOME_NL = {"vastgesteld": "vastgesteld", "gewijzigd-vastgesteld": "gewijzigd vastgesteld",
              "aangehouden": "aangehouden", "verworpen": "verworpen"}
ALARM_HOUR = 9  # alarms go off at 09:00 on their day, local time


@dataclass(frozen=True)
class Snapshot:
    """One process at one moment, read in one transaction: status, plan rows, definition."""

    status: Status
    rows: list[PlanRow]
    definition: Definition
    version: int
    today: date
    phase_start: dict[str, str]  # phase -> its start as planned (the real one once begun)


def snapshot(store: Store, process_id: str | None, *, now: datetime) -> Snapshot:
    """Read a process's status and plan together, so both describe the same moment."""
    from ..planning.plan import build_plan
    from ..store.reader import read_definition, read_process
    from ..store.rows import facts_of
    from .status import describe, troubles, with_successor

    today = now.date()
    with store.transaction() as tx:
        process = read_process(tx, process_id)
        definition = read_definition(tx, process.definition_digest)
    plan = build_plan(definition, facts_of(process, today))
    status = describe(process, definition, today, plan)
    status["clock"] = with_successor(store, process.id, status["clock"])
    status["undelivered"], status["draft_failures"] = troubles(store, process.id, now)
    starts = {phase: day.isoformat() for phase, day in plan["deadlines"].phase_start.items()}
    return Snapshot(status, plan["rows"], definition, process.version, today, starts)


def event_uid(process_id: str, kind: str, ident: str, day: date | None = None) -> str:
    """The stable UID of one calendar entry of a process."""
    if kind == "phase":
        return f"{process_id}.phase.{ident}@ivpflow"
    if kind == "meeting":
        return f"{process_id}.meeting.{slug(ident)}.{(day or date.min).isoformat()}@ivpflow"
    return f"{process_id}.{ident}@ivpflow"


def export_ics(store: Store, process_id: str | None, *, now: datetime) -> bytes:
    """Every deadline (phases, tasks, decisions, documents) and meeting as an iCalendar file."""
    data: bytes = calendar_of(snapshot(store, process_id, now=now), now=now).to_ical()
    return data


def calendar_of(shot: Snapshot, *, now: datetime) -> Calendar:
    """The icalendar Calendar of a snapshot: one all-day VEVENT per dated plan row."""
    from icalendar import Calendar, Timezone

    status = shot.status
    calendar = Calendar.new(prodid="-//ivpflow//IVP-termijnen//NL", method="PUBLISH",
                            name=f"{status['title']} ({status['id']})",
                            description=f"Termijnen en vergaderingen van {status['title']}",
                            uid=f"{status['id']}@ivpflow")
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    first, last = plan_period(shot)
    # Deadlines are whole days, so the events carry dates, not times; the zone says whose
    # days they are and is the one the alarms' 09:00 means.
    calendar.add_component(Timezone.from_tzid("Europe/Amsterdam", first_date=first,
                                              last_date=last))
    for event in _events(shot, now):
        calendar.add_component(event)
    return calendar


def plan_period(shot: Snapshot) -> tuple[date, date]:
    """The days the time zone must cover: from the process's start (or the earliest date of
    its plan) to the last of its dates, forecasts, the IVP period and the four-year clock,
    each a year wider so that an agenda looking around them still has the rules."""
    status = shot.status
    days = [date.fromisoformat(value) for row in shot.rows
            for value in (row["planned"], row["forecast"], row["actual"], row["not_before"])
            if value]
    days += [shot.today, date.fromisoformat(status["start"])]
    clock: Mapping[str, Any] = status["clock"] or {}
    days += [date.fromisoformat(value) for value in clock.values()
             if isinstance(value, str) and _is_date(value)]
    years = shot.definition.period_years
    if years:
        days += [date(years[0], 1, 1), date(years[1], 12, 31)]
    return min(days) - timedelta(days=366), max(days) + timedelta(days=366)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _events(shot: Snapshot, now: datetime) -> Iterable[Event]:
    from icalendar import Event
    from icalendar.enums import TRANSP

    status, definition = shot.status, shot.definition
    items: dict[str, Mapping[str, Any]] = {
        i["id"]: i for i in status["tasks"] + status["decisions"] + status["documents"]}
    phases: dict[str, Mapping[str, Any]] = {p["id"]: p for p in status["phases"]}
    holders = {r["role"]: (r["title"], [p["name"] for p in r["people"]]) for r in status["roles"]}
    stamp = now.astimezone(UTC)
    decisions_on: dict[tuple[str | None, str | None], list[str]] = {}
    for row in shot.rows:
        if row["kind"] == "decision" and row.get("meeting"):
            title = " ".join(items.get(row["id"], {}).get("title", row["id"]).split())
            decisions_on.setdefault((row.get("body"), row["meeting"]), []).append(
                f"{title} ({row['id']})")
    for row in shot.rows:
        if not row["planned"]:
            continue
        due = date.fromisoformat(row["planned"])
        kind = row["kind"]
        item = items.get(row["id"], {})
        phase = phases.get(row["phase"] or "", {})
        summary, lines = _text(row, item, phase, holders, decisions_on, status)
        closed = row["actual"] is not None or (kind != "phase" and phase.get("status") == "done")
        if kind == "meeting":
            closed = due < shot.today
        event = Event.new(uid=event_uid(status["id"], kind, row["id"], due), start=due,
                          end=due + timedelta(days=1), summary=summary,
                          description="\n".join(lines), stamp=stamp, sequence=shot.version,
                          transparency=TRANSP.TRANSPARENT,
                          categories=["IVP", status["id"], KIND_NL[kind]])
        if not closed:
            for alarm in _alarms(shot, definition, row, item, due, summary):
                event.add_component(alarm)
        yield event


def _text(row: Mapping[str, Any], item: Mapping[str, Any], phase: Mapping[str, Any],
          holders: dict[str, tuple[str, list[str]]],
          decisions_on: dict[tuple[str | None, str | None], list[str]],
          status: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The Dutch SUMMARY and DESCRIPTION lines of one plan row."""
    kind, ident = row["kind"], row["id"]
    process = f"{status['title']} ({status['id']})"
    due = date.fromisoformat(row["planned"])
    title = " ".join((item.get("title") or phase.get("title") or ident).split())
    lines: list[str] = []
    if kind == "meeting":
        summary = f"Vergadering {ident}"
        lines.append(f"Vergadering van {ident}, {dutch_date(due, weekday=True)}.")
        if row.get("papers_due"):
            papers = date.fromisoformat(row["papers_due"])
            lines.append(f"Stukken uiterlijk: {dutch_date(papers, weekday=True)}.")
        for decision in decisions_on.get((ident, row["planned"]), []):
            lines.append(f"Gepland besluit: {decision}")
        lines.append(f"Proces: {process}")
        return summary, lines
    if kind == "phase":
        summary = f"Einde fase {title}"
        lines.append(f"Fase {title} uiterlijk afgerond op {dutch_date(due, weekday=True)}.")
    elif kind == "decision":
        summary = f"Besluit: {title}"
        lines.append(f"Besluit van {row.get('body') or item.get('body')}, "
                     f"uiterlijk {dutch_date(due, weekday=True)}.")
        if row.get("papers_due"):
            papers = date.fromisoformat(row["papers_due"])
            lines.append(f"Stukken uiterlijk: {dutch_date(papers, weekday=True)}.")
    else:
        summary = f"{'Document gereed' if kind == 'document' else 'Uiterlijk'}: {title}"
        lines.append(f"{KIND_NL[kind].capitalize()} in fase {phase.get('title', row['phase'])},"
                     f" uiterlijk {dutch_date(due, weekday=True)}.")
    role = item.get("role")
    if role:
        role_title, people = holders.get(role, (role, []))
        lines.append(f"Wie: {', '.join(people) or 'nog niemand toegewezen'} ({role_title}).")
    if row["actual"]:
        verb = "vastgesteld" if kind == "decision" else "afgerond" if kind == "phase" else "gereed"
        if kind == "decision" and item.get("outcome"):
            verb = OUTCOME_NL.get(item["outcome"], item["outcome"])
        lines.append(f"{verb.capitalize()} op {dutch_date(date.fromisoformat(row['actual']))}.")
        summary = f"✓ {summary}"
    else:
        if kind == "decision" and item.get("outcome"):
            lines.append(f"Uitkomst tot nu toe: {OUTCOME_NL.get(item['outcome'], item['outcome'])}"
                         + (f" ({dutch_date(date.fromisoformat(item['date']))})."
                            if item.get("date") else "."))
        if row["forecast"] and row["forecast"] != row["planned"]:
            lines.append(f"Verwachting: {dutch_date(date.fromisoformat(row['forecast']))}.")
        if row["at_risk"]:
            lines.append(f"Let op: {say(row['reasons'], 'nl')}.")
        if kind == "decision":
            lines.append(f"Vastleggen: ivpflow decide {status['id']} {ident} "
                         "--outcome vastgesteld --date JJJJ-MM-DD")
        elif kind in ("task", "document"):
            lines.append(f"Gereed melden: ivpflow done {status['id']} {ident}")
    lines.append(f"Proces: {process}")
    return summary, lines


def _alarms(shot: Snapshot, definition: Definition, row: Mapping[str, Any], item: Mapping[str, Any],
            due: date, summary: str) -> list[Alarm]:
    """The alarms of an open deadline: at 09:00 on the working days its reminder mails go out.

    A meeting's alarm is on the day its papers are due. Alarm days already past are left out
    (a calendar would ring them all at once on import); when none is left, the alarm is at
    09:00 on the day itself.
    """
    from icalendar import Alarm

    if due < shot.today:
        return []
    if row["kind"] == "meeting":
        papers = row.get("papers_due")
        wanted = [(date.fromisoformat(papers), "stukken uiterlijk vandaag")] if papers else []
    else:
        days = definition.calendar_for(item.get("municipality")).working
        wanted = [(days.add_working_days(due, -n), f"over {n} werkdag{'en' * (n != 1)}")
                  for n in sorted(set(definition.reminders.before), reverse=True)]
    chosen = [(day, text) for day, text in wanted if shot.today <= day < due]
    if not chosen:
        chosen = [(due, "vandaag")]
    alarms = []
    for day, text in chosen:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{summary} ({text})")
        # Relative to the start of an all-day event, i.e. local midnight of the deadline.
        alarm.add("trigger", timedelta(days=(day - due).days, hours=ALARM_HOUR))
        alarms.append(alarm)
    return alarms
