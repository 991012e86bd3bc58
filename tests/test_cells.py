"""Numbers, dates and empty cells as people type them (one reading for Excel and CSV)."""

from __future__ import annotations

import datetime as dt

import pytest

from gevinst.io import cells


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1 234,5", 1234.5),
        ("1\u00a0234\u202f567,25", 1234567.25),
        (" 1234.5 ", 1234.5),
        ("\u22123", -3.0),
        ("+12", 12.0),
        ("1,5e3", 1500.0),
    ],
)
def test_parse_number(text: str, number: float) -> None:
    assert cells.parse_number(text) == number


@pytest.mark.parametrize("text", ["12 kr", "1.234,5", "1 23", "ti", "", "inf"])
def test_parse_number_refuses_other_text(text: str) -> None:
    assert cells.parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-12-31", dt.date(2025, 12, 31)),
        ("31.12.2025", dt.date(2025, 12, 31)),
        (" 1.2.2025 ", dt.date(2025, 2, 1)),
    ],
)
def test_parse_date(text: str, date: dt.date) -> None:
    assert cells.parse_date(text) == date


@pytest.mark.parametrize(
    "text", ["31.02.2025", "2025-02-30", "2025-12-31T00:00", "31/12/2025", "12.2025", ""]
)
def test_parse_date_refuses_other_text(text: str) -> None:
    assert cells.parse_date(text) is None


def test_is_empty() -> None:
    assert [cells.is_empty(v) for v in (None, "", " \t", 0, "0", False)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
