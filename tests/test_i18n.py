"""The command line's two languages: the catalogue is complete and compiled, the locale picks
the language, and dates follow the language of the sentence."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ivpflow import i18n
from ivpflow.dates import AMSTERDAM

PACKAGE = Path(i18n.__file__).parent
PO = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "ivpflow.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2)}


@pytest.fixture
def dutch() -> Iterator[None]:
    i18n.use("nl")
    yield
    i18n.use("en")


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), keywords=KEYWORDS, comment_tags=()):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_source_is_in_the_dutch_catalogue() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    missing = _source_messages() - {m.id if isinstance(m.id, str) else m.id[0]
                                    for m in catalogue if m.id}
    assert not missing, f"run 'python3 tasks.py messages': not in the catalogue: {missing}"


def test_every_message_of_the_catalogue_is_translated() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [m.id for m in catalogue if m.id and (
        m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert untranslated == []


def test_the_compiled_catalogue_is_the_one_of_the_po_file() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    assert MO.read_bytes() == compiled.getvalue(), "run 'python3 tasks.py messages'"


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "nl_NL.UTF-8"}, ("nl", "LANG")),
    ({"LANG": "nl_BE.UTF-8"}, ("nl", "LANG")),
    ({"LANG": "C.UTF-8"}, None),
    ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "nl_NL.UTF-8"}, ("nl", "LC_MESSAGES")),
    ({"LANG": "nl_NL.UTF-8", "LC_ALL": "de_DE.UTF-8"}, None),
    ({"LANG": "nl_NL.UTF-8", "LC_ALL": "en_US.UTF-8"}, ("en", "LC_ALL")),
    ({"LANGUAGE": "fy:nl", "LANG": "en_US.UTF-8"}, ("nl", "LANGUAGE")),
    ({}, None),
], ids=["lang", "belgian", "c", "lc-messages", "lc-all-other", "lc-all-english", "language-list",
        "none"])
def test_the_locale_names_the_language(environ: dict[str, str],
                                       expected: tuple[str, str] | None) -> None:
    assert i18n.locale_language(environ) == expected


def test_dates_are_iso_in_english_and_dutch_in_dutch() -> None:
    day = date(2026, 11, 24)
    assert (i18n.say_date(day), i18n.say_date(day, weekday=True)) == (
        "2026-11-24", "Tue 2026-11-24")
    i18n.use("nl")
    try:
        assert (i18n.say_date(day), i18n.say_date(day, weekday=True)) == (
            "24 november 2026", "dinsdag 24 november 2026")
        assert i18n.say_moment(datetime(2026, 11, 24, 14, 5, tzinfo=AMSTERDAM)) == (
            "24 november 2026 14:05")
    finally:
        i18n.use("en")
    assert i18n.say_moment(datetime(2026, 11, 24, 14, 5, tzinfo=AMSTERDAM)) == (
        "2026-11-24 14:05")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language must be one of en, nl, not 'fr'"):
        i18n.use("fr")
