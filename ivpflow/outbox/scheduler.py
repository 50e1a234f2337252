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
from typing import TYPE_CHECKING, Any

from ..dates import AMSTERDAM, local
from ..i18n import _, ngettext
from ..store import Store
from ..store.writer import refresh_summaries
from .delivery import DeliveryReport, deliver
from .mail import MailSettings
from .reminders import QueueReport, queue_reminders
from .troubles import delayed_count

if TYPE_CHECKING:
    from ..documents.failures import DraftFailure

log = logging.getLogger("ivpflow.scheduler")


@dataclass
class TickReport:
    """What one tick did."""

    at: datetime
    queue: QueueReport = field(default_factory=QueueReport)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    drafts: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # due drafts not rendered again
    draft_failures: list[DraftFailure] = field(default_factory=list)
    delayed: int = 0  # messages still queued an hour or more after they were meant to go
    summaries: int = 0  # portfolio summaries refreshed for the new day

    @property
    def eventful(self) -> bool:
        """Whether the tick did or found anything worth a line in a log."""
        q, d = self.queue, self.delivery
        return bool(q.queued or q.digests or q.cancelled or q.failures or d.sent or d.retried
                    or d.failed or self.drafts or self.draft_failures or self.delayed)

    @property
    def ok(self) -> bool:
        """False when a message failed, a message has waited an hour or more, or a reminder
        or draft could not be rendered: what cron must hear about (exit code 1)."""
        return not (self.delivery.failed or self.delayed or self.queue.failures
                    or self.draft_failures)

    def lines(self) -> list[str]:
        """A human summary, first line the totals."""
        q, d = self.queue, self.delivery
        reminders = ngettext("{count} reminder", "{count} reminders",
                             len(q.queued) - q.clock).format(count=len(q.queued) - q.clock)
        digests = ngettext("{count} digest", "{count} digests", q.digests).format(
            count=q.digests)
        totals = {"reminders": reminders, "digests": digests, "late": q.late,
                  "cancelled": q.cancelled, "sent": d.sent, "retried": d.retried,
                  "failed": d.failed, "drafts": len(self.drafts)}
        # `late` counts the reminders and digests that go out after their moment.
        if q.clock:
            warnings = ngettext("{count} clock warning", "{count} clock warnings",
                                q.clock).format(count=q.clock)
            head = _("{reminders}, {digests} and {warnings} queued ({late} late), {cancelled} "
                     "cancelled; {sent} sent, {retried} to retry, {failed} failed; {drafts} "
                     "drafts rendered").format(warnings=warnings, **totals)
        else:
            head = _("{reminders} and {digests} queued ({late} late), {cancelled} cancelled; "
                     "{sent} sent, {retried} to retry, {failed} failed; {drafts} drafts "
                     "rendered").format(**totals)
        lines = [head] + [_("  queued {entry}").format(entry=entry) for entry in q.queued]
        lines += [_("  drafted {path}").format(path=path) for path in self.drafts]
        lines += ["  " + _("{path}: unchanged, not rendered again").format(path=path)
                  for path in self.unchanged]
        lines += [_("  nobody assigned: {entry}").format(entry=entry)
                  for entry in sorted(q.unassigned)]
        return lines

    def problems(self) -> list[str]:
        """One line per thing that went wrong, for stderr: per failing mail server, per
        reminder or draft that could not be rendered, and the delayed messages."""
        lines = [_("mail to {target}: {error}").format(target=target, error=error)
                 for target, error in sorted(self.delivery.problems.items())]
        if self.delivery.failed:
            lines.append(_("{count} message(s) failed for good: see `ivpflow outbox --status "
                           "failed`, requeue with `ivpflow outbox retry --failed`").format(
                count=self.delivery.failed))
        if self.delayed:
            lines.append(_("{count} message(s) waiting an hour or more: see `ivpflow outbox "
                           "--status queued`").format(count=self.delayed))
        lines += [_("reminders of {failure}").format(failure=failure)
                  for failure in self.queue.failures]
        lines += [_("draft {document} of {process_id} failed (attempt {attempt}): {error}")
                  .format(document=f.document, process_id=f.process, attempt=f.attempts,
                          error=f.error) for f in self.draft_failures]
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        q, d = self.queue, self.delivery
        return {"at": self.at.isoformat(timespec="seconds"), "queued": q.queued,
                "late": q.late, "digests": q.digests, "clock": q.clock, "cancelled": q.cancelled,
                "unassigned": sorted(q.unassigned), "sent": d.sent, "retried": d.retried,
                "failed": d.failed, "delayed": self.delayed,
                "problems": self.problems(), "drafts": self.drafts,
                "unchanged": self.unchanged,
                "draft_failures": [{"process": f.process, "document": f.document,
                                    "error": f.error, "attempts": f.attempts}
                                   for f in self.draft_failures],
                "summaries": self.summaries}


def worker_name() -> str:
    """This process's name in claims: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def tick(store: Store, now: datetime, settings: MailSettings, *,
         worker: str | None = None, deliver_pause: float = 0.0,
         store_dir: Path | None = None) -> TickReport:
    """One pass: queue the reminders and digests due at `now`, deliver the outbox, then
    render the drafts that fell due (when a store folder is given) and refresh the portfolio's
    summaries that a new day made stale.

    Reminders come first and never wait for a draft: a draft that fails is recorded and
    retried on the next tick, and a reminder that cannot be rendered for one process leaves
    every other process's reminders going out.
    """
    report = TickReport(at=now)
    report.queue = queue_reminders(store, now, settings.sender)
    report.delivery = deliver(store, now, settings, worker=worker or worker_name(),
                              pause=deliver_pause)
    report.delayed = delayed_count(store, now)
    if store_dir is not None:
        from ..documents.drafts import render_due_drafts

        drafted = render_due_drafts(store, now, store_dir)
        report.drafts = [str(path) for path in drafted.written]
        report.unchanged = [str(path) for path in drafted.unchanged]
        report.draft_failures = drafted.failed
    report.summaries = refresh_summaries(store, now)
    return report


class _LocalTime(logging.Formatter):
    """Log times in Europe/Amsterdam, the time every date in ivpflow is in."""

    def formatTime(self, record: logging.LogRecord,  # noqa: N802 - logging's name
                   datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, AMSTERDAM)
        return moment.strftime(datefmt or "%Y-%m-%d %H:%M:%S %Z")


def configure_logging() -> None:
    """The scheduler's log on stderr: its own lines at INFO, APScheduler's only when they
    warn (its INFO is three lines per idle tick)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_LocalTime("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def run_scheduler(store: Store, settings: MailSettings, *, every_minutes: float,
                  clock: Callable[[], datetime], deliver_pause: float = 0.0,
                  store_dir: Path | None = None) -> None:
    """Run ticks on a timer (and on Monday 08:00 for the digest) until SIGTERM or Ctrl-C."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    worker = worker_name()

    def job() -> None:
        moment = clock()
        try:
            report = tick(store, moment, settings, worker=worker, deliver_pause=deliver_pause,
                          store_dir=store_dir)
        except Exception:  # one failed pass must not stop the service; the next one retries
            log.exception("tick at %s failed", f"{local(moment):%Y-%m-%d %H:%M}")
            return
        # One line a tick, and only when it did something; what went wrong, line by line.
        if report.eventful:
            log.info("tick at %s: %s", f"{local(report.at):%Y-%m-%d %H:%M}", report.lines()[0])
        for problem in report.problems():
            log.warning("%s", problem)

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
