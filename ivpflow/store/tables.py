"""The database tables, as SQLAlchemy Core: the one description of the schema.

Every column's type, size and nullability is written here and nowhere else; the row types in
`rows` carry the same names, and a test keeps both in step. A column is at least as long as
the longest value validation lets through, so what one database accepts every database stores.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The naming convention is what Alembic's batch mode needs to find constraints again.
metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _process_key() -> Column[str]:
    return Column("process_id", String(100), ForeignKey("processes.id", ondelete="CASCADE"),
                  primary_key=True)


# A copy of each definition text a process was started from, keyed by its hash.
definitions = Table(
    "definitions", metadata,
    Column("digest", String(64), primary_key=True),
    Column("workflow", String(100), nullable=False),
    Column("path", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("compiled", Text, nullable=False),
    Column("stored_at", DateTime, nullable=False),
)

# One run of a workflow; `version` is bumped by every change, so a change made from stale
# data is a conflict.
processes = Table(
    "processes", metadata,
    Column("id", String(100), primary_key=True),
    Column("workflow", String(100), nullable=False, index=True),
    Column("definition_digest", String(64), ForeignKey("definitions.digest"), nullable=False),
    Column("phase", String(100), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # ISO week ("2026-W10") of the last weekly digest, so a tick finds the processes still
    # owed one through an index instead of reading them all.
    Column("digest_week", String(8), index=True),
    # How the process stands, computed by every write for its day (`summary_on`) and true until
    # `summary_through`: the portfolio reads these instead of planning every process.
    Column("summary_on", Date),
    Column("summary_through", Date, index=True),  # 9999-12-31: for good
    Column("overdue", Integer),
    Column("at_risk", Integer),
    Column("next_due", Date),
    Column("next_kind", String(10)),
    Column("next_item", String(100)),
)

# Where one phase of a process stands: pending, active or done, and its deadline.
phase_states = Table(
    "phase_states", metadata,
    _process_key(),
    Column("phase", String(100), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("due", Date),
    Column("started_at", DateTime),
    Column("completed_at", DateTime),
)

# Where one task, decision or document of a process stands, with its deadline.
items = Table(
    "items", metadata,
    _process_key(),
    Column("item_id", String(100), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("phase", String(100), nullable=False),
    Column("position", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("due", Date),
    Column("completed_at", DateTime),
    Column("completed_by", String(200)),
    Column("note", Text),
    Column("outcome", String(30)),
    Column("decided_on", Date),
    Column("extends", Date),  # a raad decision: the day it extends the current plan until
    # Reminders ask "what open item falls due by D?" across every process.
    Index("ix_items_status_due", "status", "due"),
)

# A person who fills a role of the workflow in one process.
assignments = Table(
    "assignments", metadata,
    _process_key(),
    Column("role", String(100), primary_key=True),
    Column("email", String(320), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("assigned_at", DateTime, nullable=False),
    # '' for the whole process, else the gemeente whose items this person holds the role for.
    Column("municipality", String(100), primary_key=True, server_default=""),
)

# A meeting of a decision body known for a process (from the definition or entered).
meetings = Table(
    "meetings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("process_id", String(100), ForeignKey("processes.id", ondelete="CASCADE"),
           nullable=False),
    Column("body", String(200), nullable=False),
    Column("date", Date, nullable=False),
    Column("papers_due", Date),
    Column("source", String(20), nullable=False),
    Column("created_at", DateTime, nullable=False),
    # A meeting taken from a council information system (`meeting sync`): the calendar it
    # came from and its id there, so that a moved meeting is recognised as the same one.
    Column("origin", String(500)),
    Column("uid", String(300)),
    UniqueConstraint("process_id", "body", "date"),
    UniqueConstraint("process_id", "origin", "uid", name="uq_meetings_origin_uid"),
)

# A recurring meeting schedule of one decision body in a process (`meeting schedule`): its
# occurrences are rows of `meetings` with source 'schedule'; the rule and its exceptions are
# kept so that a cancelled occurrence stays cancelled when the schedule is expanded again.
meeting_schedules = Table(
    "meeting_schedules", metadata,
    _process_key(),
    Column("body", String(200), primary_key=True),
    Column("rule", String(500), nullable=False),  # an iCalendar RRULE
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("exceptions", Text, nullable=False, server_default=""),  # ISO dates, comma-separated
    Column("created_at", DateTime, nullable=False),
)

# A meeting of a decision body entered once for every process of the store (a gemeente's raad
# calendar): each process plans on its own meetings and these; its own one of the same body
# and date is the one that counts.
shared_meetings = Table(
    "shared_meetings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("body", String(200), nullable=False),
    Column("date", Date, nullable=False),
    Column("papers_due", Date),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("body", "date"),
)

# A person who fills a role in every process of the store that has the role, for the whole
# process ('') or one gemeente, unless the process has holders of its own for it.
shared_assignments = Table(
    "shared_assignments", metadata,
    Column("role", String(100), primary_key=True),
    Column("municipality", String(100), primary_key=True, server_default=""),
    Column("email", String(320), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("assigned_at", DateTime, nullable=False),
)

# A stretch during which a process stood still (e.g. around elections).
suspensions = Table(
    "suspensions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("process_id", String(100), ForeignKey("processes.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("reason", Text, nullable=False),
)

# One reminder or digest: queued once (its dedupe key is unique), then sent or failed.
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # process|item|kind|step|due|recipient: ids of 100 and an address of 320 characters.
    Column("dedupe_key", Text, nullable=False, unique=True),
    Column("process_id", String(100), nullable=False, index=True),
    Column("kind", String(12), nullable=False),  # upcoming|due|overdue|escalation|digest
    Column("item", String(100)),
    Column("due", Date),
    Column("moment", Date, nullable=False),  # the day it was meant to go out
    Column("recipient", String(320), nullable=False),
    Column("recipient_name", String(200), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("ics", Text),
    Column("message_id", Text, nullable=False),
    Column("status", String(10), nullable=False),  # queued|sent|failed|cancelled
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("claimed_by", String(100)),
    Column("claimed_until", DateTime),
    Column("queued_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    Column("error", Text),
    Column("first_failed_at", DateTime),  # when delivery first failed: the retry window's start
    # Times the connection was lost after the message was handed over (it may have arrived).
    Column("unconfirmed", Integer, nullable=False, server_default="0"),
    Column("reply_to", Text),  # the coordinator, "Name <address>", for whom the mail is not
    # Delivery asks "what is queued and may be tried now?" across every process.
    # What claim() reads, in its order: a batch costs the batch, not the backlog.
    Index("ix_outbox_claimable", "status", "next_attempt_at", "id"),
)

# A priority (speerpunt) chosen for the IVP, in one of the five veiligheidsvelden.
priorities = Table(
    "priorities", metadata,
    _process_key(),
    Column("id", String(100), primary_key=True),
    Column("veld", Integer, nullable=False),  # 1..5, see ivpflow.workflow.veiligheidsvelden
    Column("theme", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("rationale", Text),
    Column("position", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("gemeente", String(100)),  # one gemeente's own priority; NULL: shared by all
)

# A measurable indicator of a priority: source, baseline and streefwaarde.
indicators = Table(
    "indicators", metadata,
    _process_key(),
    Column("id", String(100), primary_key=True),
    Column("priority_id", String(100), nullable=False),
    Column("title", Text, nullable=False),
    Column("source", Text),
    Column("baseline", String(100)),
    Column("baseline_year", Integer),
    Column("target", String(100)),
    Column("target_year", Integer),
    Column("position", Integer, nullable=False),
)

class Real(TypeDecorator[float]):
    """A float column read as the driver gives it: both drivers return floats already, and
    SQLAlchemy's own conversion asks psycopg for a column type a pipelined read lacks."""

    impl = Float
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


# One figure of a series for the veiligheidsanalyse (`ivpflow cijfers`): the value of one
# measure of an open-data table for one region (a gemeente GMxxxx or Nederland NL01) in one
# year, with where it came from and when it was fetched. Fetching again updates the row.
observations = Table(
    "observations", metadata,
    _process_key(),
    Column("region", String(10), primary_key=True),  # GM0168, NL01
    Column("year", Integer, primary_key=True),
    Column("table_id", String(20), primary_key=True),  # 83648NED
    Column("series", String(100), primary_key=True),  # ivpflow/opendata/reeksen.yaml
    Column("name", String(100), nullable=False),  # the region as the documents name it
    Column("measure", String(200), nullable=False),  # the source's topic and category keys
    Column("value", Real, nullable=False),
    Column("lower", Real),  # the 95% interval of a survey figure (Veiligheidsmonitor)
    Column("upper", Real),
    Column("source", String(100), nullable=False),  # CBS, Politie; the catalogue it came from
    Column("retrieved_on", Date, nullable=False),
)

# An action of the uitvoeringsplan: doelstelling, activiteiten, trekker, termijn, kosten.
actions = Table(
    "actions", metadata,
    _process_key(),
    Column("id", String(100), primary_key=True),
    Column("priority_id", String(100)),
    Column("title", Text, nullable=False),
    Column("doelstelling", Text),
    Column("activiteiten", Text),
    Column("trekker", String(200)),
    Column("betrokkenen", Text),
    Column("termijn", Date),
    Column("kosten", String(100)),
    Column("position", Integer, nullable=False),
)

# A named fact of a process that documents need, e.g. zaaknummer or portefeuillehouder.
process_values = Table(
    "process_values", metadata,
    _process_key(),
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# One rendered version of a document draft: where it is, its hash and why it was made.
drafts = Table(
    "drafts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("process_id", String(100), ForeignKey("processes.id", ondelete="CASCADE"),
           nullable=False, index=True),
    # A document id, '-<gemeente>' when it is drafted per gemeente.
    Column("document", Text, nullable=False),
    Column("format", String(10), nullable=False),
    Column("version", Integer, nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("reason", String(20), nullable=False),  # due | on demand
    Column("created_at", DateTime, nullable=False),
    # What the file was made from (its Markdown, title, format, house style, the Word code)
    # and the templates and house style in effect: a due draft whose inputs are unchanged is
    # not rendered again (documents/drafts.py).
    Column("inputs", String(64), nullable=True),
    Column("sources", String(64), nullable=True),
    Column("checked_at", DateTime, nullable=True),  # when the inputs were last found unchanged
    # The Markdown the version was rendered from (every format of one version has the same).
    Column("source_sha256", String(64)),
    UniqueConstraint("process_id", "document", "format", "version"),
)

# A due draft that could not be rendered: retried every tick, shown until it renders.
draft_failures = Table(
    "draft_failures", metadata,
    _process_key(),
    Column("document", Text, primary_key=True),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("first_failed_at", DateTime, nullable=False),
    Column("last_failed_at", DateTime, nullable=False),
)

# One entry of the append-only history (the database refuses updates and deletes).
events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("process_id", String(100), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("event", String(30), nullable=False),
    # What changed, from and to: a phase, an outcome, a name or an e-mail address.
    Column("from_state", Text),
    Column("to_state", Text),
    Column("item", Text),
    Column("note", Text),
)
