"""The status report: one self-contained HTML file with a timeline picture, for print or mail.

reports.py gathers plain data and lays out the timeline (coordinates, not markup); the
template `report/report.html.j2` turns both into HTML and inline SVG, so a municipality can
restyle or reword the report by overriding that one file (IVPFLOW_TEMPLATES).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from ..dates import dutch_date, local
from ..dutch import EVENT_NL
from ..planning.holders import say_holders
from ..planning.reasons import say
from ..store import Store
from ..workflow.model import Definition
from .ics import KIND_NL, OUTCOME_NL, Snapshot, snapshot

TEMPLATE = "report/report.html.j2"
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                "dec")
STATUS_NL = {"done": "afgerond", "active": "actief", "pending": "nog niet begonnen"}
CHANGE_NL = {"done": "gereed", "open": "open", **OUTCOME_NL}

# The timeline's geometry, in SVG user units (the picture scales to the page's width).
WIDTH = 1000
LABEL_WIDTH = 178  # the phase names on the left
RIGHT_MARGIN = 16
AXIS_HEIGHT = 40
ROW_HEIGHT = 52
LANE_HEIGHT = 74  # the meetings lane, with room for three levels of labels
LABEL_LEVEL = 13  # between two levels of meeting labels
RISKS_SHOWN = 8  # the risks and overdue deadlines the report lists; the plan has them all
FOOT_HEIGHT = 40  # the labels of the clock's lines, on up to two levels
CHAR_WIDTH = 5.6  # of the 10-unit label font, to keep meeting labels from overlapping


def render_report(store: Store, process_id: str | None, *, now: datetime) -> str:
    """The HTML status report of a process at `now`."""
    from ..documents.rendering import render

    return render(TEMPLATE, report_context(store, process_id, now=now))


def report_context(store: Store, process_id: str | None, *, now: datetime) -> dict[str, Any]:
    """Everything the report template shows, as plain data (dates as `date`)."""
    from .history import history

    shot = snapshot(store, process_id, now=now)
    status = shot.status
    titles = _titles(status)
    items = {i["id"]: i for i in status["tasks"] + status["decisions"] + status["documents"]}
    skipped = {ident for ident, item in items.items() if item["skipped"]}
    phase = next(p for p in status["phases"] if p["id"] == status["phase"])
    nxt = status["next_deadline"]
    clock = status["clock"]
    warnings = [say([warning], "nl") for warning in clock["reasons"]] if clock else []
    return {
        "generated": {"today": shot.today, "moment": f"{dutch_date(shot.today)} "
                      f"{local(now):%H:%M}"},
        "process": {"id": status["id"], "title": status["title"], "workflow": status["workflow"],
                    "start": _day(status["start"]), "phase": phase["id"],
                    "phase_title": phase["title"], "phase_since": _day(phase["started"]),
                    "phase_due": _day(phase["due"]),
                    "suspended": status["suspended"] and {
                        "since": _day(status["suspended"]["since"]),
                        "reason": status["suspended"]["reason"]}},
        "summary": {
            "overdue": len(status["overdue"]), "at_risk": len(status["at_risk"]),
            "next": nxt and {"title": titles.get(nxt["id"], nxt["id"]), "id": nxt["id"],
                             "kind": KIND_NL[nxt["kind"]], "due": _day(nxt["due"]),
                             "working_days": _working_days_left(status, nxt)},
            "adoption_planned": _day(clock["adoption_planned"]) if clock else None,
            "adoption_forecast": _day(clock["adoption_forecast"]) if clock else None,
            "warnings": warnings,
            "adoption_unknown": _adoption_unknown(status["at_risk"]) if clock and not
            clock["adoption_forecast"] else None,
        },
        "timeline": timeline(shot),
        "phases": _phases(shot),
        "overdue": [{"kind": KIND_NL[o["kind"]], "id": o["id"],
                     "title": titles.get(o["id"], o["id"]), "due": _day(o["due"]),
                     "skipped": o["kind"] != "phase" and o["id"] in skipped,
                     "who": _who_of(items, o)}
                    for o in pressing_overdue(status["overdue"])[:RISKS_SHOWN]],
        "overdue_total": len(status["overdue"]),
        "risks": [{"kind": KIND_NL[r["kind"]], "id": r["id"],
                   "title": titles.get(r["id"], r["id"]), "due": _day(r["due"]),
                   "forecast": _day(r["forecast"]), "not_before": _day(r["not_before"]),
                   "why": say(r["reasons"], "nl") or "", "who": _who_of(items, r)}
                  for r in pressing_risks(status["at_risk"])[:RISKS_SHOWN]],
        "risks_total": len(status["at_risk"]),
        "upcoming": [{"kind": KIND_NL[u["kind"]], "id": u["id"],
                      "title": titles.get(u["id"], u["id"]), "due": _day(u["due"]),
                      "working_days": u["working_days_left"],
                      "who": _who_of(items, u)} for u in status["upcoming"]],
        "councils": councils(shot),
        "roles": _roles(status),
        "meetings": [{"body": r["id"], "date": _day(r["planned"]),
                      "papers_due": _day(r["papers_due"]),
                      "past": (r["planned"] or "") < shot.today.isoformat()}
                     for r in shot.rows if r["kind"] == "meeting"],
        "clock": clock and {**{k: _day(v) if k in _CLOCK_DATES else v
                               for k, v in dict[str, Any](clock).items()},
                            "warnings": warnings},
        # What happened up to the report's moment: a report made for an earlier --now does
        # not show what was done after it.
        "history": [_event(e) for e in history(store, status["id"])
                    if datetime.fromisoformat(e["at"]) <= now],
        "undelivered": status.get("undelivered", []),
        "draft_failures": [{**f, "since": _day(f["since"][:10])}
                           for f in status.get("draft_failures", [])],
    }


def _adoption_unknown(risks: list[Any]) -> dict[str, Any] | None:
    """Why the IVP's adoption has no forecast, and the earliest it can be: of the adoption
    that comes last, as the clock waits for it."""
    unknown = [r for r in risks if r["adopting"] and not r["forecast"]]
    if not unknown:
        return None
    last = max(unknown, key=lambda r: r["not_before"] or "")
    return {"not_before": _day(last["not_before"]), "why": say(last["reasons"], "nl") or ""}


KIND_WEIGHT = {"decision": 0, "phase": 1, "document": 2, "task": 3}


def pressing_risks(risks: list[Any]) -> list[Any]:
    """The risks in the order a portefeuillehouder needs them: the IVP's adoption first, then
    what has no date at all, and the rest by how late it is forecast (decisions before phases
    before documents before tasks where equal)."""
    def key(risk: Mapping[str, Any]) -> tuple[Any, ...]:
        when = risk["forecast"] or risk["not_before"]
        late = ((date.fromisoformat(when) - date.fromisoformat(risk["due"])).days
                if when and risk["due"] else 0)
        return (not risk["adopting"], bool(risk["forecast"]), -late,
                KIND_WEIGHT.get(risk["kind"], 4), risk["due"] or "", risk["id"])
    return sorted(risks, key=key)


def pressing_overdue(overdue: list[Any]) -> list[Any]:
    """What is overdue, phases and decisions before documents and tasks, the longest overdue
    first within each."""
    return sorted(overdue, key=lambda o: (KIND_WEIGHT.get(o["kind"], 4), o["due"], o["id"]))


_CLOCK_DATES = ("valid_from", "expires", "replaces_until", "adoption_planned",
                "adoption_forecast", "next_start_by", "adopted", "extended_until",
                "next_warning")


# --------------------------------------------------------------------------- the timeline


def timeline(shot: Snapshot) -> dict[str, Any]:
    """The timeline picture's layout: a row per phase with its planned, forecast and actual
    bars and a marker per deadline, a lane with a marker per meeting, today and the clock."""
    status, today = shot.status, shot.today
    phase_rows = [r for r in shot.rows if r["kind"] == "phase"]
    states = {p["id"]: p for p in status["phases"]}
    dated = [date.fromisoformat(v) for r in shot.rows
             for v in (r["planned"], r["forecast"], r["actual"]) if v]
    dated += [today, date.fromisoformat(status["start"])]
    clock: Mapping[str, Any] = status["clock"] or {}
    lines = [(clock.get("replaces_until"), "huidig plan tot en met", "expires"),
             (clock.get("valid_from"), f"IVP {clock.get('period')} vanaf", "period")]
    dated += [date.fromisoformat(day) for day, _, _ in lines if day]
    first = min(dated).replace(day=1)
    last_day = max(dated)
    last = date(last_day.year + last_day.month // 12, last_day.month % 12 + 1, 1)
    span = (last - first).days
    left, right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN

    def x(day: date | str) -> float:
        when = date.fromisoformat(day) if isinstance(day, str) else day
        return round(left + (when - first).days / span * (right - left), 1)

    rows: list[dict[str, Any]] = []
    previous_forecast = status["start"]
    for index, row in enumerate(phase_rows):
        state = states[row["id"]]
        top = AXIS_HEIGHT + index * ROW_HEIGHT
        bars = []
        if row["planned"]:
            start = shot.phase_start.get(row["id"], status["start"])
            bars.append(_bar("planned", row["id"], start, row["planned"], x, top + 4,
                             "gepland"))
        forecast_start = state["started"] or previous_forecast
        forecast_end = row["forecast"] or row["planned"]
        if forecast_end:
            late = bool(row["planned"] and forecast_end > row["planned"])
            bars.append(_bar("forecast" + (" late" if late else ""), row["id"], forecast_start,
                             forecast_end, x, top + 13, "verwacht"))
        if state["started"] and (state["completed"] or state["status"] == "active"):
            end = state["completed"] or today.isoformat()
            kind = "actual" if state["completed"] else "actual ongoing"
            bars.append(_bar(kind, row["id"], state["started"], end, x, top + 22,
                             "werkelijk" if state["completed"] else "werkelijk (loopt nog)"))
        previous_forecast = forecast_end or previous_forecast
        rows.append({"id": row["id"], "title": state["title"], "status": state["status"],
                     "status_nl": STATUS_NL.get(state["status"], state["status"]),
                     "y": top, "height": ROW_HEIGHT, "bars": bars,
                     "deadline": row["planned"] and {"x": x(row["planned"]), "date":
                                                     _day(row["planned"])},
                     "markers": _markers(shot, row["id"], x, top + 42)})
    lane_top = AXIS_HEIGHT + len(phase_rows) * ROW_HEIGHT
    meetings = _meeting_markers(shot, x, lane_top)
    levels = max((m["level"] for m in meetings), default=0) + 1
    lane_height = max(LANE_HEIGHT, 36 + (levels - 1) * LABEL_LEVEL + 12)
    bottom = lane_top + lane_height
    ticks = []
    month = first
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 24 else 3
    while month <= last:
        ticks.append({"x": x(month), "label": MONTHS_SHORT[month.month - 1]
                      if (month.month - 1) % step == 0 else "",
                      "year": month.year if month.month == 1 or month == first else None})
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return {
        "width": WIDTH, "height": bottom + FOOT_HEIGHT, "left": left, "right": right,
        "axis": AXIS_HEIGHT, "bottom": bottom, "ticks": ticks, "rows": rows,
        "lane": {"y": lane_top, "height": lane_height}, "meetings": meetings,
        "today": {"x": x(today), "date": today},
        "lines": _clock_lines(lines, x, (left + right) / 2, bottom),
    }


def _clock_lines(lines: list[tuple[str | None, str, str]], x: Callable[[str], float],
                 middle: float, bottom: float) -> list[dict[str, Any]]:
    """The clock's dates as lines through the picture, labelled below it on separate levels
    when they stand close (the current plan's end and the new period's start touch)."""
    placed: list[dict[str, Any]] = []
    for day, label, css in sorted(lines, key=lambda line: line[0] or ""):
        if day is None:
            continue
        where = x(day)
        text = f"{label} {dutch_date(date.fromisoformat(day))}"
        level = sum(1 for p in placed if abs(p["x"] - where) < len(text) * CHAR_WIDTH)
        placed.append({"x": where, "label": text, "class": css, "date": _day(day),
                       "anchor": "end" if where > middle else "start",
                       "label_x": where - 4 if where > middle else where + 4,
                       "label_y": bottom + 15 + level * 13})
    return placed


def _bar(kind: str, phase: str, start: str, end: str, x: Callable[[str], float], y: float,
         label: str) -> dict[str, Any]:
    begin, finish = min(start, end), max(start, end)
    width = max(x(finish) - x(begin), 2.0)  # a phase done on its first day still shows
    return {"class": kind, "phase": phase, "x": x(begin), "y": y, "width": round(width, 1),
            "height": 8, "start": _day(begin), "end": _day(finish), "label": label}


def _item_state(row: Mapping[str, Any], phase_status: str, today: date) -> str:
    if row["actual"]:
        return "done"
    if row.get("skipped"):
        return "skipped"
    if phase_status == "done":
        return "lapsed"
    if row["planned"] and row["planned"] < today.isoformat():
        return "overdue"
    return "risk" if row["at_risk"] else "open"


ITEM_STATE_NL = {"done": "gereed", "lapsed": "vervallen (fase afgerond)", "overdue": "te laat",
                 "risk": "risico", "open": "open",
                 "skipped": "overgeslagen (fase geforceerd afgesloten)"}


def _markers(shot: Snapshot, phase: str, x: Callable[[str], float],
             y: float) -> list[dict[str, Any]]:
    """A marker per deadline of a phase's tasks, decisions and documents.

    The most pressing is drawn last, so it is the one on top where markers meet; markers
    closer together than CLUSTER units share one count label ("×3"), beside them where there
    is room and above them where the next ones stand close.
    """
    titles = _titles(shot.status)
    phase_status = next(p["status"] for p in shot.status["phases"] if p["id"] == phase)
    markers: list[dict[str, Any]] = []
    for row in shot.rows:
        if row["phase"] != phase or row["kind"] == "phase" or not row["planned"]:
            continue
        state = _item_state(row, phase_status, shot.today)
        title = titles.get(row["id"], row["id"])
        markers.append({"id": row["id"], "kind": row["kind"], "state": state,
                        "x": x(row["planned"]), "y": y, "date": _day(row["planned"]),
                        "title": title, "count": 0, "count_x": 0.0, "count_y": 0.0,
                        "tip": f"{KIND_NL[row['kind']].capitalize()}: {title} — uiterlijk "
                               f"{dutch_date(date.fromisoformat(row['planned']))} "
                               f"({ITEM_STATE_NL[state]})"})
    markers.sort(key=lambda m: (m["x"], STATE_WEIGHT[m["state"]]))
    clusters: list[list[dict[str, Any]]] = []
    for marker in markers:
        if clusters and marker["x"] - clusters[-1][0]["x"] <= CLUSTER:
            clusters[-1].append(marker)
        else:
            clusters.append([marker])
    above_end = -1e9  # where the last label placed above the markers ends
    for index, cluster in enumerate(clusters):
        if len(cluster) < 2:
            continue
        label = cluster[-1]
        label["count"] = len(cluster)
        width = len(f"×{len(cluster)}") * 5
        room = (clusters[index + 1][0]["x"] if index + 1 < len(clusters) else 1e9) - label["x"]
        if room > 6 + width + 5:
            label["count_x"], label["count_y"] = label["x"] + 6, y + 3
        else:
            start = max(cluster[0]["x"] - 2, above_end + 3)
            label["count_x"], label["count_y"] = start, y - 6
            above_end = start + width
    return markers


CLUSTER = 8  # units; at about 1.6 units a day, deadlines within five days
STATE_WEIGHT = {"lapsed": 0, "done": 1, "open": 2, "risk": 3, "overdue": 4, "skipped": 5}


BODY_CLASS = (("gemeenteraad", "raad"), ("raadscommissie", "commissie"), ("college", "college"),
              ("gezagsdriehoek", "driehoek"))


def _meeting_markers(shot: Snapshot, x: Callable[[str], float],
                     top: float) -> list[dict[str, Any]]:
    """A marker per meeting, its short label on the first level with room for it: as many
    levels as meetings that fall close together (four gemeenten in one week) need."""
    ends: list[float] = []
    markers = []
    for row in shot.rows:
        if row["kind"] != "meeting":
            continue
        body = row["id"]
        css = next((c for prefix, c in BODY_CLASS if body.startswith(prefix)), "other")
        label = _short_body(body)
        where = x(row["planned"] or "")
        half = len(label) * CHAR_WIDTH / 2
        level = next((i for i, end in enumerate(ends) if where - half > end + 4), len(ends))
        if level == len(ends):
            ends.append(where + half)
        ends[level] = where + half
        markers.append({"body": body, "class": css, "x": where, "y": top + 14,
                        "date": _day(row["planned"]), "label": label, "level": level,
                        "label_x0": round(where - half, 1), "label_x1": round(where + half, 1),
                        "label_y": top + 36 + level * LABEL_LEVEL,
                        "past": (row["planned"] or "") < shot.today.isoformat(),
                        "tip": f"{body}: {dutch_date(_day(row['planned']), weekday=True)}"
                               + (f"; stukken uiterlijk {dutch_date(_day(row['papers_due']))}"
                                  if row["papers_due"] else "")})
    return markers


def _short_body(body: str) -> str:
    """'gemeenteraad Losser' as 'raad Losser', 'gezagsdriehoek NOT' as 'driehoek NOT'."""
    for prefix, short in (("gemeenteraad", "raad"), ("raadscommissie", "cie"),
                          ("gezagsdriehoek", "driehoek")):
        if body.startswith(prefix):
            return short + body[len(prefix):]
    return body


# --------------------------------------------------------------------------- the tables


def _phases(shot: Snapshot) -> list[dict[str, Any]]:
    planned: dict[str, Mapping[str, Any]] = {r["id"]: r for r in shot.rows
                                             if r["kind"] == "phase"}
    result = []
    for phase in shot.status["phases"]:
        row = planned.get(phase["id"], {})
        result.append({"id": phase["id"], "title": phase["title"], "status": phase["status"],
                       "status_nl": STATUS_NL.get(phase["status"], phase["status"]),
                       "final": phase["final"], "due": _day(phase["due"]),
                       "forecast": _day(row.get("forecast")), "started": _day(phase["started"]),
                       "completed": _day(phase["completed"]), "at_risk": row.get("at_risk", False),
                       "late": bool(row.get("forecast") and phase["due"]
                                    and row["forecast"] > phase["due"])})
    return result


def councils(shot: Snapshot) -> list[dict[str, Any]]:
    """The decisions grouped per municipality (shared bodies last), each in date order."""
    status, definition = shot.status, shot.definition
    plan: dict[str, Mapping[str, Any]] = {r["id"]: r for r in shot.rows
                                          if r["kind"] == "decision"}
    phase_status = {p["id"]: p["status"] for p in status["phases"]}
    groups: dict[str | None, list[dict[str, Any]]] = {m: [] for m in definition.municipalities}
    for decision in status["decisions"]:
        row = plan.get(decision["id"], {})
        state = _item_state(row, phase_status[decision["phase"]], shot.today) if row else "open"
        if decision["outcome"] and not row.get("actual"):
            state = "held" if decision["outcome"] == "aangehouden" else "rejected"
        groups.setdefault(decision["municipality"] or _municipality_of(decision["body"],
                                                                       definition), []).append({
            "id": decision["id"], "title": decision["title"], "body": decision["body"],
            "phase": decision["phase"], "due": _day(decision["due"]),
            "meeting": _day(row.get("meeting")), "papers_due": _day(row.get("papers_due")),
            "forecast": _day(row.get("forecast")), "required": decision["required"],
            "outcome": OUTCOME_NL.get(decision["outcome"] or "", decision["outcome"]),
            "date": _day(decision["date"]), "state": state, "who": _who(decision),
            "why": say(row["reasons"], "nl") if row.get("at_risk") else None})
    result = []
    for name, decisions in groups.items():
        if not decisions:
            continue
        decisions.sort(key=lambda d: (d["due"] or date.max, d["id"]))
        settled = sum(1 for d in decisions if d["state"] == "done")
        result.append({"name": name or "Gezamenlijk", "decisions": decisions,
                       "settled": settled, "total": len(decisions)})
    return result


def _municipality_of(body: str | None, definition: Definition) -> str | None:
    """The municipality a shared decision's body belongs to ('gemeenteraad Losser')."""
    return next((m for m in definition.municipalities if (body or "").endswith(" " + m)), None)


def _event(event: Mapping[str, Any]) -> dict[str, Any]:
    at = datetime.fromisoformat(event["at"])
    source, dest = (CHANGE_NL.get(v or "", v or "") for v in (event["from"], event["to"]))
    change = f"{source} → {dest}".strip() if event["to"] else ""
    if event["event"] == "undone":  # its "from" is the event it took back
        change = f"neemt terug: {EVENT_NL.get(event['from'] or '', event['from'] or '')}"
    return {"when": f"{dutch_date(at.date())} {at:%H:%M}", "at": event["at"],
            "actor": event["actor"], "event": EVENT_NL.get(event["event"], event["event"]),
            "item": event["item"] or "", "change": change, "note": event["note"] or ""}


# --------------------------------------------------------------------------- helpers


def _day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _titles(status: Mapping[str, Any]) -> dict[str, str]:
    titles = {p["id"]: p["title"] for p in status["phases"]}
    for item in status["tasks"] + status["decisions"] + status["documents"]:
        titles[item["id"]] = item["title"]
    return titles


def _who_of(items: Mapping[str, Mapping[str, Any]], dated: Mapping[str, Any]) -> str:
    """Whom a deadline's item goes to; '' for a phase (which may share its id with an item)."""
    item = items.get(dated["id"]) if dated["kind"] != "phase" else None
    return _who(item) if item else ""


def _who(item: Mapping[str, Any]) -> str:
    """Whom an item of the status goes to, as its reminders do (planning.holders)."""
    who = item["who"]
    return say_holders([(p["name"], p["municipality"] or "") for p in who["people"]],
                       who["via"], item["role"], "nl")


def _roles(status: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every role with its holders, per gemeente: 'A. de Vries (Losser), B. Jansen
    (Tubbergen)'."""
    return [{"role": r["role"], "title": r["title"],
             "who": ", ".join(f"{p['name']} ({p['municipality']})" if p["municipality"]
                              else p["name"] for p in r["people"])}
            for r in status["roles"]]


def _working_days_left(status: Mapping[str, Any], nxt: Mapping[str, Any]) -> int | None:
    return next((u["working_days_left"] for u in status["upcoming"]
                 if u["id"] == nxt["id"] and u["kind"] == nxt["kind"]), None)
