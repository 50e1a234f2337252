"""Document commands: draft, drafts, templates, and what the documents carry (priority,
indicator, action, set, values)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from ..i18n import _, say_date
from .app import App, cli, pass_app
from .output import day, json_option, moment, print_json, table, wide_option
from .params import complete_document, complete_process, force_option

FORMAT_CHOICE = click.Choice(["md", "docx", "html"])


@cli.command(short_help="Render the drafts of a document or of the phase.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("document", required=False, shell_complete=complete_document)
@click.option("--format", "formats", type=FORMAT_CHOICE, multiple=True,
              help="md, docx or html (repeat for several; default md).")
@click.option("--out", "out", metavar="DIR", type=click.Path(file_okay=False),
              help="Also write a copy named <document>.<format> into DIR.")
@click.option("--all", "every", is_flag=True,
              help="Every document of the process, of every phase, in one go.")
@pass_app
def draft(app: App, process_id: str, document: str | None, formats: tuple[str, ...],
          out: str | None, every: bool) -> None:
    """Render the draft of a document (or of every document of the current phase).

    DOCUMENT is a document id of the process (raadsvoorstel-ivp-losser), a per-municipality
    group (raadsvoorstel-ivp: one draft per gemeente) or a document type (collegevoorstel,
    uitnodiging-themabijeenkomst, …); --all drafts every document of the process. Each
    changed draft is kept as a new version in <store>/drafts/ID/; the paths are printed.

    \b
    Examples:
      ivpflow draft not-2027-2030
      ivpflow draft not-2027-2030 raadsvoorstel-ivp --format docx \\
        --out concepten
      ivpflow draft not-2027-2030 --all --format docx
    """
    from ..documents.drafts import draft as render_draft
    from ..documents.kinds import ALL

    if every and document:
        raise click.UsageError(_("Name a DOCUMENT or give --all, not both."))
    files = render_draft(app.store, app.store_dir, process_id, ALL if every else document,
                         formats=formats or ("md",), now=app.now, actor=app.actor, out=out)
    for file in files:
        click.echo(str(file.path))
    unchanged = [f.path.name for f in files if f.unchanged]
    if unchanged:
        # On stderr: stdout stays the list of paths that scripts read.
        click.echo(_("Unchanged, not rendered again: {files}").format(
            files=", ".join(unchanged)), err=True)


@cli.command()
@click.argument("process_id", metavar="ID")
@json_option
@wide_option
@pass_app
def drafts(app: App, process_id: str, as_json: bool) -> None:
    """List every kept draft version of a process.

    \b
    Example:
      ivpflow drafts not-2027-2030
    """
    from ..dates import local
    from ..documents.drafts import draft_versions

    rows = draft_versions(app.store_for_reading, process_id)
    for row in rows:
        row["created_at"] = local(row["created_at"]).isoformat(timespec="seconds")
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(_("No drafts of '{process_id}' yet; render one with 'ivpflow draft "
                     "{process_id}'.").format(process_id=process_id))
        return
    table([_("document"), _("format"), _("version"), _("reason"), _("created"), _("path")],
          [[r["document"], r["format"], str(r["version"]), r["reason"],
            moment(datetime.fromisoformat(r["created_at"])), r["path"]] for r in rows],
          right={2},
          wrap={5})


@cli.command(short_help="List the templates in use and where each comes from.")
@json_option
@wide_option
def templates(as_json: bool) -> None:
    """List the document and mail templates in use and where each comes from.

    \b
    Examples:
      ivpflow templates
      ivpflow templates --json
    """
    from ..documents.rendering import sources

    rows = [{**row, "kind": row["name"].split("/", 1)[0]} for row in sources()]
    if as_json:
        print_json(rows)
        return
    table([_("template"), _("kind"), _("origin"), _("path")],
          [[r["name"], r["kind"], r["origin"], r["path"]] for r in rows], wrap={3})


# --------------------------------------------------------------------------- priorities


@cli.group(short_help="The priorities (speerpunten) of the IVP.")
def priority() -> None:
    """The priorities (speerpunten) of the IVP, each in one of the five veiligheidsvelden.

    \b
    Examples:
      ivpflow priority add not-2027-2030 ondermijning --veld 5 \\
        --theme 'Ondermijnende criminaliteit' \\
        --title 'Ondermijning tegengaan'
      ivpflow priority list not-2027-2030
    """


@priority.command("add")
@click.argument("process_id", metavar="ID")
@click.argument("priority_id", metavar="PRIORITY")
@click.option("--veld", required=True, metavar="N",
              help="Veiligheidsveld: 1-5 or its name (see 'ivpflow velden').")
@click.option("--theme", required=True, help="Theme within the veld, e.g. Jeugdcriminaliteit.")
@click.option("--title", required=True, help="The priority as the IVP names it.")
@click.option("--rationale", metavar="TEXT", help="Why: aanleiding and doelen.")
@click.option("--gemeente", "--municipality", "gemeente", metavar="NAME",
              help="One gemeente's own (local) priority; without it the priority is shared "
                   "by every gemeente of the process.")
@force_option
@pass_app
def priority_add(app: App, process_id: str, priority_id: str, veld: str, theme: str,
                 title: str, rationale: str | None, gemeente: str | None) -> None:
    """Add a priority, shared or (--gemeente) one gemeente's own.

    \b
    Examples:
      ivpflow priority add not-2027-2030 ondermijning --veld 5 \\
        --theme 'Ondermijnende criminaliteit' \\
        --title 'Ondermijning tegengaan'
      ivpflow priority add not-2027-2030 fietsdiefstal --veld 1 \\
        --theme 'Veelvoorkomende criminaliteit' \\
        --title 'Minder fietsdiefstal' --gemeente Oldenzaal
    """
    from ..documents.content import add_priority

    added = add_priority(app.store, process_id, priority_id, veld=veld, theme=theme,
                         title=title, rationale=rationale, gemeente=gemeente, now=app.now,
                         actor=app.actor)
    if added["gemeente"]:
        click.echo(_("{process_id}: priority {priority_id} of {gemeente} added ({veld}. "
                     "{veld_naam})").format(process_id=process_id, priority_id=priority_id,
                                            gemeente=added["gemeente"], veld=added["veld"],
                                            veld_naam=added["veld_naam"]))
        return
    click.echo(_("{process_id}: priority {priority} added ({veld}. {veld_name})").format(
        process_id=process_id, priority=priority_id, veld=added["veld"],
        veld_name=added["veld_naam"]))


@priority.command("list")
@click.argument("process_id", metavar="ID")
@json_option
@wide_option
@pass_app
def priority_list(app: App, process_id: str, as_json: bool) -> None:
    """List the priorities.

    \b
    Example:
      ivpflow priority list not-2027-2030
    """
    from ..documents.content import list_priorities

    rows = list_priorities(app.store_for_reading, process_id)
    _show(rows, as_json, _("No priorities in '{process_id}' yet; add one with 'ivpflow priority "
                           "add'.").format(process_id=process_id),
          [_("id"), _("veld"), _("theme"), _("title"), _("gemeente")],
          lambda r: [r["id"], f"{r['veld']}. {r['veld_naam']}", r["theme"], _line(r["title"]),
                     r["gemeente"] or _("shared")],
          cut={1, 2}, wrap={3})


@priority.command("remove", short_help="Remove a priority that has no indicators or actions.")
@click.argument("process_id", metavar="ID")
@click.argument("priority_id", metavar="PRIORITY")
@force_option
@pass_app
def priority_remove(app: App, process_id: str, priority_id: str) -> None:
    """Remove a priority (refused while indicators or actions belong to it).

    \b
    Example:
      ivpflow priority remove not-2027-2030 ondermijning
    """
    from ..documents.content import remove_priority

    remove_priority(app.store, process_id, priority_id, now=app.now, actor=app.actor)
    click.echo(_("{process_id}: priority {priority} removed").format(process_id=process_id,
                                                                     priority=priority_id))


@cli.command(short_help="List the five veiligheidsvelden and their categories.")
@json_option
@wide_option
def velden(as_json: bool) -> None:
    """List the five veiligheidsvelden with their categories (reference data).

    \b
    Examples:
      ivpflow velden
      ivpflow velden --json
    """
    from ..workflow.veiligheidsvelden import as_data

    rows = as_data()
    if as_json:
        print_json(rows)
        return
    table([_("veld"), _("name"), _("categories")],
          [[str(r["nummer"]), r["naam"], "; ".join(c["naam"] for c in r["categorieen"])]
           for r in rows], wrap={2})


# --------------------------------------------------------------------------- indicators


@cli.group(short_help="Indicators of a priority or of a veld.")
def indicator() -> None:
    """Indicators: of a priority (nulmeting and streefwaarde), or of a veld in the analysis.

    \b
    Examples:
      ivpflow indicator add not-2027-2030 inbraken \\
        --priority ondermijning \\
        --title 'Woninginbraken per 1.000 woningen'
      ivpflow indicator list not-2027-2030
    """


@indicator.command("add")
@click.argument("process_id", metavar="ID")
@click.argument("indicator_id", metavar="INDICATOR")
@click.option("--title", required=True, help="What is measured.")
@click.option("--priority", "priority_id", metavar="PRIORITY", help="The priority it measures.")
@click.option("--veld", metavar="N", help="Or, in the analysis, the veld it belongs to.")
@click.option("--source", help="Bron, e.g. Politie, veiligheidsmonitor.")
@click.option("--baseline", help="Nulmeting (value).")
@click.option("--baseline-year", type=int, metavar="YEAR", help="Year of the nulmeting.")
@click.option("--target", help="Streefwaarde.")
@click.option("--target-year", type=int, metavar="YEAR", help="Year of the streefwaarde.")
@force_option
@pass_app
def indicator_add(app: App, process_id: str, indicator_id: str, title: str,
                  priority_id: str | None, veld: str | None, source: str | None,
                  baseline: str | None, baseline_year: int | None, target: str | None,
                  target_year: int | None) -> None:
    """Add an indicator.

    \b
    Example:
      ivpflow indicator add not-2027-2030 inbraken \\
        --priority ondermijning \\
        --title 'Woninginbraken per 1.000 woningen' --source Politie \\
        --baseline 3.1 --baseline-year 2025 --target 2.5 \\
        --target-year 2030
    """
    from ..documents.content import add_indicator

    added = add_indicator(app.store, process_id, indicator_id, title=title,
                          priority=priority_id, veld=veld, source=source, baseline=baseline,
                          baseline_year=baseline_year, target=target, target_year=target_year,
                          now=app.now, actor=app.actor)
    if added["priority"]:
        text = _("{process_id}: indicator {indicator} added (priority {priority})")
    else:
        text = _("{process_id}: indicator {indicator} added (veld {veld})")
    click.echo(text.format(process_id=process_id, indicator=indicator_id,
                           priority=added["priority"], veld=added["veld"]))


@indicator.command("list")
@click.argument("process_id", metavar="ID")
@json_option
@wide_option
@pass_app
def indicator_list(app: App, process_id: str, as_json: bool) -> None:
    """List the indicators.

    \b
    Example:
      ivpflow indicator list not-2027-2030
    """
    from ..documents.content import list_indicators

    rows = list_indicators(app.store_for_reading, process_id)
    _show(rows, as_json, _("No indicators in '{process_id}' yet; add one with 'ivpflow "
                           "indicator add'.").format(process_id=process_id),
          [_("id"), _("of"), _("title"), _("source"), _("baseline"), _("target")],
          lambda r: [r["id"], r["priority"] or _("veld {veld}").format(veld=r["veld"]),
                     _line(r["title"]),
                     _line(r["source"]), _measure(r["baseline"], r["baseline_year"]),
                     _measure(r["target"], r["target_year"])], cut={2, 3})


@indicator.command("remove")
@click.argument("process_id", metavar="ID")
@click.argument("indicator_id", metavar="INDICATOR")
@force_option
@pass_app
def indicator_remove(app: App, process_id: str, indicator_id: str) -> None:
    """Remove an indicator.

    \b
    Example:
      ivpflow indicator remove not-2027-2030 inbraken
    """
    from ..documents.content import remove_indicator

    remove_indicator(app.store, process_id, indicator_id, now=app.now, actor=app.actor)
    click.echo(_("{process_id}: indicator {indicator} removed").format(
        process_id=process_id, indicator=indicator_id))


# --------------------------------------------------------------------------- actions


@cli.group(short_help="Actions of the uitvoeringsplan.")
def action() -> None:
    """Actions of the uitvoeringsplan: doelstelling, activiteiten, trekker, termijn, kosten.

    \b
    Examples:
      ivpflow action add not-2027-2030 buurtpreventie \\
        --priority ondermijning --title Buurtpreventie-apps
      ivpflow action list not-2027-2030
    """


@action.command("add")
@click.argument("process_id", metavar="ID")
@click.argument("action_id", metavar="ACTION")
@click.option("--title", required=True, help="The action or project.")
@click.option("--priority", "priority_id", metavar="PRIORITY", help="The priority it serves.")
@click.option("--doelstelling", metavar="TEXT", help="What it should achieve.")
@click.option("--activiteiten", metavar="TEXT", help="What is done.")
@click.option("--trekker", metavar="NAME", help="Who leads it.")
@click.option("--betrokkenen", metavar="TEXT", help="Who takes part (comma-separated).")
@click.option("--termijn", metavar="DATE", help="When it is done: YYYY-MM-DD, or YYYY-MM for "
                                                "the month's last working day.")
@click.option("--kosten", metavar="TEXT", help="Costs, e.g. '€ 10.000' or PM.")
@force_option
@pass_app
def action_add(app: App, process_id: str, action_id: str, title: str, priority_id: str | None,
               doelstelling: str | None, activiteiten: str | None, trekker: str | None,
               betrokkenen: str | None, termijn: str | None, kosten: str | None) -> None:
    """Add an action.

    \b
    Example:
      ivpflow action add not-2027-2030 buurtpreventie \\
        --priority ondermijning --title Buurtpreventie-apps \\
        --trekker 'Team Veiligheid' --termijn 2027-06 \\
        --kosten '€ 10.000'
    """
    from ..documents.content import add_action

    added = add_action(app.store, process_id, action_id, title=title, priority=priority_id,
                       doelstelling=doelstelling, activiteiten=activiteiten, trekker=trekker,
                       betrokkenen=betrokkenen, termijn=termijn, kosten=kosten, now=app.now,
                       actor=app.actor)
    if added["termijn"]:
        text = _("{process_id}: action {action} added, termijn {date}")
    else:
        text = _("{process_id}: action {action} added")
    click.echo(text.format(process_id=process_id, action=action_id,
                           date=say_date(added["termijn"])))


@action.command("list")
@click.argument("process_id", metavar="ID")
@json_option
@wide_option
@pass_app
def action_list(app: App, process_id: str, as_json: bool) -> None:
    """List the actions.

    \b
    Example:
      ivpflow action list not-2027-2030
    """
    from ..documents.content import list_actions

    rows = [{**r, "termijn": r["termijn"].isoformat() if r["termijn"] else None}
            for r in list_actions(app.store_for_reading, process_id)]
    _show(rows, as_json, _("No actions in '{process_id}' yet; add one with 'ivpflow action "
                           "add'.").format(process_id=process_id),
          [_("id"), _("priority"), _("title"), _("trekker"), _("termijn"), _("kosten")],
          lambda r: [r["id"], r["priority"] or "", _line(r["title"]), _line(r["trekker"]),
                     day(r["termijn"]), _line(r["kosten"])], cut={2, 3, 5})


@action.command("remove")
@click.argument("process_id", metavar="ID")
@click.argument("action_id", metavar="ACTION")
@force_option
@pass_app
def action_remove(app: App, process_id: str, action_id: str) -> None:
    """Remove an action.

    \b
    Example:
      ivpflow action remove not-2027-2030 buurtpreventie
    """
    from ..documents.content import remove_action

    remove_action(app.store, process_id, action_id, now=app.now, actor=app.actor)
    click.echo(_("{process_id}: action {action} removed").format(process_id=process_id,
                                                                 action=action_id))


# --------------------------------------------------------------------------- values


@cli.command("set", short_help="Set a value the documents use (zaaknummer, …).")
@click.argument("process_id", metavar="ID")
@click.argument("key")
@click.argument("value", required=False)
@click.option("--municipality", metavar="NAME", help="Only for this municipality's documents.")
@click.option("--document", metavar="DOC",
              help="Only for this document (or the besluit of this decision): zaaknummer, "
                   "documentnummer, datum, onderwerp, bijlagen, dekking, grondslag, inleiding.")
@click.option("--unset", is_flag=True, help="Remove the value instead.")
@force_option
@pass_app
def set_command(app: App, process_id: str, key: str, value: str | None,
                municipality: str | None, document: str | None, unset: bool) -> None:
    """Set a value the documents use: zaaknummer, portefeuillehouder, team, … ('ivpflow values
    ID' lists them).

    A document's draft takes the value of the document for its gemeente, else of the
    document, else of the gemeente, else of the process.

    \b
    Examples:
      ivpflow set not-2027-2030 zaaknummer Z-2026-0142 \\
        --municipality Losser
      ivpflow set not-2027-2030 onderwerp 'IVP 2027-2030' \\
        --document raadsvoorstel-ivp-losser
      ivpflow set not-2027-2030 team --unset
    """
    from ..documents.content import set_value, unset_value, value_key

    if unset == (value is not None):
        raise click.UsageError(_("give a VALUE, or --unset without one"))
    stored = value_key(key, municipality, document)
    if unset:
        unset_value(app.store, process_id, key, municipality=municipality, document=document,
                    now=app.now, actor=app.actor)
        click.echo(_("{process_id}: {key} removed").format(process_id=process_id, key=stored))
        return
    assert value is not None
    set_value(app.store, process_id, key, value, municipality=municipality, document=document,
              now=app.now, actor=app.actor)
    click.echo(f"{process_id}: {stored} = {_line(value)}")


@cli.command(short_help="List the values the documents use and what they apply to.")
@click.argument("process_id", metavar="ID")
@json_option
@click.option("--all", "show_all", is_flag=True, help="Also the keys not set yet.")
@wide_option
@pass_app
def values(app: App, process_id: str, as_json: bool, show_all: bool) -> None:
    """List the values the documents use (zaaknummer, portefeuillehouder, …) and what each
    applies to: the process, a gemeente, a document, or a document of a gemeente.

    \b
    Examples:
      ivpflow values not-2027-2030
      ivpflow values not-2027-2030 --all
    """
    from ..documents.content import VALUES, list_values, scope_of

    rows = list_values(app.store_for_reading, process_id)
    if show_all:
        known = {r["key"] for r in rows}
        rows += [{"key": key, "municipality": None, "value": None, "document": None,
                  "scope": scope_of(None, None), "stored_key": key}
                 for key in VALUES if key not in known]
    if as_json:
        print_json(rows)
    elif not rows:
        click.echo(_("No values in '{process_id}' yet; keys: {keys}").format(
            process_id=process_id, keys=", ".join(VALUES)))
    else:
        table([_("key"), _("applies to"), _("value"), _("meaning")],
              [[r["key"], r["scope"], _line(r["value"]) or "—",
                VALUES.get(r["key"], "")] for r in rows], wrap={2}, cut={3})


def _show(rows: list[dict[str, Any]], as_json: bool, none_yet: str, headers: list[str],
          cells: Callable[[dict[str, Any]], list[str]], **fit: Any) -> None:
    """Print a list of priorities, indicators or actions: JSON, a table, or (`none_yet`) how
    to add one."""
    if as_json:
        print_json(rows)
    elif not rows:
        click.echo(none_yet)
    else:
        table(headers, [cells(r) for r in rows], **fit)


def _line(text: str | None) -> str:
    """Text for a table cell on a terminal: one line."""
    return " ".join((text or "").split())


def _measure(value: str | None, year: int | None) -> str:
    if not value:
        return ""
    return f"{value} ({year})" if year else value
