"""How the command line prints: aligned tables, Dutch dates, colour only on a terminal.

Tables fit the terminal (`table`): on a terminal, or wherever COLUMNS is set, the free-text
columns are shortened with "…" or wrapped and ids, dates and numbers are kept whole; piped
output without COLUMNS is printed in full, as git and gh do, so that scripts see every
character. `--wide` (`wide_option`) prints everything in full on a terminal too.
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click

from ..dates import MONTHS_NL, WEEKDAYS_NL, dutch_date

F = TypeVar("F", bound=Callable[..., Any])
# Bounds of numbers on the command line, so that none reaches the database as an overflow:
# a `--limit` (more rows than any store holds) and a row id (SQLite's INTEGER).
MAX_LIMIT = 1_000_000
MAX_ID = 2**63 - 1

WIDE = "ivpflow.wide"  # ctx.meta key: --wide was given
GAP = 2  # spaces between the columns of a table
MIN_CUT = 8  # a shortened column keeps at least this many characters (or its header's)
MIN_WRAP = 30  # a wrapped column narrower than this goes beneath its row instead
BELOW = "    "  # the indent of a wrapped column beneath its row
WIDE_HELP = ("Print every column in full. Without it a table fits the terminal's width "
             "(COLUMNS when set): titles, notes and subjects are shortened with … or wrapped, "
             "dates written short, and ids and numbers never cut; piped output with COLUMNS "
             "unset is always printed in full.")


def json_option(func: F) -> F:
    """The --json flag of the views."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def wide_option(func: F) -> F:
    """The --wide flag of the commands that print a table (read by `table` itself)."""

    def remember(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.meta[WIDE] = True  # meta is shared by the whole context chain

    return click.option("--wide", is_flag=True, expose_value=False, callback=remember,
                        help=WIDE_HELP)(func)


def line_width() -> int | None:
    """The width tables and long lines must fit in, None for no limit: COLUMNS when set,
    else the terminal's width when stdout is one; None with --wide or when piped."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(WIDE):
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = sys.stdout
    try:
        if not stream.isatty():
            return None
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):
        return None
def print_json(data: Any, *, keys: Sequence[str] | None = None) -> None:
    """Print data as indented JSON, Dutch characters as they are.

    A list of flat records (the portfolio, the outbox) is printed one record a line, a
    thousand lines at a time: as readable, and a tenth of the work and a fraction of the
    memory for a list of 100,000. `keys` picks the keys of such records that are printed.
    """
    # The types of all values at once: a tenth of the time of asking each value.
    flat = isinstance(data, list) and data and all(isinstance(row, dict) for row in data) \
        and not any(issubclass(kind, dict | list)
                    for kind in {type(v) for row in data for v in row.values()})
    if not flat:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    encode = json.JSONEncoder(ensure_ascii=False).encode
    for start in range(0, len(data), 1000):
        rows = [{k: row[k] for k in keys} for row in data[start:start + 1000]] if keys \
            else data[start:start + 1000]
        # A thousand records in one call of the encoder, each then put on a line of its own:
        # when every '}' is a record's end (no value holds one), '}, {' is only ever found
        # between two records.
        text = encode(rows)
        if text.count("}") == len(rows):
            lines = "  " + text[1:-1].replace("}, {", "},\n  {")
        else:
            lines = ",\n".join("  " + encode(row) for row in rows)
        last = start + 1000 >= len(data)
        click.echo(("[\n" if start == 0 else "") + lines + ("\n]" if last else ","))


class Day(str):
    """A date in a table cell, '30 september 2026', that knows its short form '30 sep 2026'
    for a table that must be narrower (`table`)."""

    short: str

    def __new__(cls, long: str, short: str) -> Day:
        made = super().__new__(cls, long)
        made.short = short
        return made


MONTHS_SHORT = tuple(m[:3] if m != "maart" else "mrt" for m in MONTHS_NL)


def day(value: str | date | None, *, weekday: bool = False) -> str:
    """A date for a table cell in Dutch ('30 september 2026', '—' when unknown)."""
    if value is None:
        return "—"
    when = date.fromisoformat(value) if isinstance(value, str) else value
    short = f"{when.day} {MONTHS_SHORT[when.month - 1]} {when.year}"
    if weekday:
        short = f"{WEEKDAYS_NL[when.weekday()][:2]} {short}"
    return Day(dutch_date(when, weekday=weekday), short)


def paint(cell: str, **style: Any) -> str:
    """A table cell styled (`click.style`), a date keeping its short form."""
    if isinstance(cell, Day):
        return Day(click.style(str(cell), **style), click.style(cell.short, **style))
    return click.style(cell, **style)


def moment(at: datetime) -> str:
    """A moment for a table cell: '4 mei 2026 09:00' (short '4 mei 2026 09:00')."""
    when = day(at.date())
    assert isinstance(when, Day)
    return Day(f"{when} {at:%H:%M}", f"{when.short} {at:%H:%M}")


def count(value: int, colour: str) -> str:
    return click.style(str(value), fg=colour, bold=True) if value else "0"


def width(text: str) -> int:
    # Most cells have no style: unstyling every cell of a 100,000-row table costs seconds.
    return len(click.unstyle(text)) if "\x1b" in text else len(text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
          right: Collection[int] = (), indent: str = "", cut: Collection[int] = (),
          wrap: Collection[int] = (), drop: Sequence[int] = (),
          colours: Sequence[str | None] | None = None) -> None:
    """Print rows as aligned columns that fit `line_width()` (styles do not count).

    Only the free-text columns give way: those in `cut` are shortened with "…", those in
    `wrap` wrap onto more lines (or, when that leaves them too narrow, go beneath their row);
    dates (`day`) are written short first, and the columns in `drop` are left out, in that
    order, when that is not enough (a last line says so); only then do the other text
    columns (ids) wrap at their hyphens, every character kept. `colours` colours rows.
    """
    cells = [[c if isinstance(c, str) else str(c) for c in row] for row in rows]
    limit = line_width()
    layout = _Layout(headers, cells, cut, wrap) if limit is None else _fit(
        headers, cells, limit - len(indent), cut, wrap, drop, right)
    shown = [i for i in range(len(headers)) if i not in layout.hidden]
    narrowed = [i for i in shown if layout.narrowed(i)]
    as_is = not layout.short and not narrowed and not layout.below

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in zip(shown, values, strict=True):
            pad = " " * (layout.widths[i] - width(value))
            parts.append(pad + value if i in right else value + pad)
        return (indent + (" " * GAP).join(parts)).rstrip()

    out = [click.style(line([headers[i] for i in shown]), bold=True)]
    for number, row in enumerate(cells):
        beneath = ""
        if as_is:
            lines = [line([row[i] for i in shown])]
        else:
            lines = _row_lines(layout, row, shown, cut, wrap, line)
            beneath = " · ".join(t for t in (click.unstyle(layout.text(row[i], i)).strip()
                                            for i in layout.below) if t)
        colour = colours[number] if colours else None
        if colour:
            lines = [_paint(text, colour) for text in lines]
        out += lines
        if beneath and limit is not None:
            out += [indent + BELOW + part for part in
                    _wrap(beneath, max(limit - len(indent) - len(BELOW), MIN_WRAP))]
        if len(out) >= 1000:  # one write per thousand lines, not one per line
            click.echo("\n".join(out))
            out = []
    if out:
        click.echo("\n".join(out))
    if layout.dropped:
        names = ", ".join(headers[i] or "mark" for i in layout.dropped)
        echo_fitted(indent + click.style(f"(not shown: {names}; --wide shows all)", dim=True))


def _row_lines(layout: _Layout, row: Sequence[str], shown: Sequence[int],
               cut: Collection[int], wrap: Collection[int],
               line: Callable[[Sequence[str]], str]) -> list[str]:
    """The lines of one row of a narrowed table: cells cut, wrapped or broken at hyphens."""
    texts = [layout.text(row[i], i) for i in shown]
    pieces = [_wrap(t, layout.widths[i]) if i in wrap and layout.narrowed(i)
              else _at_hyphens(t, layout.widths[i]) if layout.narrowed(i) and i not in cut
              else [_cut(t, layout.widths[i]) if layout.narrowed(i) else t]
              for i, t in zip(shown, texts, strict=True)]
    return [line([p[depth] if depth < len(p) else "" for p in pieces])
            for depth in range(max(len(p) for p in pieces))]


class _Layout:
    """How a table is printed: each column's width, short dates or not, the wrapped columns
    beneath their rows and the columns left out."""

    def __init__(self, headers: Sequence[str], cells: Sequence[Sequence[str]],
                 cut: Collection[int], wrap: Collection[int], *, short: bool = False,
                 below: Collection[int] = (), dropped: Sequence[int] = (),
                 right: Collection[int] = (), ids: bool = False) -> None:
        self.short = short
        self.below = [i for i in wrap if i in below and i not in dropped]
        self.dropped = list(dropped)
        self.hidden = set(self.below) | set(dropped)
        self.natural = [max([width(h)] + [width(self.text(row[i], i)) for row in cells])
                        for i, h in enumerate(headers)]
        self.widths = list(self.natural)
        self.flexible = [i for i in range(len(headers))
                         if (i in cut or i in wrap) and i not in self.hidden]
        self.least = {i: min(self.natural[i], max(width(headers[i]),
                                                  MIN_WRAP if i in wrap else MIN_CUT))
                      for i in self.flexible}
        self.ids: set[int] = set()
        if ids:  # the last resort: the other text columns wrap at their hyphens
            for i in range(len(headers)):
                texts = [self.text(row[i], i) for row in cells]
                if i in self.hidden or i in self.least or i in right or any(
                        isinstance(t, Day) for t in texts):
                    continue
                self.flexible.append(i)
                self.ids.add(i)
                self.least[i] = max([width(headers[i])] + [
                    len(part) + 1 for t in texts for part in click.unstyle(t).split("-")])
                self.least[i] = min(self.least[i], self.natural[i])

    def text(self, cell: str, _index: int) -> str:
        return cell.short if self.short and isinstance(cell, Day) else cell

    def narrowed(self, index: int) -> bool:
        return self.widths[index] < self.natural[index]

    def total(self) -> int:
        shown = [w for i, w in enumerate(self.widths) if i not in self.hidden]
        return sum(shown) + GAP * (len(shown) - 1)

    def squeeze(self, limit: int) -> bool:
        """Narrow the widest free-text column, one character at a time, until the table
        fits; False (and as narrow as allowed) when it cannot."""
        excess = self.total() - limit
        while excess > 0:
            candidates = [i for i in self.flexible if self.widths[i] > self.least[i]]
            # Free text goes down to its least before an id wraps.
            candidates = [i for i in candidates if i not in self.ids] or candidates
            if not candidates:
                return False
            widest = max(candidates, key=lambda i: self.widths[i])
            self.widths[widest] -= 1
            excess -= 1
        return True


def _fit(headers: Sequence[str], cells: Sequence[Sequence[str]], limit: int,
         cut: Collection[int], wrap: Collection[int], drop: Sequence[int],
         right: Collection[int]) -> _Layout:
    """The first layout that fits `limit`: as it is, short dates, narrowed free text, the
    wrapped columns beneath, fewer columns, ids wrapped at hyphens; else the narrowest."""
    layout = _Layout(headers, cells, cut, wrap)
    if layout.total() <= limit:
        return layout
    dated = any(isinstance(c, Day) for row in cells for c in row)
    tries: list[dict[str, Any]] = [{"short": dated}]
    if wrap:
        tries.append({"short": dated, "below": wrap})
    tries += [{"short": dated, "below": wrap, "dropped": drop[:n]}
              for n in range(1, len(drop) + 1)]
    tries.append({"short": dated, "below": wrap, "dropped": drop, "right": right,
                  "ids": True})
    for options in tries:
        layout = _Layout(headers, cells, cut, wrap, **options)
        if layout.squeeze(limit):
            return layout
    return layout


def _cut(text: str, room: int) -> str:
    if width(text) <= room:
        return text
    return click.unstyle(text)[:max(room - 1, 0)].rstrip() + "…"


def _wrap(text: str, room: int) -> list[str]:
    if width(text) <= room:
        return [text]
    return textwrap.wrap(click.unstyle(text), room) or [""]


def _at_hyphens(text: str, room: int) -> list[str]:
    """An id over lines, broken after its hyphens only: every character kept."""
    if width(text) <= room:
        return [text]
    plain = click.unstyle(text)
    # textwrap breaks at a hyphen between letters only ('2029-dinkelland' stays whole).
    lines: list[str] = []
    for part in re.findall(r"[^-]*-|[^-]+$", plain):
        if lines and len(lines[-1]) + len(part) <= room:
            lines[-1] += part
        else:
            lines.append(part)
    return lines or [plain]


def _paint(text: str, colour: str) -> str:
    """A whole line in a colour; a cell with a style of its own (a red count) keeps it, and
    the line's colour resumes after it."""
    start = _COLOUR_START.get(colour)
    if start is None:
        start = _COLOUR_START[colour] = click.style("|", fg=colour).split("|")[0]
    return start + text.replace(RESET, RESET + start) + RESET


RESET = "\x1b[0m"
_COLOUR_START: dict[str, str] = {}


def echo_fitted(text: str, *, indent: str = "  ") -> None:
    """Print a line of prose, folded at spaces to `line_width()` (styles kept)."""
    limit = line_width()
    if limit is None or width(text) <= limit:
        click.echo(text)
        return
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        longer = f"{current} {word}" if current else word
        if current.strip() and width(longer) > limit:
            lines.append(current.rstrip())
            current = indent + word
        else:
            current = longer
    lines.append(current.rstrip())
    click.echo("\n".join(lines))


STATUS_RISKS_SHOWN = 8
STATUS_MARK = {"done": "✓", "active": "▶", "pending": "·"}


def print_status(data: Mapping[str, Any]) -> None:
    """Print one process for a project manager: first how it stands, then the phases, what is
    late, at risk or next, what is open in this phase, and the decisions per municipality."""
    today = date.fromisoformat(data["today"])
    active = next(p for p in data["phases"] if p["id"] == data["phase"])
    echo_fitted(click.style(data["title"], bold=True) + f"  ({data['id']})")
    echo_fitted(_verdict(data))
    since = f" since {day(active['started'])}" if active["started"] else ""
    due = f", due {day(active['due'])}" if active["due"] else ""
    echo_fitted(f"Phase: {active['title']} ({active['id']}){since}{due}")
    click.echo(f"Today: {dutch_date(today)}")
    if data.get("suspended"):
        echo_fitted(click.style(f"Suspended since {day(data['suspended']['since'])}: "
                               f"{data['suspended']['reason']}", fg="yellow", bold=True))
    clock = data.get("clock")
    if clock:
        _print_clock(clock)
        for warning in clock["warnings"]:
            echo_fitted(click.style(f"Warning: {warning}", fg="red", bold=True))
    # A completed process sends no reminders, so an empty role no longer matters.
    unassigned = None if active["final"] else _unassigned_warning(data["roles"])
    if unassigned:
        echo_fitted(click.style(unassigned, fg="yellow", bold=True))
    _print_troubles(data)
    gaps = None if active["final"] else _gemeente_gaps(data)
    if gaps:
        echo_fitted(click.style(gaps, fg="yellow", bold=True))
    if any(r["people"] for r in data["roles"]):
        click.echo()
        click.echo(click.style("Roles", bold=True))
        table(["role", "who"], [[r["role"], held_by(r["people"]) or "—"] for r in data["roles"]],
              indent="  ", cut={1})
    click.echo()
    table(["", "phase", "status", "due", "started", "completed"],
          [[STATUS_MARK.get(p["status"], ""), p["title"], p["status"], day(p["due"]),
            day(p["started"]), day(p["completed"])] for p in data["phases"]], cut={1},
          colours=["red" if p["status"] != "done" and _past(p["due"], today) else None
                   for p in data["phases"]])
    items = {i["id"]: i for i in data["tasks"] + data["decisions"] + data["documents"]}
    titles = {p["id"]: p["title"] for p in data["phases"]} | {k: v["title"]
                                                              for k, v in items.items()}

    def who(item_id: str, kind: str = "") -> str:
        # A phase may share its id with an item ('ivp'); a phase has no holder.
        item = items.get(item_id) if kind != "phase" else None
        return said_who(item, "en") if item else ""

    skipped = {i["id"] for i in data["tasks"] + data["decisions"] + data["documents"]
               if i.get("skipped")}
    if data["overdue"]:
        click.echo()
        click.echo(click.style(f"Overdue ({len(data['overdue'])})", fg="red", bold=True))
        table(["due", "kind", "id", "title", "who"],
               [[day(o["due"]), o["kind"], o["id"],
                 titles.get(o["id"], "") + (" (skipped)" if o["kind"] != "phase" and o["id"]
                                            in skipped else ""),
                 who(o["id"], o["kind"])]
                for o in data["overdue"]], indent="  ", cut={3, 4}, drop=(1,),
               colours=["red"] * len(data["overdue"]))
    if data["at_risk"]:
        click.echo()
        click.echo(click.style(f"At risk ({len(data['at_risk'])})", fg="yellow", bold=True))
        shown = data["at_risk"][:STATUS_RISKS_SHOWN]
        table(["due", "forecast", "kind", "id", "why"],
               [[day(r["due"]), _forecast_or_not_before(r), r["kind"], r["id"], r["why"]]
                for r in shown], indent="  ", wrap={4}, colours=["yellow"] * len(shown))
        if len(data["at_risk"]) > len(shown):
            echo_fitted(f"  … and {len(data['at_risk']) - len(shown)} more: "
                       f"ivpflow plan {data['id']} --at-risk")
    if data["upcoming"]:
        click.echo()
        click.echo(click.style("Next deadlines", bold=True))
        table(["due", "working days", "kind", "id", "title", "who"],
               [[day(u["due"]), str(u["working_days_left"]), u["kind"], u["id"],
                 titles.get(u["id"], ""), who(u["id"], u["kind"])] for u in data["upcoming"]],
               right={1}, indent="  ", cut={4, 5}, drop=(2, 1))
    open_here = [i for i in data["tasks"] + data["documents"]
                 if i["phase"] == data["phase"] and i["status"] != "done"]
    if open_here:
        click.echo()
        click.echo(click.style(f"Open in {active['title']}", bold=True))
        table(["id", "title", "due", "required", "who"],
               [[i["id"], i["title"], day(i["due"]), "yes" if i["required"] else "no",
                 who(i["id"])] for i in open_here], indent="  ", cut={1, 4}, drop=(3,),
               colours=["red" if _past(i["due"], today) else None for i in open_here])
    if data["decisions"]:
        _print_decisions(data, today)


def _print_troubles(data: Mapping[str, Any]) -> None:
    """Messages that did not reach their reader and drafts that could not be made."""
    mails = data.get("undelivered") or []
    failed = [m for m in mails if m["status"] == "failed"]
    waiting = [m for m in mails if m["status"] != "failed"]
    if failed:
        echo_fitted(click.style(f"{len(failed)} message(s) failed: ", fg="red", bold=True)
                   + ", ".join(f"#{m['id']} to {m['to']}" for m in failed[:3])
                   + (" …" if len(failed) > 3 else "")
                   + f"; see ivpflow outbox --status failed --process {data['id']}")
    if waiting:
        echo_fitted(click.style(f"{len(waiting)} message(s) waiting an hour or more",
                               fg="yellow", bold=True)
                   + f" (last error: {waiting[-1]['error'] or 'none yet'})")
    for failure in data.get("draft_failures") or []:
        echo_fitted(click.style(f"Draft {failure['document']} failed", fg="red", bold=True)
                   + f" since {day(failure['since'][:10])} ({failure['attempts']} tries): "
                   f"{failure['error']}")


def _past(due: str | None, today: date) -> bool:
    """Whether a due date has passed."""
    return due is not None and date.fromisoformat(due) < today


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
    skipped = [i for i in data["tasks"] + data["decisions"] + data["documents"]
               if i.get("skipped")]
    if skipped:
        parts.append(click.style(f"{len(skipped)} skipped", fg="yellow", bold=True))
    clock = data.get("clock")
    adoption, late = _adoption_against_plan(clock, data["at_risk"]) if clock else (None, False)
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
        echo_fitted(f"{what} {clock['period']}: adopted {day(clock['adopted'])}, expires "
                    f"{day(clock['expires'])}{extended}; the next process must start by "
                    f"{day(clock['next_start_by'])}")
        if clock["successor"]:
            echo_fitted(f"Followed by process '{clock['successor']}'")
        return
    forecast = day(clock["adoption_forecast"]) if clock["adoption_forecast"] else "not known"
    echo_fitted(f"{what} {clock['period']}: adoption planned {day(clock['adoption_planned'])}, "
                f"forecast {forecast}; the next process must start by "
                f"{day(clock['next_start_by'])}")
    if clock["replaces_until"]:
        extended = " (verlengd by a raadsbesluit)" if clock["replaces_extended"] else ""
        echo_fitted(f"The plan it replaces runs until {day(clock['replaces_until'])}{extended}")


def _adoption_against_plan(clock: Mapping[str, Any],
                           risks: Sequence[Mapping[str, Any]] = ()) -> tuple[str | None, bool]:
    """The IVP's adoption forecast against its planned date, and whether it is late; when
    it is not known, why and the earliest it can be."""
    if clock["adopted"]:
        # What the adopted plan's clock warns of is said on its own line; it is not on track.
        what = "Extension" if clock["purpose"] == "extension" else "IVP"
        return (f"{what} adopted {dutch_date(date.fromisoformat(clock['adopted']))}",
                bool(clock["reasons"]))
    if not clock["adoption_planned"]:
        return None, False
    if not clock["adoption_forecast"]:
        # The adoption that comes last is the one the clock waits for.
        unknown = max((r for r in risks if r.get("adopting") and not r["forecast"]),
                      key=lambda r: r.get("not_before") or "", default=None)
        why = f": {unknown['why']}" if unknown and unknown["why"] else ""
        return click.style(f"IVP adoption forecast not known{why}", fg="yellow", bold=True), True
    planned = date.fromisoformat(clock["adoption_planned"])
    forecast = date.fromisoformat(clock["adoption_forecast"])
    text = f"IVP adoption forecast {dutch_date(forecast)}"
    shift = (forecast - planned).days
    if shift > 0:
        return click.style(f"{text}, {_days(shift)} after plan", fg="red", bold=True), True
    if shift < 0:
        return f"{text}, {_days(-shift)} ahead of plan", False
    return f"{text}, as planned", False


def _forecast_or_not_before(risk: Mapping[str, Any]) -> str:
    """A risk's forecast, or when there is none the earliest it can be."""
    if risk["forecast"] or not risk.get("not_before"):
        return day(risk["forecast"])
    return f"not before {day(risk['not_before'])}"


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
            due = paint(due, fg="red", bold=True)
        rows.append([name, progress, first["id"] + held, first["body"] or "", due])
    table(["municipality", "taken", "next open", "by", "due"], rows, right={1},
          indent="  ", cut={3})


def _municipality_of(decision: Mapping[str, Any], known: dict[str | None, Any]) -> str | None:
    """The municipality a decision is of, None when it is shared."""
    if decision["municipality"]:
        return str(decision["municipality"])
    # A decision of one council may name its municipality only in its body ("gemeenteraad
    # Losser"), as drafts read it too.
    body = decision["body"] or ""
    return next((m for m in known if m and body.endswith(" " + m)), None)
