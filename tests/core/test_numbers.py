"""Numbers are read in the language of the person typing them (issue 15: "1,5" hours became 15)."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.numbers import NumberError, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,5", "1.5"),
        ("299,50", "299.50"),
        ("1.500", "1500"),
        ("1.500,50", "1500.50"),
        ("12.345.678", "12345678"),
        ("1 500", "1500"),
        ("299,-", "299"),
        ("450 kr.", "450"),
        (",5", "0.5"),
        ("0", "0"),
        (" 7 ", "7"),
    ],
)
def test_danish(raw: str, expected: str) -> None:
    assert parse_number(raw, "da") == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.5", "1.5"), ("1,500", "1500"), ("1,500.50", "1500.50"), ("299.50", "299.50"), ("DKK 20", "20")],
)
def test_english(raw: str, expected: str) -> None:
    assert parse_number(raw, "en") == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "language"), [("1.5", "da"), ("1.50", "da"), ("1,5", "en"), ("1.500.5", "da"), ("12,34,5", "en")]
)
def test_ambiguous_is_refused_with_a_hint(raw: str, language: str) -> None:
    with translation.override(language), pytest.raises(NumberError) as info:
        parse_number(raw, language)
    assert "1,5" in str(info.value) if language == "da" else "1.5" in str(info.value)


@pytest.mark.parametrize("raw", ["", "abc", "1,5,5", "1e5", "1,5x", "--1", "½"])
def test_not_a_number(raw: str) -> None:
    with pytest.raises(NumberError):
        parse_number(raw, "da")


def test_messages_are_danish_on_danish_pages() -> None:
    with translation.override("da"), pytest.raises(NumberError) as info:
        parse_number("1.5", "da")
    assert "tvetydigt" in str(info.value)
