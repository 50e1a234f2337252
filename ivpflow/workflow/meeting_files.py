"""Meeting calendars in files: a YAML list or a CSV file of meetings (body, date, papers_due),
as a definition names them or `meeting import` reads them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from ..dates import FIRST_DAY, LAST_DAY
from .model import Meeting


def read_meetings_file(path: str | Path) -> list[Meeting]:
    """Meetings from a YAML list or a CSV file with columns body, date[, papers_due].

    ValueError names the first row that cannot be read.
    """
    file = Path(path)
    text = file.read_text(encoding="utf-8-sig")
    rows: list[Any]
    if file.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if rows and not {"body", "date"} <= set(rows[0]):
            raise ValueError("a meetings CSV needs the columns body and date (and papers_due)")
    else:
        import yaml

        from .yamlsource import ALIAS_PROBLEM, alias_lines

        refused = alias_lines(text)
        if refused:
            raise ValueError(f"line {refused[0]}: {ALIAS_PROBLEM}")
        try:
            # Every value as text, so a wrong date is reported with its row, not by YAML.
            loaded = yaml.load(text, Loader=yaml.BaseLoader) or []
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise ValueError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(loaded, list):
            raise ValueError("a meetings YAML file is a list of {body, date, papers_due}")
        rows = loaded
    meetings = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not row.get("body") or not row.get("date"):
            raise ValueError(f"row {number} needs a body and a date")
        papers = row.get("papers_due") or None
        meetings.append(Meeting(body=" ".join(str(row["body"]).split()),
                                date=_day(row["date"], number),
                                papers_due=_day(papers, number) if papers else None))
    return meetings


def _day(value: object, row: int) -> date:
    if isinstance(value, date):
        return value
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"row {row}: '{value}' is not a date (YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"row {row}: {day} lies outside the dates ivpflow plans with "
                         f"({FIRST_DAY} to {LAST_DAY})")
    return day
