"""The five veiligheidsvelden of VNG Kernbeleid Veiligheid: categories, themes, professionals.

Reference data for analysis, priorities and documents. The categories, themes and involved
professionals follow Bijlage 1 of the Hengelo programma-opdracht veiligheid (2023); the
descriptions follow the Haaksbergen startnotitie IVP 2023-2026. Hengelo's own organisations
are named by what they are (Welbions: woningcorporatie, Wijkkracht: welzijnsorganisatie,
team L&V: team veiligheid), so that the data fits any municipality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidValueError, IvpflowError
from ..i18n import _


@dataclass(frozen=True)
class Categorie:
    """A category of a veld with its themes and the professionals involved."""

    naam: str
    themas: tuple[str, ...]
    professionals: tuple[str, ...]


@dataclass(frozen=True)
class Veld:
    """One of the five veiligheidsvelden."""

    nummer: int
    naam: str
    slug: str
    omschrijving: str
    categorieen: tuple[Categorie, ...]

    def as_data(self) -> dict[str, Any]:
        """The veld as plain data for templates."""
        return {"nummer": self.nummer, "naam": self.naam, "slug": self.slug,
                "omschrijving": self.omschrijving,
                "categorieen": [{"naam": c.naam, "themas": list(c.themas),
                                 "professionals": list(c.professionals)}
                                for c in self.categorieen]}


_GEMEENTE_SOCIAAL = "gemeente: teams veiligheid, toezicht en handhaving, sociaal domein, Wmo"

VELDEN: tuple[Veld, ...] = (
    Veld(1, "Veilige woon- en leefomgeving", "veilige-woon-en-leefomgeving",
         "Veiligheid en leefbaarheid in de alledaagse woon- en leefomgeving, in de wijk, de "
         "buurt en de straat: overlast, High Impact Crimes zoals woninginbraken en diefstal, "
         "alcohol- en drugsoverlast, overlast door personen met verward gedrag, huiselijk "
         "geweld en het veiligheidsgevoel.",
         (
             Categorie("Sociale kwaliteit",
                       ("Woonoverlast", "Personen met verward gedrag", "Multiprobleemgezinnen",
                        "Illegale bewoning", "Drank- en drugsoverlast"),
                       ("Politie en OM", "Zorg- en Veiligheidshuis",
                        "woningcorporatie en welzijnsorganisatie", _GEMEENTE_SOCIAAL)),
             Categorie("Fysieke kwaliteit",
                       ("Vernielingen openbare ruimte", "Verloedering",
                        "Afvaldump en zwerfvuil"),
                       ("Politie (wijkagenten)", "woningcorporatie en welzijnsorganisatie",
                        "gemeente: teams veiligheid, toezicht en handhaving, beheer openbare "
                        "ruimte")),
             Categorie("Veelvoorkomende criminaliteit / High Impact Crime",
                       ("Woninginbraken", "Fietsendiefstal", "Woningovervallen en babbeltrucs",
                        "Mishandeling", "Huiselijk geweld"),
                       ("Politie en OM", "Zorg- en Veiligheidshuis",
                        "woningcorporatie en welzijnsorganisatie", _GEMEENTE_SOCIAAL)),
             Categorie("Veiligheidsbeleving",
                       ("Veiligheidsgevoel algemeen", "Veiligheidsgevoel in de buurt",
                        "Schatting slachtofferschap", "Vermijdingsgedrag"),
                       ("Politie", "woningcorporatie en welzijnsorganisatie",
                        _GEMEENTE_SOCIAAL)),
         )),
    Veld(2, "Bedrijvigheid en veiligheid", "bedrijvigheid-en-veiligheid",
         "De sociale veiligheid rond winkelgebieden, bedrijventerreinen, uitgaansgebieden, "
         "evenementen en toerisme: veilig ondernemen, veilig uitgaan, veilige evenementen.",
         (
             Categorie("Veilig winkelgebied",
                       ("Winkeldiefstal en zakkenrollerij", "Overvallen en inbraak",
                        "Jongerenoverlast en vernieling", "Brandveiligheid"),
                       ("Politie en OM", "Platform Veilig Ondernemen",
                        "ondernemersvereniging", "gemeente: teams veiligheid, toezicht en "
                        "handhaving, sport en recreatie, beheer, citymarketing")),
             Categorie("Veilige bedrijventerreinen",
                       ("Bedrijfsinbraak", "Overvallen en vernielingen",
                        "Externe veiligheid en brandveiligheid",
                        "Illegale bewoning en bedrijfsvoering"),
                       ("Politie en OM", "RIEC", "omgevingsdienst", "veiligheidsregio",
                        "Platform Veilig Ondernemen", "ondernemersvereniging",
                        "gemeente: teams veiligheid, toezicht en handhaving")),
             Categorie("Veilig uitgaan",
                       ("Geweld", "Alcohol en drugs", "Zedendelicten",
                        "Vernielingen en overlast"),
                       ("Politie en OM", "Koninklijke Horeca Nederland", "horecaondernemers",
                        "veiligheidsregio", "gemeente: teams veiligheid, toezicht en "
                        "handhaving, citymarketing")),
             Categorie("Veilige evenementen",
                       ("Brand en crisisbeheersing", "Ongevallen, alcohol en drugs",
                        "Geweld, vernielingen en overlast"),
                       ("Politie", "Koninklijke Horeca Nederland", "veiligheidsregio",
                        "evenementenorganisatoren", "gemeente: teams veiligheid, "
                        "vergunningen, toezicht en handhaving")),
             Categorie("Veilig toerisme",
                       ("Criminaliteit op campings, jachthavens en bungalowparken",
                        "Drugs, illegale bewoning en mensenhandel"),
                       ("Politie en OM", "RIEC", "recreatieondernemers", "veiligheidsregio",
                        "gemeente: teams veiligheid, toezicht en handhaving")),
         )),
    Veld(3, "Jeugd en veiligheid", "jeugd-en-veiligheid",
         "Jeugdoverlast, jeugdgroepen, alcohol- en drugsgebruik onder jongeren, criminele "
         "jeugdgroepen en veiligheid in en om de school.",
         (
             Categorie("Jeugdoverlast",
                       ("Overlastgevende jeugdgroepen", "Voetbalvandalisme",
                        "Verstoringen openbare orde"),
                       ("Politie en OM", "Zorg- en Veiligheidshuis", "jongerenwerk",
                        _GEMEENTE_SOCIAAL)),
             Categorie("Jeugdcriminaliteit",
                       ("Veelplegers en jonge aanwas", "Multiprobleemjeugd",
                        "Criminele jeugdgroepen", "Radicalisering"),
                       ("Politie en OM", "Zorg- en Veiligheidshuis", "Halt",
                        "gemeente: teams veiligheid, sociaal domein, jeugd en gezin, Wmo")),
             Categorie("Jeugd, alcohol en drugs",
                       ("Alcohol- en drugsgebruik", "Verslaving",
                        "Overlast, geweld en vernielingen als gevolg"),
                       ("Politie en OM", "Zorg- en Veiligheidshuis", "GGD en verslavingszorg",
                        "gemeente: teams veiligheid, sociaal domein, jeugd en gezin, Wmo")),
             Categorie("Veilig in en om de school",
                       ("Intimidatie en pesten", "Geweld, diefstal en vernieling",
                        "Drugsgebruik en -handel"),
                       ("Politie en OM", "scholen en onderwijsinstellingen",
                        "gemeente: teams veiligheid, sociaal domein, Wmo")),
         )),
    Veld(4, "Fysieke veiligheid", "fysieke-veiligheid",
         "Verkeersveiligheid, brandveiligheid, externe veiligheid (gevaarlijke stoffen), "
         "rampenbestrijding en crisisbeheersing.",
         (
             Categorie("Verkeersveiligheid",
                       ("Hard rijden en agressief rijgedrag", "Foutparkeren",
                        "Risicovolle infrastructuur"),
                       ("Politie en OM", "gemeente: teams veiligheid, toezicht en handhaving, "
                        "ruimtelijke ordening, communicatie")),
             Categorie("Brandveiligheid",
                       ("Risicobewustzijn", "Brandpreventiemaatregelen",
                        "Bluswatervoorziening en aanrijroutes"),
                       ("veiligheidsregio en brandweer", "woningcorporatie",
                        "gemeente: teams toezicht en handhaving, communicatie")),
             Categorie("Externe veiligheid en omgevingsveiligheid",
                       ("Opslag en vervoer van gevaarlijke stoffen",
                        "Rampenbestrijding en risicocommunicatie"),
                       ("omgevingsdienst", "veiligheidsregio en brandweer", "provincie",
                        "gemeente: teams veiligheid, toezicht en handhaving, ruimtelijke "
                        "ordening")),
             Categorie("Crisisbeheersing",
                       ("Professionele bevolkingszorg", "Crisiscommunicatie",
                        "Veiligheidsregio als gemeenschappelijke regeling"),
                       ("veiligheidsregio", "gemeente: teams veiligheid, communicatie, "
                        "sociaal domein")),
         )),
    Veld(5, "Integriteit en veiligheid", "integriteit-en-veiligheid",
         "Verschijnselen die de rechtsorde fundamenteel bedreigen: georganiseerde en "
         "ondermijnende criminaliteit, polarisatie en radicalisering, de weerbare overheid, "
         "informatieveiligheid en cybercrime, ambtelijke en bestuurlijke integriteit.",
         (
             Categorie("Polarisatie en radicalisering",
                       ("Extremisme", "Radicalisering", "Maatschappelijke spanningen"),
                       ("Politie en OM", "onderwijs", "NCTV", "gemeente: teams veiligheid, "
                        "sociaal domein, jeugd, onderwijs")),
             Categorie("Georganiseerde en ondermijnende criminaliteit",
                       ("Drugsgerelateerde criminaliteit", "Mensenhandel",
                        "Vastgoedfraude en witwassen", "Outlaw Motorcycle Gangs"),
                       ("Politie en OM", "RIEC", "Landelijk Bureau Bibob", "provincie",
                        "omgevingsdienst", "gemeente: teams veiligheid, toezicht en "
                        "handhaving, sociaal domein, vastgoed, juridische zaken, "
                        "communicatie")),
             Categorie("Weerbare overheid en weerbaar bestuur",
                       ("Agressie en geweld tegen werknemers", "Bedreiging van politieke "
                        "ambtsdragers", "Integriteit en goed bestuur",
                        "Vertrouwen in de overheid"),
                       ("gemeente: teams veiligheid, HRM, communicatie",)),
             Categorie("Informatieveiligheid",
                       ("Diefstal en verlies van data", "Verstoring digitale dienstverlening",
                        "Gijzeling ICT-infrastructuur"),
                       ("gemeente: team veiligheid en crisisbeheersing, team ICT",
                        "Informatiebeveiligingsdienst (IBD)",
                        "Nationaal Cyber Security Centrum (NCSC)")),
             Categorie("Ambtelijke en bestuurlijke integriteit",
                       ("Integriteitsschendingen", "Criminele inmenging"),
                       ("gemeente: team veiligheid, concernstaf, bedrijfsvoering",)),
         )),
)

# Cuts across the five velden and is not a sixth (Haaksbergen startnotitie).
ZORG_EN_VEILIGHEID = (
    "Thema's in alle vijf velden hangen samen met complexe casuïstiek: personen en huishoudens "
    "met meervoudige sociale en veiligheidsproblematiek. De aanpak vraagt samenwerking tussen "
    "het veiligheidsdomein en het sociaal domein (vroegsignalering, tijdige opschaling, "
    "persoonsgerichte aanpak). Zorg en veiligheid is geen zesde veld: wat hier geprioriteerd "
    "wordt, valt onder een van de vijf velden."
)


def veld(value: int | str) -> Veld:
    """The veld named by its number (1-5), slug or name; InvalidValueError otherwise."""
    text = str(value).strip()
    for candidate in VELDEN:
        if text in (str(candidate.nummer), candidate.slug) or \
                text.lower() == candidate.naam.lower():
            return candidate
    raise UnknownVeldError(value)


class UnknownVeldError(InvalidValueError):
    """No veiligheidsveld has this number, slug or name."""

    def __init__(self, value: object) -> None:
        self.allowed = [f"{v.nummer} {v.naam}" for v in VELDEN]
        IvpflowError.__init__(self, _("Unknown veiligheidsveld '{value}'; velden: {velden}")
                              .format(value=value, velden="; ".join(self.allowed)))
        self.what, self.value, self.rule = "veiligheidsveld", value, "is not one of the five"


def professionals_for(nummer: int, theme: str) -> list[str]:
    """The professionals involved with a theme of a veld (its category's), or of the whole
    veld when the theme is not one of the reference categories or themes."""
    found = veld(nummer)
    wanted = theme.strip().lower()
    # Word stems, so that 'ondermijning' finds 'ondermijnende criminaliteit'.
    stems = [word[:6] for word in re.findall(r"\w+", wanted) if len(word) >= 5]
    for categorie in found.categorieen:
        names = [categorie.naam.lower(), *(t.lower() for t in categorie.themas)]
        if any(wanted == name or any(stem in name for stem in stems) for name in names):
            return list(categorie.professionals)
    return list(dict.fromkeys(p for c in found.categorieen for p in c.professionals))


def as_data() -> list[dict[str, Any]]:
    """All five velden as plain data for templates."""
    return [v.as_data() for v in VELDEN]
