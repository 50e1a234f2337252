"""The gemeentecodes and the herindelingen since 2018 (ivpflow/opendata/gemeenten.yaml)."""

from __future__ import annotations

import pytest

from ivpflow.errors import MergedGemeenteError, UnknownGemeenteError
from ivpflow.opendata.gemeenten import gemeente


@pytest.mark.parametrize(("name", "code"), [
    ("Dinkelland", "GM1774"), ("Losser", "GM0168"), ("Oldenzaal", "GM0173"),
    ("Tubbergen", "GM0183"), ("den  haag", "GM0518"), ("Voorne aan Zee", "GM1992")],
    ids=["dinkelland", "losser", "oldenzaal", "tubbergen", "alias-and-spacing", "2023"])
def test_a_gemeente_has_its_cbs_code(name: str, code: str) -> None:
    assert gemeente(name).code == code


def test_the_list_holds_the_342_gemeenten_of_2023_to_2026() -> None:
    from ivpflow.opendata.gemeenten import _reference

    assert len(_reference().names) == 342


@pytest.mark.parametrize(("name", "into"), [
    ("Weesp", ["Amsterdam"]), ("Winsum", ["Het Hogeland", "Westerkwartier"]),
    ("Brielle", ["Voorne aan Zee"])], ids=["2022", "split-2019", "2023"])
def test_a_dissolved_gemeente_names_what_it_went_into(name: str, into: list[str]) -> None:
    with pytest.raises(MergedGemeenteError) as refused:
        gemeente(name)
    assert refused.value.into == into


def test_an_unknown_name_offers_none_when_nothing_is_near() -> None:
    with pytest.raises(UnknownGemeenteError, match=r"^'Atlantis' is not a gemeente of the "
                                                   r"Netherlands$"):
        gemeente("Atlantis")
