"""How the command line prints: aligned tables, dates in the language of the command line
(ISO in English, Dutch in Dutch), colour only on a terminal.

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

from .. import i18n
from ..dates import MONTHS_NL, WEEKDAYS_NL
from ..i18n import _, ngettext, say_date, say_kind, say_status

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
    for a table that must be narrower (`table`); in English both are '2026-09-30'."""

    short: str

    def __new__(cls, long: str, short: str) -> Day:
        made = super().__new__(cls, long)
        made.short = short
        return made


MONTHS_SHORT = tuple(m[:3] if m != "maart" else "mrt" for m in MONTHS_NL)


def day(value: str | date | None, *, weekday: bool = False) -> str:
    """A date for a table cell ('2026-09-30', in Dutch '30 september 2026'; '—' when
    unknown)."""
    if value is None:
        return "—"
    when = date.fromisoformat(value) if isinstance(value, str) else value
    long = say_date(when, weekday=weekday)
    if i18n.language() != "nl":
        return Day(long, long)  # ISO is as short as a date gets
    short = f"{when.day} {MONTHS_SHORT[when.month - 1]} {when.year}"
    if weekday:
        short = f"{WEEKDAYS_NL[when.weekday()][:2]} {short}"
    return Day(long, short)


def paint(cell: str, **style: Any) -> str:
    """A table cell styled (`click.style`), a date keeping its short form."""
    if isinstance(cell, Day):
        return Day(click.style(str(cell), **style), click.style(cell.short, **style))
    return click.style(cell, **style)


def moment(at: datetime) -> str:
    """A moment for a table cell: '2026-05-04 09:00', in Dutch '4 mei 2026 09:00' (short
    '4 mei 2026 09:00')."""
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
        names = ", ".join(headers[i] or _("mark") for i in layout.dropped)
        echo_fitted(indent + click.style(_("(not shown: {columns}; --wide shows all)").format(
            columns=names), dim=True))


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


def yes_no(value: bool) -> str:
    """'yes' or 'no' in a table cell."""
    return _("yes") if value else _("no")


def say_reasons(reasons: Sequence[Mapping[str, Any]] | None) -> str | None:
    """Why something is at risk, or what the clock warns of, in the command line's language
    (the JSON's `why` is always English)."""
    from ..planning.reasons import say  # the status alone needs it: keep starts light

    return say([dict(r) for r in reasons] if reasons else None, i18n.language())


def _phase_line(active: Mapping[str, Any]) -> str:
    values = {"title": active["title"], "id": active["id"], "started": day(active["started"]),
              "due": day(active["due"])}
    if active["started"] and active["due"]:
        return _("Phase: {title} ({id}) since {started}, due {due}").format(**values)
    if active["started"]:
        return _("Phase: {title} ({id}) since {started}").format(**values)
    if active["due"]:
        return _("Phase: {title} ({id}), due {due}").format(**values)
    return _("Phase: {title} ({id})").format(**values)


def print_status(data: Mapping[str, Any]) -> None:
    """Print one process for a project manager: first how it stands, then the phases, what is
    late, at risk or next, what is open in this phase, and the decisions per municipality."""
    today = date.fromisoformat(data["today"])
    active = next(p for p in data["phases"] if p["id"] == data["phase"])
    echo_fitted(click.style(data["title"], bold=True) + f"  ({data['id']})")
    echo_fitted(_verdict(data))
    echo_fitted(_phase_line(active))
    click.echo(_("Today: {today}").format(today=say_date(today)))
    if data.get("suspended"):
        echo_fitted(click.style(_("Suspended since {since}: {reason}").format(
            since=day(data["suspended"]["since"]), reason=data["suspended"]["reason"]),
            fg="yellow", bold=True))
    clock = data.get("clock")
    if clock:
        _print_clock(clock)
        for warning in clock["reasons"]:
            echo_fitted(click.style(_("Warning: {warning}").format(
                warning=say_reasons([warning])), fg="red", bold=True))
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
        click.echo(click.style(_("Roles"), bold=True))
        table([_("role"), _("who")],
              [[r["role"], held_by(r["people"]) or "—"] for r in data["roles"]],
              indent="  ", cut={1})
    click.echo()
    table(["", _("phase"), _("status"), _("due"), _("started"), _("completed")],
          [[STATUS_MARK.get(p["status"], ""), p["title"], say_status(p["status"]), day(p["due"]),
            day(p["started"]), day(p["completed"])] for p in data["phases"]], cut={1},
          colours=["red" if p["status"] != "done" and _past(p["due"], today) else None
                   for p in data["phases"]])
    items = {i["id"]: i for i in data["tasks"] + data["decisions"] + data["documents"]}
    titles = {p["id"]: p["title"] for p in data["phases"]} | {k: v["title"]
                                                              for k, v in items.items()}

    def who(item_id: str, kind: str = "") -> str:
        # A phase may share its id with an item ('ivp'); a phase has no holder.
        item = items.get(item_id) if kind != "phase" else None
        return said_who(item) if item else ""

    skipped = {i["id"] for i in data["tasks"] + data["decisions"] + data["documents"]
               if i.get("skipped")}

    def title_of(row: Mapping[str, Any]) -> str:
        title = str(titles.get(row["id"], ""))
        if row["kind"] != "phase" and row["id"] in skipped:
            return _("{title} (skipped)").format(title=title)
        return title

    if data["overdue"]:
        click.echo()
        click.echo(click.style(_("Overdue ({count})").format(count=len(data["overdue"])),
                               fg="red", bold=True))
        table([_("due"), _("kind"), _("id"), _("title"), _("who")],
               [[day(o["due"]), say_kind(o["kind"]), o["id"], title_of(o),
                 who(o["id"], o["kind"])]
                for o in data["overdue"]], indent="  ", cut={3, 4}, drop=(1,),
               colours=["red"] * len(data["overdue"]))
    if data["at_risk"]:
        click.echo()
        click.echo(click.style(_("At risk ({count})").format(count=len(data["at_risk"])),
                               fg="yellow", bold=True))
        shown = data["at_risk"][:STATUS_RISKS_SHOWN]
        table([_("due"), _("forecast"), _("kind"), _("id"), _("why")],
               [[day(r["due"]), _forecast_or_not_before(r), say_kind(r["kind"]), r["id"],
                 say_reasons(r["reasons"]) or ""]
                for r in shown], indent="  ", wrap={4}, colours=["yellow"] * len(shown))
        if len(data["at_risk"]) > len(shown):
            echo_fitted("  " + _("… and {count} more: ivpflow plan {process_id} --at-risk").format(
                count=len(data["at_risk"]) - len(shown), process_id=data["id"]))
    if data["upcoming"]:
        click.echo()
        click.echo(click.style(_("Next deadlines"), bold=True))
        table([_("due"), _("working days"), _("kind"), _("id"), _("title"), _("who")],
               [[day(u["due"]), str(u["working_days_left"]), say_kind(u["kind"]), u["id"],
                 titles.get(u["id"], ""), who(u["id"], u["kind"])] for u in data["upcoming"]],
               right={1}, indent="  ", cut={4, 5}, drop=(2, 1))
    open_here = [i for i in data["tasks"] + data["documents"]
                 if i["phase"] == data["phase"] and i["status"] != "done"]
    if open_here:
        click.echo()
        click.echo(click.style(_("Open in {phase}").format(phase=active["title"]), bold=True))
        table([_("id"), _("title"), _("due"), _("required"), _("who")],
               [[i["id"], i["title"], day(i["due"]), yes_no(i["required"]),
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
        listed = ", ".join(_("#{id} to {to}").format(id=m["id"], to=m["to"])
                           for m in failed[:3]) + (" …" if len(failed) > 3 else "")
        echo_fitted(click.style(_(
            "{count} message(s) failed: {messages}; see ivpflow outbox --status failed "
            "--process {process_id}").format(count=len(failed), messages=listed,
                                            process_id=data["id"]), fg="red", bold=True))
    if waiting:
        error = waiting[-1]["error"] or _("none yet")
        echo_fitted(click.style(_(
            "{count} message(s) waiting an hour or more (last error: {error})").format(
                count=len(waiting), error=error), fg="yellow", bold=True))
    for failure in data.get("draft_failures") or []:
        echo_fitted(click.style(_(
            "Draft {document} failed since {since} ({attempts} tries): {error}").format(
                document=failure["document"], since=day(failure["since"][:10]),
                attempts=failure["attempts"], error=failure["error"]), fg="red", bold=True))


def _past(due: str | None, today: date) -> bool:
    """Whether a due date has passed."""
    return due is not None and date.fromisoformat(due) < today


def _verdict(data: Mapping[str, Any]) -> str:
    """How the process stands, in one line: on track or what is late, and the IVP's adoption
    forecast against the plan."""
    active = next(p for p in data["phases"] if p["id"] == data["phase"])
    if active["final"]:
        return click.style(_("Completed"), fg="green", bold=True)
    parts = []
    if data["overdue"]:
        parts.append(click.style(_("{count} overdue").format(count=len(data["overdue"])),
                                 fg="red", bold=True))
    if data["at_risk"]:
        parts.append(click.style(ngettext("{count} at risk", "{count} at risk",
                                          len(data["at_risk"])).format(
            count=len(data["at_risk"])), fg="yellow", bold=True))
    skipped = [i for i in data["tasks"] + data["decisions"] + data["documents"]
               if i.get("skipped")]
    if skipped:
        parts.append(click.style(_("{count} skipped").format(count=len(skipped)),
                                 fg="yellow", bold=True))
    clock = data.get("clock")
    adoption, late = _adoption_against_plan(clock, data["at_risk"]) if clock else (None, False)
    if not parts and not late:
        parts.append(click.style(_("On track"), fg="green", bold=True))
    if adoption:
        parts.append(adoption)
    return " · ".join(parts)


def _print_clock(clock: Mapping[str, Any]) -> None:
    """The four-year clock: towards adoption, or once adopted, towards the next process."""
    values = {"what": _("extension") if clock["purpose"] == "extension" else "IVP",
              "period": clock["period"], "adopted": day(clock["adopted"]),
              "expires": day(clock["expires"]), "extended": day(clock["extended_until"]),
              "next": day(clock["next_start_by"]), "planned": day(clock["adoption_planned"]),
              "forecast": day(clock["adoption_forecast"]) if clock["adoption_forecast"]
              else _("not known"), "until": day(clock["replaces_until"])}
    if clock["adopted"]:
        if clock["extended_until"] and clock["purpose"] != "extension":
            echo_fitted(_("{what} {period}: adopted {adopted}, expires {expires}, verlengd tot "
                          "{extended}; the next process must start by {next}").format(**values))
        else:
            echo_fitted(_("{what} {period}: adopted {adopted}, expires {expires}; the next "
                          "process must start by {next}").format(**values))
        if clock["successor"]:
            echo_fitted(_("Followed by process '{successor}'").format(
                successor=clock["successor"]))
        return
    echo_fitted(_("{what} {period}: adoption planned {planned}, forecast {forecast}; the next "
                  "process must start by {next}").format(**values))
    if clock["replaces_until"]:
        if clock["replaces_extended"]:
            echo_fitted(_("The plan it replaces runs until {until} (verlengd by a "
                          "raadsbesluit)").format(**values))
        else:
            echo_fitted(_("The plan it replaces runs until {until}").format(**values))


def _adoption_against_plan(clock: Mapping[str, Any],
                           risks: Sequence[Mapping[str, Any]] = ()) -> tuple[str | None, bool]:
    """The IVP's adoption forecast against its planned date, and whether it is late; when
    it is not known, why and the earliest it can be."""
    if clock["adopted"]:
        # What the adopted plan's clock warns of is said on its own line; it is not on track.
        adopted = say_date(date.fromisoformat(clock["adopted"]))
        text = (_("Extension adopted {date}") if clock["purpose"] == "extension"
                else _("IVP adopted {date}")).format(date=adopted)
        return text, bool(clock["reasons"])
    if not clock["adoption_planned"]:
        return None, False
    if not clock["adoption_forecast"]:
        # The adoption that comes last is the one the clock waits for.
        unknown = max((r for r in risks if r.get("adopting") and not r["forecast"]),
                      key=lambda r: r.get("not_before") or "", default=None)
        why = say_reasons(unknown["reasons"]) if unknown else None
        text = (_("IVP adoption forecast not known: {why}").format(why=why) if why
                else _("IVP adoption forecast not known"))
        return click.style(text, fg="yellow", bold=True), True
    planned = date.fromisoformat(clock["adoption_planned"])
    forecast = date.fromisoformat(clock["adoption_forecast"])
    shift = (forecast - planned).days
    values = {"date": say_date(forecast), "count": abs(shift)}
    if shift > 0:
        return click.style(ngettext("IVP adoption forecast {date}, {count} day after plan",
                                    "IVP adoption forecast {date}, {count} days after plan",
                                    shift).format(**values), fg="red", bold=True), True
    if shift < 0:
        return ngettext("IVP adoption forecast {date}, {count} day ahead of plan",
                        "IVP adoption forecast {date}, {count} days ahead of plan",
                        -shift).format(**values), False
    return _("IVP adoption forecast {date}, as planned").format(**values), False


def _forecast_or_not_before(risk: Mapping[str, Any]) -> str:
    """A risk's forecast, or when there is none the earliest it can be."""
    if risk["forecast"] or not risk.get("not_before"):
        return day(risk["forecast"])
    return _("not before {date}").format(date=day(risk["not_before"]))


def _unassigned_warning(roles: list[Mapping[str, Any]]) -> str | None:
    """One line naming the roles nobody fills, and where their reminders go instead."""
    empty = [r["role"] for r in roles if not r["people"]]
    if not empty:
        return None
    # Reminders of a role nobody fills go to the coordinator (reminders.py); without a
    # coordinator they are not sent at all.
    if "coordinator" in empty or "coordinator" not in {r["role"] for r in roles}:
        return _("No one assigned: {roles} — their reminders go nowhere").format(
            roles=", ".join(empty))
    return _("No one assigned: {roles} — their reminders go to the coordinator").format(
        roles=", ".join(empty))


def role_in(role: str, municipality: str) -> str:
    """A role as held for one gemeente, 'portefeuillehouder (Tubbergen)', or for all."""
    return f"{role} ({municipality})" if municipality else role


def held_by(people: Sequence[Mapping[str, Any]]) -> str:
    """The holders of a role: 'A. de Vries (Losser), B. Jansen (Tubbergen)', and 'C. Smit
    (shared)' for one of the store's shared people."""

    def one(p: Mapping[str, Any]) -> str:
        notes = [n for n in (p.get("municipality"), _("shared") if p.get("shared") else None)
                 if n]
        return f"{p['name']} ({', '.join(notes)})" if notes else str(p["name"])

    return ", ".join(one(p) for p in people)


def said_who(item: Mapping[str, Any]) -> str:
    """Whom an item of `status --json` goes to, in words (planning.holders.say_holders), in
    the command line's language."""
    from ..planning.holders import say_holders  # the status alone needs it: keep starts light

    who = item["who"]
    return say_holders([(p["name"], p["municipality"] or "") for p in who["people"]],
                       who["via"], item["role"], i18n.language())


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
    named = "; ".join(_("{role} for {municipalities}").format(
        role=role, municipalities=", ".join(places)) for role, places in gaps.items())
    return _("No one assigned: {roles} — their reminders go to the coordinator").format(
        roles=named)


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
    click.echo(click.style(_("Decisions ({taken} of {total} taken)").format(
        taken=taken, total=len(decisions)), bold=True))
    rows = []
    for municipality, group in groups.items():
        if not group:
            continue
        # Still to take: not positively decided, in a phase that is not done (an advance
        # with --force leaves a phase's open decisions behind).
        waiting = sorted((d for d in group if d["outcome"] not in POSITIVE_OUTCOMES
                          and d["phase"] not in done_phases),
                         key=lambda d: (d["due"] or "9999", d["id"]))
        name = municipality or (_("shared") if len(groups) > 1 else _("all"))
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
    table([_("municipality"), _("taken"), _("next open"), _("by"), _("due")], rows, right={1},
          indent="  ", cut={3})


def _municipality_of(decision: Mapping[str, Any], known: dict[str | None, Any]) -> str | None:
    """The municipality a decision is of, None when it is shared."""
    if decision["municipality"]:
        return str(decision["municipality"])
    # A decision of one council may name its municipality only in its body ("gemeenteraad
    # Losser"), as drafts read it too.
    body = decision["body"] or ""
    return next((m for m in known if m and body.endswith(" " + m)), None)
