"""A new workflow definition for one gemeente or several, from the VNG template (`ivpflow init`).

The five steps of VNG Kernbeleid Veiligheid with their sub-steps, as the shipped
`vng-kernbeleid-veiligheid` workflow has them, planned between a start date and the raad
meeting by which the plan must be adopted. Every gemeente gets its own decision chain
(college, raadscommissie, gemeenteraad), as the Noordoost Twente workflow has for four. The
result is YAML text with comments for the coordinator, validated before it is returned.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..errors import (
    DefinitionError,
    FileAccessError,
    InvalidValueError,
    MissingOptionError,
    OutOfOrderError,
)
from ..i18n import _, say_date
from ..text import check_text
from ..workdays import DEFAULT_CALENDAR
from .model import DEFAULT_LEAD_TIMES, PERIOD_PATTERN, Definition, ReminderPolicy, slug
from .validation import ID_PATTERN, MAX_ID, MAX_MUNICIPALITY
from .yamlwriter import CommentedMap, Flow, dump

# The weeks each step takes, at the least and as VNG's averages plus the decision chain have
# it; the span between start and adoption is shared out between the two (see `schedule`).
MINIMUM_WEEKS = {"opstart": 4, "analyse": 8, "prioritering": 4, "ivp": 10}
USUAL_WEEKS = {"opstart": 6, "analyse": 10, "prioritering": 6, "ivp": 14}
# A plan longer than this breaks Politiewet art. 38b: the raad sets the goals at least once
# every four years.
MAX_PERIOD_YEARS = 4


@dataclass(frozen=True)
class When:
    """An item's deadline inside its phase: at a share of the phase's working weeks (the
    weeks before its closing decisions), a number of weeks before its end, or at its end."""

    share: float | None = None
    weeks_before_end: int | None = None

    def text(self, window_weeks: float) -> str:
        if self.share is not None:
            weeks = max(1, round(self.share * window_weeks))
            return f"{weeks} week{'s' * (weeks != 1)} after start"
        if self.weeks_before_end:
            n = self.weeks_before_end
            return f"{n} week{'s' * (n != 1)} before end"
        return "end"


def at(share: float) -> When:
    return When(share=share)


def before_end(weeks: int) -> When:
    return When(weeks_before_end=weeks)


END = When()


@dataclass(frozen=True)
class ItemSpec:
    """A task, decision or document of the template. `{municipality}` in its body or title
    makes it one per gemeente; the other `{words}` are filled in by `_words`."""

    kind: str
    id: str
    title: str
    role: str
    when: When
    body: str | None = None
    document: str | None = None
    required: bool | None = None  # None: the kind's default
    joint_required: bool | None = None  # for a plan of several gemeenten, where it differs
    comment: str = ""

    @property
    def per_municipality(self) -> bool:
        return "{municipality}" in (self.body or self.title)


@dataclass(frozen=True)
class PhaseSpec:
    """One of the five steps: its text, the weeks at its end its closing decisions take
    (`tail_weeks`; the items due 'after start' share out the rest), and its items."""

    id: str
    title: str
    description: str
    comment: str
    tail_weeks: int
    steps: tuple[ItemSpec, ...]


ROLES = {
    "coordinator": "Coördinator integrale veiligheid (projectleider IVP)",
    "projectmanager": "Projectmanager / opdrachtgever",
    "portefeuillehouder": "Burgemeester, portefeuillehouder openbare orde en veiligheid",
    "werkgroep": "Werkgroep IVP (interne en externe partners)",
    "griffie": "Griffie",
    "driehoek": "Secretaris gezagsdriehoek",
}

PHASES = (
    PhaseSpec(
        "opstart", "Opstart",
        "Werkgroep, startbijeenkomst en startnotitie (het projectplan). VNG 4-6 weken; 75 uur.",
        "Step 1, opstart: organise the work. The college of each gemeente adopts the "
        "startnotitie and informs its raad with a raadsinformatiebrief.",
        1,
        (
            ItemSpec("task", "werkgroep-samenstellen", "Samenstellen werkgroep IVP", "coordinator",
                 at(0.3)),
            ItemSpec("task", "bespreken-portefeuillehouder",
                 "Bespreken startnotitie met {portefeuillehouders}", "coordinator", at(0.7)),
            ItemSpec("task", "veiligheidsmonitor-opdracht",
                 "Opdracht veiligheidsmonitor of inwonersenquête verstrekken", "projectmanager",
                 END, required=False),
            ItemSpec("task", "startbijeenkomst",
                 "Startbijeenkomst werkgroep na vaststelling startnotitie", "coordinator", END),
            ItemSpec("decision", "college-startnotitie",
                 "Startnotitie IVP vastgesteld door het college van {municipality}",
                 "portefeuillehouder", before_end(1), body="college {municipality}",
                 document="startnotitie"),
            ItemSpec("decision", "startnotitie-driehoek",
                 "Instemming met startnotitie en tijdspad in de gezagsdriehoek", "driehoek", END,
                 body="{driehoek}", required=False),
            ItemSpec("document", "startnotitie", "Startnotitie {plan}", "coordinator", at(0.4)),
            ItemSpec("document", "raadsinformatiebrief",
                 "Raadsinformatiebrief startnotitie en tijdspad IVP ({municipality})",
                 "coordinator", END),
        ),
    ),
    PhaseSpec(
        "analyse", "Veiligheidsanalyse",
        "Per thema in de vijf veiligheidsvelden: problematiek, huidige aanpak, gewenste acties; "
        "evaluatie van het vorige IVP. VNG 8-10 weken; 350 uur.",
        "Step 2, veiligheidsanalyse: the factual basis, per veiligheidsveld, and the "
        "evaluation of the current plan; professionals, residents and the raad take part.",
        1,
        (
            ItemSpec("task", "werkgroep-procesafspraken",
                 "Werkgroepbijeenkomst: procesafspraken en benodigde informatie", "coordinator",
                 at(0.1)),
            ItemSpec("task", "cijfers-verzamelen",
                 "Verzamelen veiligheidscijfers en relevante beleidsdocumenten", "werkgroep",
                 at(0.3)),
            ItemSpec("task", "evaluatie-vorig-ivp",
                 "Evaluatie van het huidige veiligheidsbeleid en uitvoeringsplan", "coordinator",
                 at(0.3)),
            ItemSpec("task", "eerste-beeld",
                 "Eerste schriftelijke veiligheidsbeeld (eerste concept)", "coordinator",
                 at(0.45)),
            ItemSpec("task", "beeld-portefeuillehouder",
                 "Veiligheidsbeeld bespreken met werkgroep en {portefeuillehouders}",
                 "portefeuillehouder", at(0.55)),
            ItemSpec("task", "thematafels",
                 "Thematafels met professionals uit de vijf veiligheidsvelden", "coordinator",
                 at(0.75)),
            ItemSpec("task", "inwoners-ondernemers",
                 "Inwoners en ondernemers betrekken (enquête, bijeenkomsten, marktkraam)",
                 "werkgroep", at(0.75), required=False),
            ItemSpec("task", "raadsbijeenkomst",
                 "Raadsbijeenkomst in {municipality} over het veiligheidsbeeld", "griffie",
                 at(0.9)),
            ItemSpec("task", "conceptprioritering", "Opstellen conceptprioritering", "coordinator",
                 END),
            ItemSpec("document", "veiligheidsanalyse", "Veiligheidsanalyse {gemeenten}",
                 "coordinator", before_end(1)),
        ),
    ),
    PhaseSpec(
        "prioritering", "Prioritering",
        "De prioriteiten gekozen op basis van de veiligheidsanalyse, met college en "
        "raadscommissie. VNG 4 weken; 50 uur.",
        "Step 3, prioritering: the college of each gemeente chooses the priorities and its "
        "raadscommissie discusses them. Where the raad itself sets them, add a decision with "
        "body 'gemeenteraad {municipality}'.",
        2,
        (
            ItemSpec("task", "werkgroep-prioritering", "Werkgroepbijeenkomst prioritering",
                 "werkgroep", at(0.5)),
            ItemSpec("task", "raadsvragen-beantwoorden",
                 "Wijzigingen aanbrengen en raadsvragen beantwoorden", "coordinator", END,
                 required=False),
            ItemSpec("decision", "prioritering-college",
                 "Prioritering vastgesteld door het college van {municipality}",
                 "portefeuillehouder", before_end(2), body="college {municipality}",
                 document="prioriteringsnotitie"),
            ItemSpec("decision", "prioritering-commissie",
                 "Prioritering besproken in de raadscommissie van {municipality}", "griffie",
                 END, body="raadscommissie {municipality}", document="prioriteringsnotitie"),
            ItemSpec("document", "prioriteringsnotitie", "Notitie prioritering thema's {plan}",
                 "coordinator", before_end(3)),
        ),
    ),
    PhaseSpec(
        "ivp", "Opstellen IVP",
        "Het IVP geschreven uit analyse en prioriteiten en vastgesteld door de raad. "
        "VNG 6 weken; 120 uur.",
        "Step 4, opstellen IVP: write the plan, then the decision chain of each gemeente: the "
        "college offers the raadsvoorstel, the raadscommissie advises, the gemeenteraad adopts "
        "by the end of this phase (the --adopt-by date, also the target below).",
        6,
        (
            ItemSpec("task", "concept-ivp", "Concept IVP opstellen", "coordinator", at(0.4)),
            ItemSpec("task", "werkgroep-concept",
                 "Concept bespreken in de werkgroep en opmerkingen verwerken", "werkgroep",
                 at(0.55)),
            ItemSpec("task", "portefeuillehouder-concept",
                 "Concept bespreken met {portefeuillehouders}", "portefeuillehouder", at(0.7)),
            ItemSpec("task", "check-ketenpartners",
                 "Check bij ketenpartners (politie, OM, RIEC, veiligheidsregio)", "coordinator",
                 at(0.85)),
            ItemSpec("task", "driehoek-informeren",
                 "Gezagsdriehoek informeren over het vastgestelde IVP", "driehoek", END),
            ItemSpec("task", "publicatie", "Publicatie IVP op de website", "coordinator", END,
                 required=False),
            ItemSpec("decision", "raadsvoorstel-college",
                 "Raadsvoorstel IVP aangeboden door het college van {municipality}",
                 "portefeuillehouder", before_end(5), body="college {municipality}",
                 document="raadsvoorstel-ivp"),
            ItemSpec("decision", "ivp-commissie",
                 "IVP besproken in de raadscommissie van {municipality}", "griffie",
                 before_end(2), body="raadscommissie {municipality}",
                 document="raadsvoorstel-ivp"),
            ItemSpec("decision", "vaststelling-ivp",
                 "Vaststelling {plan} door de gemeenteraad van {municipality}", "griffie", END,
                 body="gemeenteraad {municipality}", document="raadsvoorstel-ivp",
                 comment="The raad adopts the plan (Politiewet art. 38b): the decision the "
                         "target and the four-year clock count from."),
            ItemSpec("document", "ivp", "{plan}", "coordinator", before_end(6)),
            ItemSpec("document", "raadsvoorstel-ivp",
                 "Raadsvoorstel vaststelling IVP ({municipality})", "coordinator",
                 before_end(6)),
        ),
    ),
    PhaseSpec(
        "uitvoeringsplan", "Uitvoeringsplan",
        "Doorvertaling van het IVP in concrete acties met termijnen, trekkers en kosten; "
        "vastgesteld door het college en besproken in de gezagsdriehoek.",
        "Step 5, uitvoeringsplan: the actions with termijn, trekker and kosten, adopted by "
        "the college of each gemeente and the gezagsdriehoek, and sent to the raad. A new one "
        "follows every year.",
        1,
        (
            ItemSpec("task", "terugblik", "Terugblik op het lopende uitvoeringsplan", "coordinator",
                 at(0.3)),
            ItemSpec("task", "acties-uitwerken",
                 "Acties met termijnen, trekkers en kosten uitwerken met de ketenpartners",
                 "werkgroep", at(0.6)),
            ItemSpec("task", "raden-informeren", "Uitvoeringsplan ter kennisname aan {raden}",
                 "coordinator", END, required=False),
            ItemSpec("decision", "uitvoeringsplan-college",
                 "Vaststelling uitvoeringsplan door het college van {municipality}",
                 "portefeuillehouder", END, body="college {municipality}",
                 document="uitvoeringsplan"),
            ItemSpec("decision", "uitvoeringsplan-driehoek",
                 "Uitvoeringsplan vastgesteld in de gezagsdriehoek", "driehoek", END,
                 body="{driehoek}", required=False, joint_required=True),
            ItemSpec("document", "uitvoeringsplan", "Uitvoeringsplan {first_year}", "coordinator",
                 before_end(2)),
        ),
    ),
)

SECTIONS = {
    "id": "The id names the workflow in `ivpflow start` and `ivpflow workflows`: lower-case "
          "letters, digits and '-'.",
    "period": "The IVP period the process produces: the raad sets the goals at least once "
              "every four years (Politiewet art. 38b).",
    "replaces": "The plan this one replaces and the day it runs out; status warns when it "
                "expires before the new plan is adopted (then the raad extends it). Name the "
                "current plan here.",
    "start": "The default start date (ivpflow start FILE --start DATE says otherwise).",
    "target": "The target: the phase that must be done by a date, here the adoption of the "
              "IVP. The plan works back from it and shows, for every earlier item, the latest "
              "date that still makes it.",
    "municipalities": "The gemeenten. Every decision whose body names {municipality} is "
                      "written once per gemeente. A gemeente with its own closing days or "
                      "lead times (calendar keys) is written as a mapping instead of a name:\n"
                      "  - {name: Losser, closing_days: {2026-05-15: vrijdag na Hemelvaart}}",
    "calendar": "Working days are those of municipal staff: weekends and the algemeen "
                "erkende feestdagen are off (5 May every year; Goede Vrijdag is a working "
                "day). Add the gemeente's own closing days under closing_days. Councils do not "
                "meet in recess: the dates below are indicative; each griffie publishes its "
                "own vergaderschema (enter the real meetings with `ivpflow meeting add` or "
                "`ivpflow meeting import`).",
    "lead_times": "Working days the griffie or secretariat needs the papers before a meeting, "
                  "by body or by the first word of its name (these are the defaults; change "
                  "them to the local practice). A decision's document is due by then.",
    "roles": "Who does what. `ivpflow assign ID ROLE --name NAME --email ADDR` names the "
             "people per process (add --municipality NAME for one gemeente); reminders go to "
             "them, and to the coordinator for a role no one holds.",
    "reminders": "When reminders go out, in working days (these are the defaults): before "
                 "the deadline, then every overdue_every days once it is overdue; after "
                 "escalate_after days the escalate_to role hears of it too. The digest_to "
                 "role gets a weekly digest on Monday. A document's draft is made draft_before "
                 "days before its deadline.",
    "phases": "The five steps of VNG Kernbeleid Veiligheid, in order; the last phase "
              "(afgerond) is the final state. A phase's due date was worked out from the start "
              "and the adoption date; its items are due relative to the phase: 'N weeks after "
              "start' (of the phase), 'N weeks before end', or 'end' (the phase's deadline). "
              "A phase starts when the one before it is advanced (ivpflow advance), so these "
              "follow the real progress. A deadline on a day off moves to the previous "
              "working day.\n"
              "Tasks have a role; decisions a body (the meeting that decides), a role (who "
              "prepares it) and the document its papers are; 'required: false' keeps an item "
              "from blocking `ivpflow advance`. Items with {municipality} in the body or title "
              "are written once per gemeente: their ids get -<gemeente> (vaststelling-ivp-"
              "losser).",
}


@dataclass(frozen=True)
class NewWorkflow:
    """A workflow definition made by `make_workflow`: its id, its YAML text, and the same
    text validated."""

    id: str
    text: str
    definition: Definition
    notes: tuple[str, ...] = ()


def make_workflow(municipalities: Sequence[str], *, start: date, adopt_by: date | None = None,
                  period: str | None = None, ident: str | None = None,
                  title: str | None = None) -> NewWorkflow:
    """A commented workflow definition for these gemeenten, planned from `start` to the raad
    meeting `adopt_by`, that `ivpflow check` accepts as it is."""
    names = _names(municipalities)
    if title is not None:
        title = " ".join(check_text("--title", title, one_line=True).split())
        if not title or "{" in title or "}" in title:
            raise InvalidValueError("--title", title, _("must be text without {{ or }}")
                                    .format())
    years = _period(period) if period is not None else None
    given = adopt_by is not None
    if adopt_by is None:
        adopt_by = _default_adoption(start, years)
        if adopt_by <= start:
            raise OutOfOrderError("--start", start, "after", adopt_by,
                                  label="the end of November before the period",
                                  note="give --adopt-by")
    if adopt_by <= start:
        raise OutOfOrderError("--adopt-by", adopt_by, "before" if adopt_by < start else "on",
                              start, label="--start")
    if years is None:
        years = (adopt_by.year + 1, adopt_by.year + MAX_PERIOD_YEARS)
    if adopt_by > date(years[1], 12, 31):
        raise OutOfOrderError("--adopt-by", adopt_by, "after the end of",
                              f"{years[0]}-{years[1]}", label="the period")
    period_text = f"{years[0]}-{years[1]}"
    ident = _ident(ident, names, period_text)
    joint = len(names) > 1
    words = _words(names, period_text, title)
    ends = schedule(start, adopt_by)
    recess = _recess(start, ends["uitvoeringsplan"])
    for period_ in recess:
        if period_[0] <= adopt_by <= period_[1] and given:
            raise InvalidValueError("--adopt-by", adopt_by, _(
                "falls in the {recess} ({start} to {end}), when councils do not meet; choose "
                "the last raad meeting before it or the first after it").format(
                    recess=period_[2], start=say_date(period_[0]), end=say_date(period_[1])))
    command = _command(names, period_text, start, adopt_by, ident, title)
    document = _document(ident, names, words, period_text, years, start, adopt_by, ends,
                         recess, joint)
    header = (f"{words['plan']}: a workflow definition for ivpflow, from the VNG Kernbeleid "
              "Veiligheid template (opstart, veiligheidsanalyse, prioritering, opstellen IVP, "
              f"uitvoeringsplan), planned from {start} to adoption by the "
              f"{'gemeenteraden' if joint else 'gemeenteraad'} on {adopt_by}.\n"
              f"Made with:\n  {command}\n"
              "Edit it to your own process: `ivpflow check FILE` lists every problem with its "
              "line. A process keeps the definition it was started from, so a later edit "
              "does not change it. Every key is described in docs/workflow-format.md.")
    text = dump(document, header)
    from .loader import parse_definition

    try:
        definition = parse_definition(text, f"{ident}.yaml")
    except DefinitionError as exc:  # a gemeente's name the checks above let through
        # The words around the names are InvalidValueError's frame: what, value, rule.
        raise InvalidValueError(_("The workflow for"), ", ".join(names),
                                _("does not pass its own check: {problem}").format(
                                    problem=exc)) from None
    notes = []
    if adopt_by >= date(years[0], 1, 1):
        notes.append(_("adoption on {day} lies after the period begins ({first}): extend the "
                       "current plan until then (status shows the adoption at risk)").format(
            day=say_date(adopt_by), first=say_date(date(years[0], 1, 1))))
    return NewWorkflow(ident, text, definition, tuple(notes))


def write_workflow(path: str | os.PathLike[str], workflow: NewWorkflow, *,
                   force: bool = False) -> Path:
    """Write the workflow's text to `path`; an existing file only with `force`."""
    file = Path(path)
    if file.is_dir():
        raise FileAccessError("write", file, _("it is a folder"))
    if file.exists() and not force:
        raise FileAccessError("write", file, _("it exists already; use --force to overwrite "
                                               "it"))
    try:
        file.write_text(workflow.text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise FileAccessError("write", file, exc.strerror or str(exc)) from None
    return file


def schedule(start: date, adopt_by: date) -> dict[str, date]:
    """The deadline of each phase. The span up to adoption is shared out from the least each
    step needs towards VNG's usual weeks (beyond them in proportion); prioritering, which
    ends in a raadscommissie, is moved out of a council recess (before it where the steps
    before still fit, else to two weeks after it); the uitvoeringsplan is due by the end of
    the month after adoption."""
    span = (adopt_by - start).days / 7
    least = sum(MINIMUM_WEEKS.values())
    if span < least:
        raise InvalidValueError("--adopt-by", adopt_by, _(
            "is {weeks} weeks after --start {start}; the steps up to adoption need at least "
            "{least} weeks (six to twelve months is usual)").format(
                weeks=f"{span:.0f}", start=say_date(start), least=least))
    weeks = _share(span, MINIMUM_WEEKS, USUAL_WEEKS)
    early = ("opstart", "analyse", "prioritering")
    ends = _ends(start, {p: weeks[p] for p in early})
    recess = next((r for r in _recess(start, adopt_by)
                   if r[0] <= ends["prioritering"] <= r[1]), None)
    if recess is not None:
        before = DEFAULT_CALENDAR.previous_working_day(recess[0] - timedelta(days=1))
        after = DEFAULT_CALENDAR.previous_working_day(recess[1] + timedelta(days=15))
        room = (before - start).days / 7
        if room >= sum(MINIMUM_WEEKS[p] for p in early):
            ends = _ends(start, _share(room, {p: MINIMUM_WEEKS[p] for p in early},
                                       {p: weeks[p] for p in early}))
            ends["prioritering"] = before
        elif (adopt_by - after).days / 7 >= MINIMUM_WEEKS["ivp"]:
            ends["prioritering"] = after
    ends["ivp"] = adopt_by
    following = date(adopt_by.year + adopt_by.month // 12, adopt_by.month % 12 + 1, 1)
    ends["uitvoeringsplan"] = DEFAULT_CALENDAR.last_working_day_of_month(following.year,
                                                                         following.month)
    return ends


def _share(total: float, least: Mapping[str, float], usual: Mapping[str, float]
           ) -> dict[str, float]:
    """`total` weeks shared out: from the least towards the usual, beyond it in proportion."""
    low, high = sum(least.values()), sum(usual.values())
    if total > high or high <= low:
        return {p: usual[p] * total / high for p in usual}
    part = (total - low) / (high - low)
    return {p: least[p] + (usual[p] - least[p]) * part for p in least}


def _ends(start: date, weeks: Mapping[str, float]) -> dict[str, date]:
    """The deadline of each phase in turn, on a working day, from their lengths in weeks."""
    ends: dict[str, date] = {}
    elapsed = 0.0
    for phase, length in weeks.items():
        elapsed += length
        ends[phase] = DEFAULT_CALENDAR.previous_working_day(
            start + timedelta(days=round(elapsed * 7)))
    return ends


# -- the definition's data


def _document(ident: str, names: list[str], words: dict[str, str], period: str,
              years: tuple[int, int], start: date, adopt_by: date, ends: dict[str, date],
              recess: list[tuple[date, date, str]], joint: bool) -> CommentedMap:
    doc = CommentedMap()
    doc.add("id", ident, SECTIONS["id"])
    doc.add("title", words["plan"])
    doc.add("description", words["description"])
    doc.add("period", period, SECTIONS["period"], blank_before=True)
    doc.add("replaces", CommentedMap().add("title", words["replaces"])
            .add("until", date(years[0], 1, 1) - timedelta(days=1)), SECTIONS["replaces"])
    doc.add("start", start, SECTIONS["start"])
    doc.add("target", Flow({"phase": "ivp", "by": adopt_by}), SECTIONS["target"])
    doc.add("municipalities", Flow(list(names)), SECTIONS["municipalities"], blank_before=True)
    doc.add("calendar", CommentedMap().add("recess", [Flow({"from": a, "to": b, "why": why})
                                                 for a, b, why in recess]),
            SECTIONS["calendar"], blank_before=True)
    leads = CommentedMap()
    for body, days in DEFAULT_LEAD_TIMES.items():
        leads.add(body, f"{days} working days")
    doc.add("lead_times", leads, SECTIONS["lead_times"], blank_before=True)
    roles = CommentedMap()
    for role, role_title in ROLES.items():
        roles.add(role, role_title)
    doc.add("roles", roles, SECTIONS["roles"], blank_before=True)
    policy = ReminderPolicy(escalate_to="projectmanager", digest_to="coordinator")
    doc.add("reminders", CommentedMap()
            .add("before", Flow(list(policy.before)))
            .add("overdue_every", policy.overdue_every)
            .add("escalate_after", policy.escalate_after)
            .add("escalate_to", policy.escalate_to)
            .add("digest_to", policy.digest_to)
            .add("digest_horizon", policy.digest_horizon)
            .add("draft_before", policy.draft_before), SECTIONS["reminders"], blank_before=True)
    phases: list[CommentedMap] = []
    phase_start = start
    for phase in PHASES:
        end = ends[phase.id]
        phases.append(_phase(phase, phase_start, end, words, joint))
        phase_start = end
    phases.append(CommentedMap(comment="The final state: the process is done.")
                  .add("id", "afgerond").add("title", "Afgerond").add("final", True))
    doc.add("phases", phases, SECTIONS["phases"], blank_before=True)
    return doc


def _phase(phase: PhaseSpec, start: date, end: date, words: dict[str, str], joint: bool
           ) -> CommentedMap:
    window = max(1.0, (end - start).days / 7 - phase.tail_weeks)
    weeks = (end - start).days / 7
    raw = CommentedMap(comment=f"{phase.comment} About {weeks:.0f} weeks, {start} to {end}.")
    raw.add("id", phase.id).add("title", phase.title).add("description", phase.description)
    raw.add("due", end)
    for kind in ("task", "decision", "document"):
        entries = []
        for step in phase.steps:
            if step.kind != kind:
                continue
            item = CommentedMap(comment=step.comment)
            item.add("id", step.id).add("title", _fill(step.title, words))
            if step.body:
                item.add("body", _fill(step.body, words))
            if step.per_municipality:
                item.add("per_municipality", True)
            item.add("role", step.role)
            if step.document:
                item.add("document", step.document)
            item.add("due", step.when.text(window))
            required = step.joint_required if joint and step.joint_required is not None \
                else step.required
            if required is not None:
                item.add("required", required)
            entries.append(item)
        if entries:
            raw.add(kind + "s", entries)
    return raw


def _fill(text: str, words: dict[str, str]) -> str:
    for key, value in words.items():
        text = text.replace("{" + key + "}", value)
    return text


def _words(names: list[str], period: str, title: str | None) -> dict[str, str]:
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    plan = title or f"Integraal Veiligheidsplan {listed} {period}"
    joint = len(names) > 1
    return {
        "plan": plan,
        "gemeenten": listed,
        "first_year": period.split("-")[0],
        "driehoek": "gezagsdriehoek" if joint else f"gezagsdriehoek {names[0]}",
        "portefeuillehouders": "de portefeuillehouders" if joint else "de portefeuillehouder",
        "raden": "de gemeenteraden" if joint else "de gemeenteraad",
        "description": (f"Eén integraal veiligheidsplan voor de gemeenten {listed}, met de "
                        "vijf stappen van het Kernbeleid Veiligheid van de VNG; iedere "
                        "gemeenteraad stelt het vast." if joint else
                        f"Het integraal veiligheidsplan van de gemeente {listed}, met de vijf "
                        "stappen van het Kernbeleid Veiligheid van de VNG."),
        "replaces": f"Het huidige integraal veiligheidsbeleid van {listed}",
    }


# -- the options


def _names(municipalities: Sequence[str]) -> list[str]:
    if not municipalities:
        raise MissingOptionError("--municipality NAME", _("name the gemeente (repeat it for "
                                                          "a joint plan of several)"))
    names: list[str] = []
    seen: dict[str, str] = {}
    for raw in municipalities:
        name = " ".join(check_text("--municipality", raw, one_line=True).split())
        if not slug(name):
            raise InvalidValueError("--municipality", raw, _("must contain letters or digits"))
        if len(name) > MAX_MUNICIPALITY:
            raise InvalidValueError("--municipality", name, _(
                "is longer than {most} characters").format(most=MAX_MUNICIPALITY))
        if "{" in name or "}" in name:
            raise InvalidValueError("--municipality", name, _("must not contain {{ or }}")
                                    .format())
        if slug(name) in seen:
            raise InvalidValueError("--municipality", name, _("is given twice (as '{first}')")
                                    .format(first=seen[slug(name)]))
        seen[slug(name)] = name
        names.append(name)
    return names


def _period(text: str) -> tuple[int, int]:
    match = PERIOD_PATTERN.match(text.strip())
    if match is None:
        raise InvalidValueError("--period", text, _("must be two years, e.g. 2027-2030"))
    first, last = int(match.group(1)), int(match.group(2))
    if last < first:
        raise InvalidValueError("--period", text, _("runs backwards; write {last}-{first}")
                                .format(last=last, first=first))
    if last - first + 1 > MAX_PERIOD_YEARS:
        raise InvalidValueError("--period", text, _(
            "is {years} years; the raad sets its goals at least once every {most} years "
            "(Politiewet art. 38b)").format(years=last - first + 1, most=MAX_PERIOD_YEARS))
    return first, last


def _default_adoption(start: date, years: tuple[int, int] | None) -> date:
    """Without --adopt-by: the end of November before the period begins, as in Noordoost
    Twente; without a period either, the end of the ninth month after the start, or the last
    working day before the council recess it falls in."""
    if years is not None:
        return DEFAULT_CALENDAR.last_working_day_of_month(years[0] - 1, 11)
    month = start.month + 9
    day = DEFAULT_CALENDAR.last_working_day_of_month(start.year + (month - 1) // 12,
                                                     (month - 1) % 12 + 1)
    for first, _last, _why in (r for r in _recess(day, day) if r[0] <= day <= r[1]):
        day = DEFAULT_CALENDAR.previous_working_day(first - timedelta(days=1))
    return day


def _ident(ident: str | None, names: list[str], period: str) -> str:
    if ident is not None:
        if not ID_PATTERN.match(ident) or len(ident) > MAX_ID:
            raise InvalidValueError("--id", ident, _("must be lower-case letters, digits and "
                                                     "'-' (at most {most})").format(most=MAX_ID))
        return ident
    derived = "-".join(slug(name) for name in names) + "-" + period
    if len(derived) > 60:
        derived = f"{slug(names[0])}-e-a-{period}"
    return derived[:MAX_ID]


def _command(names: list[str], period: str, start: date, adopt_by: date, ident: str,
             title: str | None) -> str:
    words = ["ivpflow", "init"]
    for name in names:
        words += ["--municipality", name]
    words += ["--period", period, "--start", start.isoformat(), "--adopt-by",
              adopt_by.isoformat(), "--id", ident]
    if title:
        words += ["--title", title]
    return shlex.join(words)


def _summer(year: int) -> tuple[date, date]:
    """An indicative zomerreces: from the Monday of week 28 to the Friday of week 34."""
    return date.fromisocalendar(year, 28, 1), date.fromisocalendar(year, 34, 5)


def _recess(start: date, end: date) -> list[tuple[date, date, str]]:
    """The indicative council recesses between two dates: zomerreces and kerstreces."""
    found = []
    for year in range(start.year - 1, end.year + 1):
        christmas = date(year, 12, 24)
        periods = [(*_summer(year), "zomerreces"),
                   (christmas - timedelta(days=christmas.weekday()), date(year + 1, 1, 1),
                    "kerstreces")]
        found += [p for p in periods if p[1] >= start and p[0] <= end]
    return found


__all__ = ["NewWorkflow", "make_workflow", "schedule", "write_workflow"]
