"""``tools.tokens.short_amount``: token amounts for people, never hiding that digits were dropped."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tools.tokens import short_amount


@pytest.mark.parametrize(("exact", "shown"), [
    ("24.883994277320339646", "≈24.884"), ("0.001", "0.001"), ("12", "12"), ("0", "0"),
    ("0.0000412345", "≈0.00004123"), ("1.23456", "≈1.2346"), ("1.00004", "≈1"),
    ("0.000000000000000001", "0.000000000000000001"),
])
def test_rounded_amounts_are_marked(exact: str, shown: str) -> None:
    assert short_amount(exact) == shown


@pytest.mark.parametrize("exact", ["3.14159265358979", "0.5", "987654.321", "0.000123456789"])
def test_the_shown_figure_is_within_half_a_last_digit(exact: str) -> None:
    shown = short_amount(exact).lstrip("≈")
    last = Decimal(1).scaleb(Decimal(shown).as_tuple().exponent)  # type: ignore[arg-type]
    assert abs(Decimal(shown) - Decimal(exact)) <= last / 2
    assert short_amount(exact).startswith("≈") == (Decimal(shown) != Decimal(exact))
