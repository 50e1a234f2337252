"""How the command line prints: aligned tables, Dutch dates, colour only on a terminal."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

import click

from ..dates import dutch_date

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    """The --json flag of the views."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def print_json(data: Any, *, keys: Sequence[str] | None = None) -> None:
    """Print data as indented JSON, Dutch characters as they are.

    A list of flat records (the portfolio, the outbox) is printed one record a line, a
    thousand lines at a time: as readable, and a tenth of the work and a fraction of the
    memory for a list of 100,000. `keys` picks the keys of such records that are printed.
    """
    flat = isinstance(data, list) and data and all(
        isinstance(row, dict) and not any(isinstance(v, dict | list) for v in row.values())
        for row in data)
    if not flat:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    encode = json.JSONEncoder(ensure_ascii=False).encode
    for start in range(0, len(data), 1000):
        rows = data[start:start + 1000]
        lines = ",\n".join("  " + encode({k: row[k] for k in keys} if keys else row)
                           for row in rows)
        last = start + 1000 >= len(data)
        click.echo(("[\n" if start == 0 else "") + lines + ("\n]" if last else ","))


def day(value: str | date | None) -> str:
    if value is None:
        return "—"
    return dutch_date(date.fromisoformat(value) if isinstance(value, str) else value)


def count(value: int, colour: str) -> str:
    return click.style(str(value), fg=colour, bold=True) if value else "0"


def width(text: str) -> int:
    return len(click.unstyle(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
           right: set[int] | None = None, indent: str = "") -> None:
    """Print rows as aligned columns (styles do not count towards widths)."""
    right = right or set()
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([width(h)] + [width(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - width(value))
            parts.append(pad + value if i in right else value + pad)
        return (indent + "  ".join(parts)).rstrip()

    click.echo(click.style(line(list(headers)), bold=True))
    for row in cells:
        click.echo(line(row))


STATUS_RISKS_SHOWN = 8
STATUS_MARK = {"done": "✓", "active": "▶", "pending": "·"}


def print_status(data: Mapping[str, Any]) -> None:
    """Print one process for a project manager: first how it stands, then the phases, what is
    late, at risk or next, what is open in this phase, and the decisions per municipality."""
    today = date.fromisoformat(data["today"])
    active = next(p for p in data["phases"] if p["id"] == data["phase"])
    click.echo(click.style(data["title"], bold=True) + f"  ({data['id']})")
    click.echo(_verdict(data))
    since = f" since {day(active['started'])}" if active["started"] else ""
    due = f", due {day(active['due'])}" if active["due"] else ""
    click.echo(f"Phase: {active['title']} ({active['id']}){since}{due}")
    click.echo(f"Today: {dutch_date(today)}")
    if data.get("suspended"):
        click.echo(click.style(f"Suspended since {day(data['suspended']['since'])}: "
                               f"{data['suspended']['reason']}", fg="yellow", bold=True))
    clock = data.get("clock")
    if clock:
        _print_clock(clock)
        for warning in clock["warnings"]:
            click.echo(click.style(f"Warning: {warning}", fg="red", bold=True))
    # A completed process sends no reminders, so an empty role no longer matters.
    unassigned = None if active["final"] else _unassigned_warning(data["roles"])
    if unassigned:
        click.echo(click.style(unassigned, fg="yellow", bold=True))
    _print_troubles(data)
    gaps = None if active["final"] else _gemeente_gaps(data)
    if gaps:
        click.echo(click.style(gaps, fg="yellow", bold=True))
    if any(r["people"] for r in data["roles"]):
        click.echo()
        click.echo(click.style("Roles", bold=True))
        table(["role", "who"], [[r["role"], held_by(r["people"]) or "—"] for r in data["roles"]],
              indent="  ")
    click.echo()
    table(["", "phase", "status", "due", "started", "completed"],
           [[STATUS_MARK.get(p["status"], ""), p["title"], p["status"], day(p["due"]),
             day(p["started"]), day(p["completed"])] for p in data["phases"]])
    items = {i["id"]: i for i in data["tasks"] + data["decisions"] + data["documents"]}
    titles = {p["id"]: p["title"] for p in data["phases"]} | {k: v["title"]
                                                              for k, v in items.items()}

    def who(item_id: str, kind: str = "") -> str:
        # A phase may share its id with an item ('ivp'); a phase has no holder.
        item = items.get(item_id) if kind != "phase" else None
        return said_who(item, "en") if item else ""

    if data["overdue"]:
        click.echo()
        click.echo(click.style(f"Overdue ({len(data['overdue'])})", fg="red", bold=True))
        table(["due", "kind", "id", "title", "who"],
               [[day(o["due"]), o["kind"], o["id"], titles.get(o["id"], ""),
                 who(o["id"], o["kind"])]
                for o in data["overdue"]], indent="  ")
    if data["at_risk"]:
        click.echo()
        click.echo(click.style(f"At risk ({len(data['at_risk'])})", fg="yellow", bold=True))
        shown = data["at_risk"][:STATUS_RISKS_SHOWN]
        table(["due", "forecast", "kind", "id", "why"],
               [[day(r["due"]), day(r["forecast"]), r["kind"], r["id"], r["why"]]
                for r in shown], indent="  ")
        if len(data["at_risk"]) > len(shown):
            click.echo(f"  … and {len(data['at_risk']) - len(shown)} more: "
                       f"ivpflow plan {data['id']} --at-risk")
    if data["upcoming"]:
        click.echo()
        click.echo(click.style("Next deadlines", bold=True))
        table(["due", "working days", "kind", "id", "title", "who"],
               [[day(u["due"]), str(u["working_days_left"]), u["kind"], u["id"],
                 titles.get(u["id"], ""), who(u["id"], u["kind"])] for u in data["upcoming"]],
               right={1}, indent="  ")
    open_here = [i for i in data["tasks"] + data["documents"]
                 if i["phase"] == data["phase"] and i["status"] != "done"]
    if open_here:
        click.echo()
        click.echo(click.style(f"Open in {active['title']}", bold=True))
        table(["id", "title", "due", "required", "who"],
               [[i["id"], i["title"], day(i["due"]), "yes" if i["required"] else "no",
                 who(i["id"])] for i in open_here], indent="  ")
    if data["decisions"]:
        _print_decisions(data, today)


def _print_troubles(data: Mapping[str, Any]) -> None:
    """Messages that did not reach their reader and drafts that could not be made."""
    mails = data.get("undelivered") or []
    failed = [m for m in mails if m["status"] == "failed"]
    waiting = [m for m in mails if m["status"] != "failed"]
    if failed:
        click.echo(click.style(f"{len(failed)} message(s) failed: ", fg="red", bold=True)
                   + ", ".join(f"#{m['id']} to {m['to']}" for m in failed[:3])
                   + (" …" if len(failed) > 3 else "")
                   + f"; see ivpflow outbox --status failed --process {data['id']}")
    if waiting:
        click.echo(click.style(f"{len(waiting)} message(s) waiting an hour or more",
                               fg="yellow", bold=True)
                   + f" (last error: {waiting[-1]['error'] or 'none yet'})")
    for failure in data.get("draft_failures") or []:
        click.echo(click.style(f"Draft {failure['document']} failed", fg="red", bold=True)
                   + f" since {day(failure['since'][:10])} ({failure['attempts']} tries): "
                   f"{failure['error']}")


def _verdict(data: Mapping[str, Any]) -> str:
    """How the process stands, in one line: on track or what is late, and the IVP's adoption
    forecast against the plan."""
    active = next(p for p in data["phases"] if p["id"] == data["phase"])
    if active["final"]:
        return click.style("Completed", fg="green", bold=True)
    parts = []
    if data["overdue"]:
        parts.append(click.style(f"{len(data['overdue'])} overdue", fg="red", bold=True))
    if data["at_risk"]:
        parts.append(click.style(f"{len(data['at_risk'])} at risk", fg="yellow", bold=True))
    clock = data.get("clock")
    adoption, late = _adoption_against_plan(clock) if clock else (None, False)
    if not parts and not late:
        parts.append(click.style("On track", fg="green", bold=True))
    if adoption:
        parts.append(adoption)
    return " · ".join(parts)


def _print_clock(clock: Mapping[str, Any]) -> None:
    """The four-year clock: towards adoption, or once adopted, towards the next process."""
    what = "extension" if clock["purpose"] == "extension" else "IVP"
    if clock["adopted"]:
        extended = (f", verlengd tot {day(clock['extended_until'])}"
                    if clock["extended_until"] and clock["purpose"] != "extension" else "")
        click.echo(f"{what} {clock['period']}: adopted {day(clock['adopted'])}, expires "
                   f"{day(clock['expires'])}{extended}; the next process must start by "
                   f"{day(clock['next_start_by'])}")
        if clock["successor"]:
            click.echo(f"Followed by process '{clock['successor']}'")
        return
    forecast = day(clock["adoption_forecast"]) if clock["adoption_forecast"] else "not known"
    click.echo(f"{what} {clock['period']}: adoption planned {day(clock['adoption_planned'])}, "
               f"forecast {forecast}; the next process must start by "
               f"{day(clock['next_start_by'])}")
    if clock["replaces_until"]:
        extended = " (verlengd by a raadsbesluit)" if clock["replaces_extended"] else ""
        click.echo(f"The plan it replaces runs until {day(clock['replaces_until'])}{extended}")


def _adoption_against_plan(clock: Mapping[str, Any]) -> tuple[str | None, bool]:
    """The IVP's adoption forecast against its planned date, and whether it is late."""
    if clock["adopted"]:
        # What the adopted plan's clock warns of is said on its own line; it is not on track.
        what = "Extension" if clock["purpose"] == "extension" else "IVP"
        return (f"{what} adopted {dutch_date(date.fromisoformat(clock['adopted']))}",
                bool(clock["reasons"]))
    if not clock["adoption_planned"]:
        return None, False
    if not clock["adoption_forecast"]:
        return click.style("IVP adoption forecast not known", fg="yellow", bold=True), True
    planned = date.fromisoformat(clock["adoption_planned"])
    forecast = date.fromisoformat(clock["adoption_forecast"])
    text = f"IVP adoption forecast {dutch_date(forecast)}"
    shift = (forecast - planned).days
    if shift > 0:
        return click.style(f"{text}, {_days(shift)} after plan", fg="red", bold=True), True
    if shift < 0:
        return f"{text}, {_days(-shift)} ahead of plan", False
    return f"{text}, as planned", False


def _days(number: int) -> str:
    return f"{number} day" if number == 1 else f"{number} days"


def _unassigned_warning(roles: list[Mapping[str, Any]]) -> str | None:
    """One line naming the roles nobody fills, and where their reminders go instead."""
    empty = [r["role"] for r in roles if not r["people"]]
    if not empty:
        return None
    # Reminders of a role nobody fills go to the coordinator (reminders.py); without a
    # coordinator they are not sent at all.
    where = "nowhere" if "coordinator" in empty or "coordinator" not in {
        r["role"] for r in roles} else "to the coordinator"
    return f"No one assigned: {', '.join(empty)} — their reminders go {where}"


def role_in(role: str, municipality: str) -> str:
    """A role as held for one gemeente, 'portefeuillehouder (Tubbergen)', or for all."""
    return f"{role} ({municipality})" if municipality else role


def held_by(people: Sequence[Mapping[str, Any]]) -> str:
    """The holders of a role: 'A. de Vries (Losser), B. Jansen (Tubbergen)', and 'C. Smit
    (shared)' for one of the store's shared people."""

    def one(p: Mapping[str, Any]) -> str:
        notes = [n for n in (p.get("municipality"), "shared" if p.get("shared") else None) if n]
        return f"{p['name']} ({', '.join(notes)})" if notes else str(p["name"])

    return ", ".join(one(p) for p in people)


def said_who(item: Mapping[str, Any], lang: str) -> str:
    """Whom an item of `status --json` goes to, in words (planning.holders.say_holders)."""
    from ..planning.holders import say_holders  # the status alone needs it: keep starts light

    who = item["who"]
    return say_holders([(p["name"], p["municipality"] or "") for p in who["people"]],
                       who["via"], item["role"], lang)


def _gemeente_gaps(data: Mapping[str, Any]) -> str | None:
    """One line naming the gemeenten where a role held per gemeente has nobody, so their
    items go to the coordinator."""
    held = {r["role"] for r in data["roles"] if r["people"]}
    gaps: dict[str, list[str]] = {}
    for item in data["tasks"] + data["decisions"] + data["documents"]:
        place = item["who"]["municipality"]
        if item["role"] in held and item["who"]["via"] == "coordinator" and place:
            places = gaps.setdefault(item["role"], [])
            if place not in places:
                places.append(place)
    if not gaps:
        return None
    named = "; ".join(f"{role} for {', '.join(places)}" for role, places in gaps.items())
    return f"No one assigned: {named} — their reminders go to the coordinator"


def _print_decisions(data: Mapping[str, Any], today: date) -> None:
    """The decisions per municipality: how many are taken and the next open one."""
    from ..workflow.model import POSITIVE_OUTCOMES  # status alone needs it

    decisions = data["decisions"]
    done_phases = {p["id"] for p in data["phases"] if p["status"] == "done"}
    groups: dict[str | None, list[dict[str, Any]]] = {
        m: [] for m in dict.fromkeys(d["municipality"] for d in decisions if d["municipality"])}
    for d in decisions:
        groups.setdefault(_municipality_of(d, groups), []).append(d)
    taken = sum(d["outcome"] in POSITIVE_OUTCOMES for d in decisions)
    click.echo()
    click.echo(click.style(f"Decisions ({taken} of {len(decisions)} taken)", bold=True))
    rows = []
    for municipality, group in groups.items():
        if not group:
            continue
        # Still to take: not positively decided, in a phase that is not done (an advance
        # with --force leaves a phase's open decisions behind).
        waiting = sorted((d for d in group if d["outcome"] not in POSITIVE_OUTCOMES
                          and d["phase"] not in done_phases),
                         key=lambda d: (d["due"] or "9999", d["id"]))
        name = municipality or ("shared" if len(groups) > 1 else "all")
        progress = f"{sum(d['outcome'] in POSITIVE_OUTCOMES for d in group)}/{len(group)}"
        if not waiting:
            rows.append([name, progress, "—", "", ""])
            continue
        first = waiting[0]
        held = f" ({first['outcome']})" if first["outcome"] else ""
        due = day(first["due"])
        if first["due"] and date.fromisoformat(first["due"]) < today:
            due = click.style(due, fg="red", bold=True)
        rows.append([name, progress, first["id"] + held, first["body"] or "", due])
    table(["municipality", "taken", "next open", "by", "due"], rows, right={1},
          indent="  ")


def _municipality_of(decision: Mapping[str, Any], known: dict[str | None, Any]) -> str | None:
    """The municipality a decision is of, None when it is shared."""
    if decision["municipality"]:
        return str(decision["municipality"])
    # A decision of one council may name its municipality only in its body ("gemeenteraad
    # Losser"), as drafts read it too.
    body = decision["body"] or ""
    return next((m for m in known if m and body.endswith(" " + m)), None)
