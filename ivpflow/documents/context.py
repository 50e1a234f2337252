"""The plain data of a draft: everything a document template gets, built from a process read
with its content (`documents_context`)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..dates import MONTHS_NL
from ..planning.holders import holders_of
from ..store.rows import ProcessRow, meetings_of, people_of
from ..workflow.model import POSITIVE_OUTCOMES, Definition, Item
from ..workflow.veiligheidsvelden import VELDEN, ZORG_EN_VEILIGHEID, professionals_for
from . import rendering as templates
from .content import content_of
from .figures import chart, figure_tables, standing
from .kinds import DOCUMENT_TYPES, Target, deciders, document_type, municipality_of
from .rendering import placeholder

# How the prose says an outcome: a commissie (oordeelsvormend) advises the raad, the raad, the
# college and the driehoek decide; the codes themselves never appear in a document.
VERDICT = {"vastgesteld": "vastgesteld", "gewijzigd-vastgesteld": "gewijzigd vastgesteld",
           "aangehouden": "aangehouden", "verworpen": "verworpen"}
ADVICE = {"vastgesteld": "positief advies", "gewijzigd-vastgesteld": "positief advies met "
          "wijzigingen", "aangehouden": "aangehouden", "verworpen": "negatief advies"}
ADVISING_BODIES = ("raadscommissie", "commissie", "politiek forum")
PLURALS = {"gemeenteraad": "gemeenteraden", "raadscommissie": "raadscommissies",
           "commissie": "commissies", "college": "colleges", "gezagsdriehoek": "gezagsdriehoeken"}


def advising(body: str | None) -> bool:
    """Whether a body gives advice (a raadscommissie) rather than deciding."""
    return bool(body) and body.lower().startswith(ADVISING_BODIES)  # type: ignore[union-attr]


def shared_title(definition: Definition, item: Item) -> str:
    """A decision's title without the gemeente or body it names, so that the same decision
    in every gemeente reads as one: "Vaststelling IVP … door de raad van Losser" →
    "Vaststelling IVP …"."""
    title = item.title
    municipality = item.municipality or municipality_of(definition, item.body)
    if municipality:
        title = re.sub(rf"\s+(?:in|voor|van|aan|door)(?:\s+(?:de|het))?(?:\s+(?:raad|college)"
                       rf"\s+van)?\s+{re.escape(municipality)}\b", "", title)
        title = re.sub(rf"\s+{re.escape(municipality)}\b", "", title)
    return re.sub(r"\s+door\s+(?:de|het)\s+\S+(?:\s+\S+)?$", "", title).strip() or item.title


def deciding_bodies(definition: Definition, items: list[Item]) -> str:
    """Who decides, as the Vervolg of the seeds says it: the body when there is one
    ("gemeenteraad Losser"), the kind in the plural for the same body in several gemeenten
    ("gemeenteraden"), kinds joined by "en"."""
    kinds: dict[str, set[str]] = {}
    for item in items:
        body = item.body or ""
        municipality = item.municipality or municipality_of(definition, body)
        kind = body.removesuffix(" " + municipality) if municipality else body
        kinds.setdefault(kind, set()).add(body)
    names = [next(iter(bodies)) if len(bodies) == 1 else PLURALS.get(kind, kind)
             for kind, bodies in kinds.items()]
    return templates.enumerate_nl(names)


def month_span(first: date, last: date) -> str:
    """The month or months a row of the Vervolg falls in: "Juni 2026", "Oktober/november
    2026", "Juli-september 2026", "December 2026-januari 2027"."""
    def month(day: date) -> str:
        return MONTHS_NL[day.month - 1]

    if (first.year, first.month) == (last.year, last.month):
        text = f"{month(first)} {first.year}"
    elif first.year != last.year:
        text = f"{month(first)} {first.year}-{month(last)} {last.year}"
    elif last.month == first.month + 1:
        text = f"{month(first)}/{month(last)} {first.year}"
    else:
        text = f"{month(first)}-{month(last)} {first.year}"
    return text[0].upper() + text[1:]


class DocumentContext:
    """Builds the plain data of one draft from a loaded process."""

    def __init__(self, process: ProcessRow, definition: Definition) -> None:
        self.process = process
        self.definition = definition
        self.content = content_of(process)
        self.values: dict[tuple[str, str | None, str | None], str] = {
            (v["key"], v["document"], v["municipality"]): v["value"]
            for v in self.content["values"]}
        self.items = {state.item_id: state for state in process.items}
        self.phase_states = {state.phase: state for state in process.phases}
        self.figures = figure_tables(process.observations, list(definition.municipalities))

    def value(self, key: str, municipality: str | None,
              document: str | None = None) -> str | None:
        """A named value as a document sees it: the document's for its gemeente, the
        document's, the gemeente's, the process's; the first that is set."""
        scopes = [(document, municipality), (document, None)] if document else []
        for scope in (*scopes, (None, municipality), (None, None)):
            found = self.values.get((key, scope[0], scope[1]))
            if found:
                return found
        return None

    def filled(self, key: str, municipality: str | None, what: str,
               document: str | None = None) -> str:
        return self.value(key, municipality, document) or placeholder(what)

    def besluit_value(self, key: str, decision: str, municipality: str | None) -> str | None:
        """A value of one decision's besluit only (set with --document DECISION)."""
        return self.values.get((key, decision, municipality)) \
            or self.values.get((key, decision, None))

    def people(self, role: str) -> list[dict[str, str]]:
        return [{"name": a.name, "email": a.email} for a in people_of(self.process)
                if a.role == role]

    def portefeuillehouder(self, municipality: str | None) -> str:
        named = self.value("portefeuillehouder", municipality)
        if named:
            return named
        # The gemeente's own burgemeester, by the rule reminders follow (planning.holders).
        names = [p.name for p in holders_of(people_of(self.process), "portefeuillehouder",
                                            municipality, fallback=False).people]
        if len(names) == 1 or (names and municipality is None):
            return templates.enumerate_nl(names)
        where = f" van {municipality}" if municipality else ""
        hint = f" (een van: {', '.join(names)})" if names else ""
        return placeholder(f"portefeuillehouder{where}{hint}")

    def decision(self, item: Item) -> dict[str, Any]:
        state = self.items[item.id]
        advises = advising(item.body)
        return {"id": item.id, "title": item.title, "body": item.body,
                "municipality": item.municipality or municipality_of(self.definition,
                                                                      item.body),
                "phase": item.phase, "due": state.due, "outcome": state.outcome,
                # The outcome as the prose says it: a commissie advises, the others decide.
                "uitkomst": (ADVICE if advises else VERDICT).get(state.outcome or ""),
                "advies": advises,
                "date": state.decided_on, "note": state.note,
                "taken": state.outcome in POSITIVE_OUTCOMES}

    def concerns(self, item: Item, municipality: str | None) -> bool:
        """Whether an item belongs in the planning of a municipality's document."""
        own = item.municipality or municipality_of(self.definition, item.body)
        return municipality is None or own is None or own == municipality

    def planning(self, from_phase: str, municipality: str | None,
                 document: str | None = None) -> list[dict[str, Any]]:
        """The 'Vervolg' table in the seeds' shape: from a phase on, a row for each decision
        (one across the gemeenten that take it) and one for the work of a phase in months
        without its decisions, under the month or months it falls in, with who decides.

        A document that is the papers of decisions is about them: its Vervolg is what
        follows them, and they are not in it."""
        own = [i for i in deciders(self.definition, document)] if document else []
        after = max((d for d in (self.items[i.id].due for i in own) if d), default=None)
        start = self.definition.phase(from_phase).index
        rows: list[tuple[date, date, int, str]] = []
        begins = self._phase_beginnings()
        for phase in self.definition.phases[start:]:
            if phase.final:
                break
            groups: dict[str, list[Item]] = {}
            for item in phase.of_kind("decision"):
                if item not in own and self.items[item.id].due \
                        and self.concerns(item, municipality):
                    groups.setdefault(shared_title(self.definition, item), []).append(item)
            decided: set[tuple[int, int]] = set()
            for title, items in groups.items():
                dues = sorted(d for d in (self.items[i.id].due for i in items) if d)
                decided.update((d.year, d.month) for d in dues)
                rows.append((dues[0], dues[-1], len(rows),
                             f"{title} ({deciding_bodies(self.definition, items)})"))
            work = [d for d in (self.items[i.id].due for i in phase.items
                                if i.kind != "decision" and i.required
                                and self.concerns(i, municipality)) if d]
            # The work of a phase gets a row of its own when it falls due in a month
            # without its decisions; it runs from the day after the phase before.
            if work and not {(d.year, d.month) for d in work} <= decided:
                rows.append((begins.get(phase.id) or min(work), max(work), len(rows),
                             phase.title))
        rows.sort(key=lambda row: (row[0], row[2]))
        return [{"when": month_span(first, last), "date": first, "until": last, "what": what}
                for first, last, _, what in rows if after is None or first > after]

    def _phase_beginnings(self) -> dict[str, date]:
        """When each phase's work begins: the day after the deadline of the phase before."""
        begins, previous = {}, None
        for phase in self.definition.phases:
            if previous is not None:
                begins[phase.id] = date.fromordinal(previous.toordinal() + 1)
            previous = self.phase_states[phase.id].due or previous
        return begins

    def plan_adopted(self, municipality: str | None) -> date | None:
        """When the college (of the gemeente) adopted the uitvoeringsplan, if it has."""
        for item in self.definition.items_of_kind("decision"):
            state = self.items[item.id]
            if document_type(item.document or "") == DOCUMENT_TYPES["uitvoeringsplan"] \
                    and (item.body or "").startswith("college") \
                    and self.concerns(item, municipality) and state.outcome in POSITIVE_OUTCOMES:
                return state.decided_on
        return None

    def planned_meeting(self, body: str | None, due: date | None) -> date | None:
        """The meeting a decision is planned on, as the plan has it: the last known meeting
        of its body on or before its deadline, else the first after it."""
        dates = sorted(m.date for m in meetings_of(self.process) if m.body == body)
        if due is None:
            return dates[0] if dates else None
        before = [day for day in dates if day <= due]
        after = [day for day in dates if day > due]
        return before[-1] if before else (after[0] if after else None)

    def priorities(self, municipality: str | None = None) -> list[dict[str, Any]]:
        """The priorities a document shows: the shared ones, then each gemeente's own in the
        order of the definition's gemeenten; a gemeente's document shows only its own."""
        indicators = self.content["indicators"]
        actions = self.content["actions"]
        order = {name: n for n, name in enumerate(self.definition.municipalities, 1)}
        shown = [p for p in self.content["priorities"]
                 if p["gemeente"] is None or municipality is None
                 or p["gemeente"] == municipality]
        # sorted() keeps the order of adding within each group.
        shown.sort(key=lambda p: 0 if p["gemeente"] is None
                   else order.get(p["gemeente"], len(order) + 1))
        rows = []
        for priority in shown:
            rows.append({
                **priority,
                "rationale": priority["rationale"] or placeholder(
                    f"aanleiding en doelen van prioriteit {priority['title']}"),
                "indicators": [i for i in indicators if i["priority"] == priority["id"]],
                "actions": [a for a in actions if a["priority"] == priority["id"]],
                "professionals": professionals_for(priority["veld"], priority["theme"]),
                "partners": list(dict.fromkeys(
                    p for a in actions if a["priority"] == priority["id"]
                    for p in ([a["trekker"]] if a["trekker"] else [])
                    + _names(a["betrokkenen"]))),
            })
        return rows

    @staticmethod
    def priority_groups(priorities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The shared priorities and then each gemeente's own, as the documents group them:
        the joint IVP's shared ones, and the local colour of each gemeente (seed 000)."""
        groups: list[dict[str, Any]] = []
        for priority in priorities:
            gemeente = priority["gemeente"]
            if not groups or groups[-1]["gemeente"] != gemeente:
                groups.append({"gemeente": gemeente, "lokaal": gemeente is not None,
                               "titel": f"Lokale prioriteiten {gemeente}" if gemeente
                               else "Gezamenlijke prioriteiten", "priorities": []})
            groups[-1]["priorities"].append(priority)
        return groups

    def velden(self, priorities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The five velden with their priorities and indicators (the analysis per veld)."""
        rows = []
        for veld in VELDEN:
            own = [p for p in priorities if p["veld"] == veld.nummer]
            indicators = [i for i in self.content["indicators"] if i["veld"] == veld.nummer]
            indicators += [i for p in own for i in p["indicators"]]
            years = sorted({i["baseline_year"] for i in indicators if i["baseline_year"]})
            rows.append({**veld.as_data(), "priorities": own, "indicators": indicators,
                         "years": years, "cijfers": self.figures.get(veld.nummer, [])})
        return rows

    def stand_indicators(self, municipality: str | None) -> None:
        """Give every indicator whose id names a series of figures (`ivpflow cijfers`) its
        latest figure, for the document's gemeente or for all of them."""
        names = [municipality] if municipality else list(self.definition.municipalities)
        for indicator in self.content["indicators"]:
            indicator["stand"] = standing(self.process.observations, indicator["id"], names)

    def build(self, target: Target) -> dict[str, Any]:
        process, definition = self.process, self.definition
        municipality, doc = target.municipality, target.document
        municipalities = list(definition.municipalities)
        gemeente = municipality or (municipalities[0] if len(municipalities) == 1 else None) \
            or self.value("gemeente", None)
        item = target.item
        phase = definition.phase(item.phase if item else process.phase)
        state = self.items[item.id] if item else None
        self.stand_indicators(municipality)
        decisions = [self.decision(i) for i in definition.items_of_kind("decision")]
        priorities = self.priorities(municipality)
        by_id = {p["id"]: p for p in priorities}
        others = {p["id"] for p in self.content["priorities"]} - set(by_id)
        # Another gemeente's local priorities, and what serves them, stay out of its draft.
        actions = [{**a, "priority_title": by_id[a["priority"]]["title"]
                    if a["priority"] in by_id else None,
                    "priority_gemeente": by_id[a["priority"]]["gemeente"]
                    if a["priority"] in by_id else None}
                   for a in self.content["actions"] if a["priority"] not in others]
        groups = self.priority_groups(priorities)
        raden = self.councils(target, phase.id, decisions)
        college = next((d for d in decisions if item and d["id"] in
                        {i.id for i in deciders(definition, item.id)}
                        and (d["body"] or "").startswith("college")
                        and d["municipality"] in (municipality, None)), None)
        coordinator = self.people("coordinator")
        occasion = letter_occasion(target.document)
        return {
            "governance": {"driehoek": next(
                (b for b in dict.fromkeys(i.body for i in definition.items_of_kind("decision"))
                 if b and b.startswith("gezagsdriehoek")), None)},
            "aanleiding": occasion,
            "jaar": _year_of(target.title) or _year_of(target.document),
            "vastgesteld_uitvoeringsplan": self.plan_adopted(municipality)
            if occasion == "uitvoeringsplan" else None,
            "document": {"id": target.document, "key": target.key, "type": target.type.name,
                         "title": target.title, "municipality": municipality,
                         "phase": phase.id, "phase_title": phase.title,
                         "due": state.due if state else None},
            "process": {"id": process.id, "title": definition.title,
                        "workflow": process.workflow, "description": definition.description,
                        "period": definition.period or placeholder("looptijd"),
                        "start": process.start_date, "phase": process.phase,
                        "phase_title": definition.phase(process.phase).title,
                        "replaces": definition.replaces,
                        "replaces_until": definition.replaces_until},
            "gemeente": gemeente or placeholder("gemeente"),
            "gemeenten": municipalities or [gemeente or placeholder("gemeente")],
            "onderwerp": self.value("onderwerp", municipality, doc) or _subject(target),
            "zaaknummer": self.filled("zaaknummer", municipality, "zaaknummer", doc),
            "documentnummer": self.filled("documentnummer", municipality, "documentnummer",
                                          doc),
            "grondslag": self.value("grondslag", municipality, doc)
            or "artikel 38b van de Politiewet",
            "inleiding": self.value("inleiding", municipality, doc),
            "agendapunt": self.filled("agendapunt", municipality, "invulling door de griffie"),
            "team": self.filled("team", municipality, "team"),
            "portefeuillehouder": self.portefeuillehouder(municipality),
            "burgemeester": self.value("burgemeester", municipality)
            or self.portefeuillehouder(municipality),
            "secretaris": self.filled("secretaris", municipality,
                                      "naam gemeentesecretaris"),
            "griffier": self.filled("griffier", municipality, "naam griffier"),
            "dekking": self.filled("dekking", municipality, "financiële dekking", doc),
            "datum": _iso_day(self.value("datum", municipality, doc))
            or (college["date"] if college and college["taken"] else None),
            "coordinator": coordinator[0] if coordinator else None,
            "roles": [{"role": role, "title": title, "people": self.people(role)}
                      for role, title in definition.roles.items()],
            "phases": self.phases(),
            "planning": self.planning(phase.id, municipality, doc),
            "decisions": decisions,
            "besluiten": sorted((d for d in decisions if d["outcome"] and d["date"]
                                 and (municipality is None or d["municipality"]
                                      in (None, municipality))),
                                key=lambda d: (d["date"], d["id"])),
            "fase_besluiten": [d for d in decisions if d["phase"] == phase.id
                               and (municipality is None
                                    or d["municipality"] in (None, municipality))],
            "raden": raden,
            "beslispunten": self.beslispunten(target, phase.id, raden, priorities),
            "bijlagen": _names_per_line(self.value("bijlagen", municipality, doc))
            or self.attachments(target, phase.id),
            "velden": self.velden(priorities),
            # The trend chart of a figure table: drawn only by a template that shows it.
            "grafiek": chart,
            "zorg_en_veiligheid": ZORG_EN_VEILIGHEID,
            "priorities": priorities,
            "prioriteit_groepen": groups,
            "lokale_prioriteiten": [g for g in groups if g["lokaal"]],
            "indicators": [i for i in self.content["indicators"] if i["priority"] not in others],
            "actions": actions,
            "themabijeenkomst": {
                "datum": _iso_day(self.value("themabijeenkomst", municipality)),
                # Stored as 19:00; Dutch prose writes the time as 19.00 uur.
                "aanvang": (self.value("themabijeenkomst-aanvang", municipality) or ""
                            ).replace(":", ".") or placeholder("aanvang"),
                "locatie": self.filled("themabijeenkomst-locatie", municipality,
                                       "locatie")},
        }

    def phases(self) -> list[dict[str, Any]]:
        rows = []
        for phase in self.definition.phases:
            if phase.final:
                break
            state = self.phase_states[phase.id]
            rows.append({"id": phase.id, "title": phase.title, "description": phase.description,
                         "due": state.due, "status": state.status,
                         "steps": list(dict.fromkeys(_generic_title(i) for i in phase.items
                                                     if i.kind != "document"))})
        return rows

    def councils(self, target: Target, phase_id: str,
                 decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The gemeenteraden that decide on the document, each with its meeting."""
        papers = {i.id for i in deciders(self.definition, target.item.id)} if target.item \
            else set()
        raad = [d for d in decisions if (d["body"] or "").startswith("gemeenteraad")]
        chosen = [d for d in raad if d["id"] in papers] or [d for d in raad
                                                           if d["phase"] == phase_id]
        if target.municipality:
            chosen = [d for d in chosen if d["municipality"] in (target.municipality, None)]
        rows: list[dict[str, Any]] = []
        for d in chosen:
            gemeente = d["municipality"] or target.municipality or self.value("gemeente", None)
            when = d["date"] if d["taken"] else self.planned_meeting(d["body"], d["due"])
            name = gemeente or placeholder("gemeente")
            same = next((r for r in rows if r["gemeente"] == name and r["vergadering"] == when),
                        None)
            if same is not None:  # one meeting takes one besluit, with all its beslispunten
                same["ids"].append(d["id"])
                continue
            rows.append({**d, "ids": [d["id"]], "gemeente": name,
                         "vergadering": when,
                         "documentnummer": self.besluit_value("documentnummer", d["id"],
                                                              gemeente),
                         "griffier": self.filled("griffier", gemeente, "naam griffier"),
                         "voorzitter": self.value("burgemeester", gemeente)
                         or self.portefeuillehouder(gemeente)})
        if not rows and target.type.name == "raadsvoorstel":
            gemeente = target.municipality or self.value("gemeente", None)
            rows.append({"id": None, "title": target.title, "body": "gemeenteraad",
                         "gemeente": gemeente or placeholder("gemeente"), "vergadering": None,
                         "documentnummer": None,
                         "outcome": None, "date": None, "taken": False,
                         "griffier": self.filled("griffier", gemeente, "naam griffier"),
                         "voorzitter": self.value("burgemeester", gemeente)
                         or self.portefeuillehouder(gemeente)})
        return rows

    def beslispunten(self, target: Target, phase_id: str, raden: list[dict[str, Any]],
                     priorities: list[dict[str, Any]]) -> list[str]:
        """What the raad (or the college) is asked to decide, numbered by the template: the
        beslispunten of the deciding decisions in the definition, else what the process
        knows (the IVP, the priorities), else one placeholder; each ends in ';', the last
        in '.'."""
        own = [p for item in self.deciding(target, phase_id, raden) for p in item.beslispunten]
        points = list(dict.fromkeys(own)) or self.known_beslispunten(target, phase_id,
                                                                      priorities)
        if not points:
            return [placeholder("beslispunt")]
        return [f"{p};" if n < len(points) else f"{p}." for n, p in enumerate(points, 1)]

    def deciding(self, target: Target, phase_id: str,
                 raden: list[dict[str, Any]]) -> list[Item]:
        """The decisions a proposal asks for: the college's for a collegevoorstel, the
        gemeenteraden's otherwise."""
        items = self.definition.items
        if target.type.name == "collegevoorstel":
            chosen = deciders(self.definition, target.item.id) if target.item \
                else list(self.definition.phase(phase_id).of_kind("decision"))
            return [d for d in chosen if (d.body or "").startswith("college")
                    and self.concerns(d, target.municipality)]
        return [items[ident] for d in raden for ident in d.get("ids", [d["id"]])
                if ident in items]

    def known_beslispunten(self, target: Target, phase_id: str,
                           priorities: list[dict[str, Any]]) -> list[str]:
        """Beslispunten that follow from the process: adopting its IVP or its priorities."""
        if target.type.name == "collegevoorstel":
            return []
        phase = self.definition.phase(phase_id)
        ivp = [i for i in phase.of_kind("document")
               if document_type(i.id) == DOCUMENT_TYPES["ivp"]]
        chosen = templates.enumerate_nl(p["title"] for p in priorities)
        period = self.definition.period
        points: list[str] = []
        if ivp:
            points.append(f"het {ivp[0].title} vast te stellen")
            if priorities:
                points.append(f"daarmee de prioriteiten{' voor ' + period if period else ''} "
                              f"vast te stellen: {chosen}")
        elif priorities and (phase_id == "prioritering" or any(
                document_type(i.id) == DOCUMENT_TYPES["prioriteringsnotitie"]
                for i in phase.of_kind("document"))):
            points.append(f"de prioriteiten{' voor ' + period if period else ''} van het "
                          f"integraal veiligheidsbeleid vast te stellen: {chosen}")
        return points

    def attachments(self, target: Target, phase_id: str) -> list[str]:
        """The documents of the phase that go with a proposal or letter."""
        if not target.type.per_council:
            return []
        phase = self.definition.phase(phase_id)
        return [i.title for i in phase.of_kind("document")
                if (kind := document_type(i.id)) is not None and not kind.per_council]


def _generic_title(item: Item) -> str:
    """The title of a per-municipality item for all municipalities at once."""
    return item.title.replace(item.municipality, "iedere gemeente") if item.municipality \
        else item.title


def _names(text: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


def _names_per_line(text: str | None) -> list[str]:
    return [line.strip().lstrip("-•* ").strip() for line in (text or "").splitlines()
            if line.strip().lstrip("-•* ").strip()]


OCCASIONS = ("uitvoeringsplan", "verantwoording", "evaluatie")


def letter_occasion(document: str) -> str:
    """What a raadsinformatiebrief is about, from its id: the uitvoeringsplan ter
    kennisname, the yearly verantwoording, the evaluation, else the process and its
    tijdspad."""
    return next((word for word in OCCASIONS if word in document.split("-")), "tijdspad")


def _year_of(text: str) -> str | None:
    found = re.findall(r"\b(20\d\d)\b", text)
    return found[-1] if found else None


def _iso_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _subject(target: Target) -> str:
    """The onderwerp of a letter or proposal: its title without the kind of document."""
    title = target.item.title if target.item else target.title
    if target.municipality:
        title = title.removesuffix(f" ({target.municipality})")
    for word in (target.type.title, "Notitie", "Raadsvoorstel", "Raadsinformatiebrief"):
        if title.lower().startswith(word.lower() + " "):
            rest = title[len(word) + 1:]
            return rest[:1].upper() + rest[1:]
    return title


def document_context(process: ProcessRow, definition: Definition,
                     target: Target) -> dict[str, Any]:
    """The plain data a document template gets, for one draft of a process read with its
    content."""
    return DocumentContext(process, definition).build(target)
