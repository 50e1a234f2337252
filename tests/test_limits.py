"""What validation lets through, every database stores: the longest ids, names, addresses and
bodies taken by one process from start to tick, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Invoke

GEMEENTE = "Gemeente-met-een-heel-lange-naam-aan-de-rand-van-het-oostenn"  # 60 characters
assert len(GEMEENTE) == 60
SLUG = GEMEENTE.lower()
DECISION = "b" * (100 - len(SLUG) - 1)  # with '-<slug>' after it: an id of 100
BODY = ("gemeenteraad {municipality} " + "x" * 200)[:200 - len(GEMEENTE) + len("{municipality}")]
EMAIL = "a" * 64 + "@" + ".".join(["d" * 63] * 3) + ".nl"  # 64 + 1 + 255 = 320
NAME = "N" * 200
ACTOR = "actor " + "z" * 194
PROCESS = "p" * 100


def definition(tmp_path: Path) -> Path:
    path = tmp_path / "lang.yaml"
    path.write_text(f"""
id: {"w" * 100}
title: Langste waarden
period: 2027-2030
municipalities: [{GEMEENTE}]
roles: {{{"r" * 100}: Rol}}
phases:
  - id: {"f" * 100}
    title: Fase
    due: 2026-06-30
    tasks:
      - {{id: {"t" * 100}, title: Taak, role: {"r" * 100}, due: 2026-04-30}}
    decisions:
      - id: {DECISION}
        title: Besluit van {{municipality}}
        body: {BODY}
        per_municipality: true
        role: {"r" * 100}
        due: 2026-06-15
    documents:
      - {{id: {"raadsvoorstel-" + "v" * 86}, title: Raadsvoorstel, role: {"r" * 100},
          due: 2026-06-01}}
  - {{id: klaar, title: Klaar, final: true}}
""", encoding="utf-8")
    return path


def test_the_longest_values_are_stored_everywhere(ivpflow: Invoke, tmp_path: Path) -> None:
    file = definition(tmp_path)
    decision = f"{DECISION}-{SLUG}"
    body = BODY.replace("{municipality}", GEMEENTE)
    assert len(decision) == 100 and len(body) == 200
    steps = [
        ("check", str(file)),
        ("start", str(file), "--id", PROCESS),
        ("assign", PROCESS, "r" * 100, "--name", NAME, "--email", EMAIL),
        ("assign", PROCESS, "r" * 100, "--name", NAME, "--email", EMAIL,
         "--municipality", GEMEENTE),
        ("done", PROCESS, "t" * 100, "--note", "n" * 5000),
        ("meeting", "add", PROCESS, body, "2026-06-09"),
        ("decide", PROCESS, decision, "--outcome", "aangehouden", "--date", "2026-04-01"),
        ("set", PROCESS, "themabijeenkomst-aanvang", "19:30", "--municipality", GEMEENTE),
        ("priority", "add", PROCESS, "p" * 100, "--veld", "1", "--theme", "t" * 200,
         "--title", "T"),
        ("indicator", "add", PROCESS, "i" * 100, "--priority", "p" * 100, "--title", "I",
         "--baseline", "9" * 100, "--target", "8" * 100),
        ("action", "add", PROCESS, "a" * 100, "--title", "A", "--trekker", "k" * 200,
         "--kosten", "€" * 100),
        ("draft", PROCESS, "raadsvoorstel-" + "v" * 86, "--format", "md"),
    ]
    for step in steps:
        result = ivpflow(*step, now="2026-04-01T08:00", actor=ACTOR)
        assert result.exit_code == 0, (step[0], result.output)
    # The document's reminder falls due ten working days before 1 June.
    result = ivpflow("tick", now="2026-05-20T08:00", actor=ACTOR)
    assert result.exit_code == 0 and "1 reminder and " in result.stdout, result.output
    status = json.loads(ivpflow("status", PROCESS, "--json", now="2026-04-01").stdout)
    assert status["roles"][0]["people"] == [
        {"name": NAME, "email": EMAIL, "municipality": None},
        {"name": NAME, "email": EMAIL, "municipality": GEMEENTE}]
    assert status["decisions"][0]["id"] == decision
    history = json.loads(ivpflow("history", PROCESS, "--json").stdout)
    assert {e["actor"] for e in history} == {ACTOR, "scheduler"}  # the tick drafted
    assert EMAIL in {e["to"] for e in history}
    outbox = json.loads(ivpflow("outbox", "--json").stdout)
    assert EMAIL in {m["to"] for m in outbox}


def test_an_actor_the_history_cannot_keep_is_refused(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", "werkgroep-samenstellen", actor="x" * 201)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Actor 'xxxx")
    assert "must be one line of 1 to 200 characters" in result.stderr


def test_ids_longer_than_the_database_keeps_are_refused_by_check(ivpflow: Invoke,
                                                                 tmp_path: Path) -> None:
    file = definition(tmp_path)
    file.write_text(file.read_text().replace("f" * 100, "f" * 101), encoding="utf-8")
    result = ivpflow("check", str(file))
    assert result.exit_code == 1
    assert "phase id 'ffffffffffffffffffff…' is 101 characters long; ids are at most 100" \
        in result.output
