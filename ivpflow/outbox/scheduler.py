"""The scheduler's work: one tick (queue what is due, deliver the outbox) and the loop.

Every tick recomputes from the database, so ticks missed while nothing ran need no replay and
a tick may run twice without sending anything twice.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..dates import AMSTERDAM
from ..store import Store
from ..store.writer import refresh_summaries
from .delivery import DeliveryReport, deliver
from .mail import MailSettings
from .reminders import QueueReport, queue_reminders

log = logging.getLogger("ivpflow.scheduler")


@dataclass
class TickReport:
    """What one tick did."""

    at: datetime
    queue: QueueReport = field(default_factory=QueueReport)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    drafts: list[str] = field(default_factory=list)
    summaries: int = 0  # portfolio summaries refreshed for the new day

    def lines(self) -> list[str]:
        """A human summary, first line the totals."""
        q, d = self.queue, self.delivery
        head = (f"{len(q.queued)} reminders queued ({q.late} late), {q.digests} digests, "
                f"{q.cancelled} cancelled; {d.sent} sent, {d.retried} to retry, "
                f"{d.failed} failed")
        head += f"; {len(self.drafts)} drafts rendered"
        lines = [head] + [f"  queued {entry}" for entry in q.queued]
        lines += [f"  drafted {path}" for path in self.drafts]
        lines += [f"  nobody assigned: {entry}" for entry in sorted(q.unassigned)]
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        q, d = self.queue, self.delivery
        return {"at": self.at.isoformat(timespec="seconds"), "queued": q.queued,
                "late": q.late, "digests": q.digests, "cancelled": q.cancelled,
                "unassigned": sorted(q.unassigned), "sent": d.sent, "retried": d.retried,
                "failed": d.failed, "drafts": self.drafts, "summaries": self.summaries}


def worker_name() -> str:
    """This process's name in claims: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def tick(store: Store, now: datetime, settings: MailSettings, *,
         worker: str | None = None, deliver_pause: float = 0.0,
         store_dir: Path | None = None) -> TickReport:
    """One pass: render the drafts that fell due (when a store folder is given), queue the
    reminders and digests due at `now`, deliver the outbox, and refresh the portfolio's
    summaries that a new day made stale."""
    report = TickReport(at=now)
    if store_dir is not None:
        from ..documents.drafts import render_due_drafts

        report.drafts = [str(path) for path in render_due_drafts(store, now, store_dir)]
    report.queue = queue_reminders(store, now, settings.sender)
    report.delivery = deliver(store, now, settings, worker=worker or worker_name(),
                              pause=deliver_pause)
    report.summaries = refresh_summaries(store, now)
    return report


def run_scheduler(store: Store, settings: MailSettings, *, every_minutes: float,
                  clock: Callable[[], datetime], deliver_pause: float = 0.0,
                  store_dir: Path | None = None) -> None:
    """Run ticks on a timer (and on Monday 08:00 for the digest) until SIGTERM or Ctrl-C."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    worker = worker_name()

    def job() -> None:
        try:
            report = tick(store, clock(), settings, worker=worker, deliver_pause=deliver_pause,
                          store_dir=store_dir)
        except Exception:  # one failed pass must not stop the service; the next one retries
            log.exception("tick failed")
            return
        for line in report.lines():
            log.info(line)

    scheduler = BlockingScheduler(timezone=AMSTERDAM)
    options: dict[str, Any] = {"replace_existing": True, "coalesce": True, "max_instances": 1}
    scheduler.add_job(job, IntervalTrigger(seconds=every_minutes * 60, timezone=AMSTERDAM),
                      id="tick", next_run_time=datetime.now(AMSTERDAM), **options)
    scheduler.add_job(job, CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=AMSTERDAM),
                      id="digest", **options)

    def stop(signum: int, _frame: Any) -> None:
        log.info("stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info("scheduler %s started: a tick every %s minutes, mail to %s", worker,
             every_minutes, settings.target)
    try:
        scheduler.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("scheduler %s stopped", worker)
