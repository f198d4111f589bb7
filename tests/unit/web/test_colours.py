"""The stylesheet's text colours meet WCAG 2.1 AA (4.5:1) on the backgrounds they are used on."""

from __future__ import annotations

import re

import pytest

from chuanyu.web import STATIC_DIR

TOKENS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})",
                         (STATIC_DIR / "chuanyu.css").read_text(encoding="utf-8")))
PAIRS = [  # (text, background)
    ("warn", "card"), ("warn", "warn-bg"), ("warn", "bg"), ("bad", "card"), ("bad", "bad-bg"),
    ("ok", "card"), ("ok", "ok-bg"), ("muted", "bg"), ("muted", "card"), ("accent", "card"),
    ("accent", "bg"), ("accent", "info-bg"), ("ink", "bg"),
]


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colour_is_readable(text: str, background: str) -> None:
    assert contrast(TOKENS[text], TOKENS[background]) >= 4.5


@pytest.mark.parametrize("background", ["cq", "sc", "muted", "accent", "header", "bad"])
def test_white_text_on_badges_and_buttons_is_readable(background: str) -> None:
    assert contrast("#ffffff", TOKENS[background]) >= 4.5


def test_the_old_warning_colour_would_fail() -> None:
    assert contrast("#b7791f", "#ffffff") < 4.5
