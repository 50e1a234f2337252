"""Refusals keep what was wrong and what is allowed, for a program to read, and say it in one
line for a person."""

from __future__ import annotations

import pytest

from ivpflow.errors import (
    AlreadyDoneError,
    InvalidValueError,
    IvpflowError,
    OutOfOrderError,
    StoreError,
    UnknownChoiceError,
    UnknownItemError,
    UnknownProcessError,
)
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import start_process
from ivpflow.process.people import assign
from ivpflow.store import Store
from ivpflow.workflow.model import OUTCOMES, Definition

from .conftest import NOW


@pytest.fixture
def process(store: Store, not_definition: Definition) -> str:
    return start_process(store, not_definition, now=NOW, actor="t", process_id="not")


def test_an_unknown_outcome_names_the_outcomes(store: Store, process: str) -> None:
    with pytest.raises(UnknownChoiceError) as refused:
        decide(store, "not", "verlenging-ivp-losser", outcome="aangenomen", now=NOW, actor="t")
    assert (refused.value.value, refused.value.allowed) == ("aangenomen", list(OUTCOMES))
    assert str(refused.value) == ("Unknown outcome 'aangenomen'; outcomes: vastgesteld, "
                                  "gewijzigd-vastgesteld, aangehouden, verworpen")


def test_an_unknown_item_keeps_the_known_ones(store: Store, process: str) -> None:
    with pytest.raises(UnknownItemError) as refused:
        complete(store, "not", "thematafel", now=NOW, actor="t")
    assert refused.value.item == "thematafel" and "startnotitie-opstellen" in \
        refused.value.available


def test_an_unknown_process_keeps_the_known_ones(store: Store, process: str) -> None:
    with pytest.raises(UnknownProcessError) as refused:
        complete(store, "nergens", "x", now=NOW, actor="t")
    assert (refused.value.process_id, refused.value.available) == ("nergens", ["not"])


def test_a_bad_value_keeps_what_and_why(store: Store, process: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        assign(store, "not", "griffie", name="G", email="geen adres", now=NOW, actor="t")
    assert (refused.value.value, refused.value.rule) == ("geen adres",
                                                         "is not an e-mail address")


def test_a_date_on_the_wrong_side_keeps_both(store: Store, process: str) -> None:
    from datetime import date

    with pytest.raises(OutOfOrderError) as refused:
        decide(store, "not", "verlenging-ivp-losser", outcome="vastgesteld", now=NOW,
               actor="t", on=date(2026, 3, 9))
    assert (refused.value.value, refused.value.other) == (date(2026, 3, 9), date(2026, 3, 2))
    assert str(refused.value) == ("Decision date 2026-03-09 lies after today (2026-03-02); a "
                                  "decision is recorded once taken")


def test_something_done_before_says_so_once(store: Store, process: str) -> None:
    complete(store, "not", "werkgroep-samenstellen", now=NOW, actor="t")
    with pytest.raises(AlreadyDoneError) as refused:
        complete(store, "not", "werkgroep-samenstellen", now=NOW, actor="t")
    assert str(refused.value) == ("Task 'werkgroep-samenstellen' of 'not' was done on "
                                  "2026-03-02 by t; nothing changed")


def test_every_message_is_one_line() -> None:
    errors: list[IvpflowError] = [
        InvalidValueError("Name", "Anne\nBcc: x@y.z", "must be one line"),
        StoreError("open", "sqlite:///x", "file is not a database"),
    ]
    assert all("\n" not in str(e) for e in errors)
    assert errors[1].database == "sqlite:///x"
