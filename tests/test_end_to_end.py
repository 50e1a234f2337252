"""A municipality's own process from start to correction: `init` writes the workflow, `check`
accepts it, `start` starts it, work is recorded, and `upgrade` takes the corrected file (a
forgotten task) into the running process without losing what was done."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Invoke

FORGOTTEN = """      - id: jongerenpanel
        title: Jongerenpanel over veiligheid in de kernen
        role: werkgroep
        due: 3 weeks after start
"""


def test_init_check_start_work_and_upgrade_with_an_added_task(
        ivpflow: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "losser-2027-2030.yaml"
    made = ivpflow("init", "--municipality", "Losser", "--period", "2027-2030", "--start",
                   "2026-03-02", "--adopt-by", "2026-11-24", "--out", str(path))
    assert made.exit_code == 0, made.output
    checked = ivpflow("check", str(path))
    assert checked.exit_code == 0 and "warning" not in checked.output, checked.output
    started = ivpflow("start", str(path), "--id", "losser")
    assert started.exit_code == 0, started.output
    assert ivpflow("done", "losser", "werkgroep-samenstellen", now="2026-03-05T10:00"
                   ).exit_code == 0

    # The werkgroep forgot a task of the analysis: added to the file, taken into the process.
    text = path.read_text(encoding="utf-8")
    anchor = "      - id: werkgroep-procesafspraken\n"
    assert anchor in text
    path.write_text(text.replace(anchor, FORGOTTEN + anchor, 1), encoding="utf-8")
    assert ivpflow("check", str(path)).exit_code == 0
    dry = ivpflow("upgrade", "losser", str(path), "--dry-run", now="2026-03-06T10:00")
    assert dry.exit_code == 0, dry.output
    assert "+ task jongerenpanel" in dry.output
    assert "jongerenpanel" not in ivpflow("status", "losser", "--json",
                                          now="2026-03-06T10:00").stdout
    done = ivpflow("upgrade", "losser", str(path), now="2026-03-06T10:00")
    assert done.exit_code == 0, done.output

    status = json.loads(ivpflow("status", "losser", "--json", now="2026-03-06T10:05").stdout)
    tasks = {t["id"]: t for t in status["tasks"]}
    assert tasks["jongerenpanel"]["status"] == "open" and tasks["jongerenpanel"]["due"]
    assert tasks["werkgroep-samenstellen"]["status"] == "done"
    events = [e["event"] for e in json.loads(ivpflow("history", "losser", "--json").stdout)]
    assert events[-1] == "upgraded" and "done" in events
