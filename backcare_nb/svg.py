"""SVG written by hand, for the timeline and the evidence chart: a few shapes as strings.

Numbers keep one decimal at most, and keyword attributes take SVG's hyphens
(``text_anchor="end"`` becomes ``text-anchor="end"``); text is escaped.
"""

from __future__ import annotations

from html import escape


def number(value: float) -> str:
    """``12.0`` as ``12``, ``12.25`` as ``12.2``: short, and stable from run to run."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def attributes(values: dict[str, str]) -> str:
    """SVG attributes from keywords: ``text_anchor="end"`` becomes ``text-anchor="end"``."""
    return "".join(f' {name.replace("_", "-")}="{value}"' for name, value in values.items())


def text(x: float, y: float, words: str, **extra: str) -> str:
    return f'<text x="{number(x)}" y="{number(y)}"{attributes(extra)}>{escape(words)}</text>'


def rect(x: float, y: float, width: float, height: float, **extra: str) -> str:
    size = f'width="{number(width)}" height="{number(height)}"'
    return f'<rect x="{number(x)}" y="{number(y)}" {size}{attributes(extra)}/>'


def line(x1: float, y1: float, x2: float, y2: float, **extra: str) -> str:
    ends = f'x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}"'
    return f"<line {ends}{attributes(extra)}/>"
