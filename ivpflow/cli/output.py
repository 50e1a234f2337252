"""How the command line prints: aligned tables, Dutch dates, colour only on a terminal."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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


def print_json(data: Any) -> None:
    """Print data as indented JSON, Dutch characters as they are."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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


def print_status(data: dict[str, Any]) -> None:
    today = date.fromisoformat(data["today"])
    active = next(p for p in data["phases"] if p["id"] == data["phase"])
    click.echo(click.style(data["title"], bold=True) + f"  ({data['id']})")
    since = f" since {day(active['started'])}" if active["started"] else ""
    due = f", due {day(active['due'])}" if active["due"] else ""
    click.echo(f"Phase: {active['title']} ({active['id']}){since}{due}")
    click.echo(f"Today: {dutch_date(today)}")
    if data.get("suspended"):
        click.echo(click.style(f"Suspended since {day(data['suspended']['since'])}: "
                               f"{data['suspended']['reason']}", fg="yellow", bold=True))
    clock = data.get("clock")
    if clock:
        forecast = day(clock["adoption_forecast"]) if clock["adoption_forecast"] else "not known"
        click.echo(f"IVP {clock['period']}: adoption planned {day(clock['adoption_planned'])}, "
                   f"forecast {forecast}; the next process must start by "
                   f"{day(clock['next_start_by'])}")
        if clock["replaces_until"]:
            click.echo(f"The plan it replaces runs until {day(clock['replaces_until'])}")
        for warning in clock["warnings"]:
            click.echo(click.style(f"Warning: {warning}", fg="red", bold=True))
    click.echo()
    table(["", "phase", "status", "due", "started", "completed"],
           [[STATUS_MARK.get(p["status"], ""), p["title"], p["status"], day(p["due"]),
             day(p["started"]), day(p["completed"])] for p in data["phases"]])
    items = {i["id"]: i for i in data["tasks"] + data["decisions"] + data["documents"]}
    titles = {p["id"]: p["title"] for p in data["phases"]} | {k: v["title"]
                                                              for k, v in items.items()}
    holders = {r["role"]: ", ".join(p["name"] for p in r["people"]) or f"({r['role']})"
               for r in data["roles"]}

    def who(item_id: str) -> str:
        role = items.get(item_id, {}).get("role")
        return holders.get(role, "") if role else ""

    if data["overdue"]:
        click.echo()
        click.echo(click.style(f"Overdue ({len(data['overdue'])})", fg="red", bold=True))
        table(["due", "kind", "id", "title", "who"],
               [[day(o["due"]), o["kind"], o["id"], titles.get(o["id"], ""), who(o["id"])]
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
                 titles.get(u["id"], ""), who(u["id"])] for u in data["upcoming"]],
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
        click.echo()
        click.echo(click.style("Decisions", bold=True))
        table(["phase", "body", "decision", "due", "outcome", "date"],
               [[d["phase"], d["body"], d["id"], day(d["due"]), d["outcome"] or "open",
                 day(d["date"]) if d["date"] else ""] for d in data["decisions"]], indent="  ")
