"""The timeline: what applies on which day since onset, as an SVG picture and in words.

Pure functions: a plan and the content in, text out. The picture is written as SVG by hand, not
drawn by a plotting library, so a dashboard kernel has nothing to import and a new timeline costs
about a millisecond: the page is ready sooner and every change redraws it at once. SVG also stays
sharp on a projector at any size. Colours come from the Okabe-Ito palette, which colour-blind
viewers can tell apart, and nothing is told by colour alone: every row is labelled, each status
has its own hatch pattern, and :func:`timeline_text` says it all in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape

from backcare_nb.content import Content
from backcare_nb.plan import (
    ADVISED,
    AVOID,
    CHECK_FIRST,
    HELD,
    STATUS_TEXT,
    Plan,
    Stage,
    build_plan,
    change_days,
    stage_for_day,
)
from backcare_nb.render import EPISODE_LABELS
from backcare_nb.svg import number as _number
from backcare_nb.svg import rect as _rect
from backcare_nb.svg import text as _text

#: Okabe & Ito (2008) colours, safe for the common kinds of colour blindness, in category order.
# The palette's black is swapped for a mid grey, which shows on light and dark backgrounds alike.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#999999")
STATUS_LEGEND = {
    ADVISED: "Advised",
    CHECK_FIRST: "Check with a prescriber first",
    HELD: "Wait for the assessment",
    AVOID: "Not advised",
}
#: Hatch pattern ids in the SVG; advised items are plain.
STATUS_PATTERN = {CHECK_FIRST: "bc-hatch-check", HELD: "bc-hatch-held", AVOID: "bc-hatch-avoid"}
# Ticks a clinician thinks in: the first days, one week, two and four weeks, and 12 weeks.
DAY_TICKS = (0, 2, 7, 14, 28, 56, 84, 120, 180, 365)
EPISODE_PHRASES = {"first": "a first episode", "recurrent": "recurrent episodes"}

# Geometry in SVG user units (pixels when the picture is shown at its natural width).
WIDTH = 800  # narrower than the page it fills, so 12-unit text shows at 13-16 CSS px
ROW = 24  # height of one row
TOP = 56  # title and the day marker's label
AXIS_SPACE = 46  # tick labels and the axis title under the rows
LEGEND_ROW = 20
LEGEND_COLUMNS = 4
# Average glyph widths of a sans-serif face at the sizes used, to size the label column and decide
# whether a stage's label fits in its lane (no font metrics are at hand when writing SVG).
CHARACTER = 6.4  # 12 px
BOLD_CHARACTER = 7.0  # 12 px bold
LANE_CHARACTER = 5.9  # 11 px
# Lines and text follow the page's text colour, so the picture reads in Lab's and Voila's dark
# themes too; the SVG's own style sets that colour from the theme (light fallbacks elsewhere).
INK = "currentColor"


@dataclass(frozen=True)
class TimelineRow:
    """One item of the timeline and the spans of days when it applies.

    ``spans`` holds ``(first_day, last_day, status)`` triples, merged where neighbouring stages
    give the same status.
    """

    item_id: str
    title: str
    category: str
    category_label: str
    spans: tuple[tuple[int, int, str], ...]


def stages_until(content: Content, scheme: str, days: int = 120) -> list[Stage]:
    """The stages of ``scheme`` ("article" or "guideline") that start on or before ``days``, the
    last one cut off at ``days``."""
    stages = []
    day = 0
    while day <= days:
        stage = stage_for_day(day, content, scheme)
        stages.append(replace(stage, day_max=min(stage.day_max, days)))
        day = stage.day_max + 1
    return stages


def article_stages(content: Content, days: int = 120) -> list[Stage]:
    """The article's stages up to ``days`` (see :func:`stages_until`)."""
    return stages_until(content, "article", days)


def guideline_bands(content: Content, days: int = 120) -> list[Stage]:
    """The guideline bands up to ``days`` (see :func:`stages_until`)."""
    return stages_until(content, "guideline", days)


def timeline_rows(plan: Plan, content: Content, days: int = 120) -> list[TimelineRow]:
    """What applies when, for the plan's episode, red flags and cautions, over days 0 to ``days``.

    The plan only changes on the days :func:`backcare_nb.plan.change_days` names (stage
    boundaries and the first and last days of day-limited items), so one plan per span between
    them is enough. Rows come in the content's category order.
    """
    spans: dict[str, list[tuple[int, int, str]]] = {}
    first_seen: dict[str, tuple[int, int, str, str, str]] = {}
    category_order = {row["id"]: int(row["order"]) for row in content.records["categories"]}
    starts = [day for day in change_days(content) if day <= days]
    for start, end in zip(starts, [*starts[1:], days + 1], strict=True):
        stage = Stage("", "", start, end - 1, "")
        scenario = replace(plan.scenario, days_since_onset=start, case=None)
        stage_plan = build_plan(scenario, content)
        for item in stage_plan.items:
            if item.id not in first_seen:
                order = category_order.get(item.category, len(category_order) + 1)
                first_seen[item.id] = (order, len(first_seen), item.title, item.category, item.category_label)
            item_spans = spans.setdefault(item.id, [])
            if item_spans and item_spans[-1][1] + 1 == stage.day_min and item_spans[-1][2] == item.status:
                item_spans[-1] = (item_spans[-1][0], stage.day_max, item.status)
            else:
                item_spans.append((stage.day_min, stage.day_max, item.status))
    rows = sorted(first_seen.items(), key=lambda pair: pair[1][:2])
    return [
        TimelineRow(item_id, title, category, category_label, tuple(spans[item_id]))
        for item_id, (_, _, title, category, category_label) in rows
    ]


def category_colours(content: Content) -> dict[str, str]:
    """Each category's colour, in the content's category order."""
    ordered = sorted(content.records["categories"], key=lambda row: int(row["order"]))
    return {row["id"]: OKABE_ITO[number % len(OKABE_ITO)] for number, row in enumerate(ordered)}


def _day_range(first: int, last: int) -> str:
    return f"day {first}" if first == last else f"days {first}-{last}"


def timeline_text(
    plan: Plan, content: Content, days: int = 120, mark_day: bool = True, rows: Sequence[TimelineRow] | None = None
) -> str:
    """A text alternative to the timeline picture, saying in words what it shows.

    With ``mark_day`` false the words leave out which day is marked, for a picture whose day marker
    is drawn separately (:func:`day_marker_svg`) and which stays the same from day to day.
    """
    day = plan.scenario.days_since_onset
    episode = EPISODE_PHRASES[plan.scenario.episode]
    marked = f"; the current day, {day}, is marked" if mark_day else ""
    parts = [f"Timeline of days 0 to {days} since onset for {episode}{marked}."]
    parts.append(
        "Article stages: "
        + "; ".join(
            f"{stage.label}, {_day_range(stage.day_min, stage.day_max)}" for stage in article_stages(content, days)
        )
        + "."
    )
    parts.append(
        "Guideline bands: "
        + "; ".join(
            f"{band.label}, {_day_range(band.day_min, band.day_max)}" for band in guideline_bands(content, days)
        )
        + "."
    )
    if plan.gate.replaces_plan:
        parts.append(f"The self-care plan is on hold: {plan.gate.title}.")
        return " ".join(parts)
    by_span: dict[tuple[int, int], list[str]] = {}
    for row in timeline_rows(plan, content, days) if rows is None else rows:
        for first, last, status in row.spans:
            title = f"{row.title} ({STATUS_TEXT[status].lower()})" if status != ADVISED else row.title
            by_span.setdefault((first, last), []).append(title)
    for (first, last), titles in sorted(by_span.items()):
        parts.append(f"{_day_range(first, last).capitalize()}: {', '.join(titles)}.")
    return " ".join(parts)


# --- the picture ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Axis:
    """Days to x on a square-root scale, so the first week gets room."""

    left: float
    right: float
    days: int

    def x(self, day: float) -> float:
        share = math.sqrt(min(max(day, 0), self.days)) / math.sqrt(self.days)
        return self.left + (self.right - self.left) * share


def _lane_label(stage: Stage, width: float) -> str:
    """The stage's label, without its bracketed part when the lane is too narrow, or nothing."""
    for label in (stage.label, stage.label.split(" (")[0]):
        if len(label) * LANE_CHARACTER + 8 <= width:
            return label
    return ""


_PATTERNS = (
    "<defs>"
    '<pattern id="bc-hatch-check" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="1.2"/></pattern>'
    '<pattern id="bc-hatch-held" width="6" height="6" patternUnits="userSpaceOnUse">'
    f'<circle cx="3" cy="3" r="1.2" fill="{INK}"/></pattern>'
    '<pattern id="bc-hatch-avoid" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="1.2"/>'
    f'<line x1="0" y1="0" x2="6" y2="0" stroke="{INK}" stroke-width="1.2"/></pattern>'
    "</defs>"
)


@dataclass(frozen=True)
class TimelineLayout:
    """Where everything goes in the picture of one plan's timeline: the same for every day of a
    scenario, so a dashboard draws it once and moves only the day marker (:func:`day_marker_svg`)."""

    rows: tuple[TimelineRow, ...]
    labels: tuple[tuple[str, bool], ...]  # (words, bold) for each row, top to bottom
    bars: tuple[tuple[int, TimelineRow], ...]  # (row number, item) for each item's row
    axis: _Axis
    bottom: float  # y of the day axis
    legend: tuple[tuple[str, str], ...]  # (fill, words)
    height: float


def timeline_layout(plan: Plan, content: Content, days: int = 120) -> TimelineLayout:
    """The layout of ``plan``'s timeline over days 0 to ``days``."""
    rows = [] if plan.gate.replaces_plan else timeline_rows(plan, content, days)
    colours = category_colours(content)

    # Rows top to bottom: two lanes, then category headings with their items.
    labels: list[tuple[str, bool]] = [("Article stage", True), ("Guidelines", True)]
    bars: list[tuple[int, TimelineRow]] = []
    category = None
    for row in rows:
        if row.category != category:
            category = row.category
            labels.append((row.category_label, True))
        bars.append((len(labels), row))
        labels.append((row.title, False))
    if plan.gate.replaces_plan:
        labels.append(("", False))

    label_width = max(len(label) * (BOLD_CHARACTER if bold else CHARACTER) for label, bold in labels)
    axis = _Axis(left=min(label_width, 320) + 16, right=WIDTH - 16, days=days)
    bottom = TOP + ROW * len(labels)

    # The legend: categories by colour, then statuses by pattern when more than one is shown.
    legend: list[tuple[str, str]] = [
        (colours.get(category_id, OKABE_ITO[-1]), label)
        for category_id, label in dict.fromkeys((row.category, row.category_label) for row in rows)
    ]
    statuses = {status for row in rows for _, _, status in row.spans}
    if len(statuses) > 1:
        legend += [
            (f"url(#{STATUS_PATTERN[status]})" if status in STATUS_PATTERN else "#ffffff", STATUS_LEGEND[status])
            for status in (ADVISED, CHECK_FIRST, HELD, AVOID)
            if status in statuses
        ]
    legend_top = bottom + AXIS_SPACE + 8
    height = legend_top + LEGEND_ROW * math.ceil(len(legend) / LEGEND_COLUMNS) + 8
    return TimelineLayout(tuple(rows), tuple(labels), tuple(bars), axis, bottom, tuple(legend), height)


def timeline_svg(
    plan: Plan,
    content: Content,
    days: int = 120,
    mark_day: bool = True,
    description: str | None = None,
    layout: TimelineLayout | None = None,
) -> str:
    """The timeline as an inline SVG element.

    Top lanes show the article's stages and the guideline bands; below, one row per item, grouped
    under its category, with a bar over the days it applies (hatched when a caution changes it).
    The scenario's day is marked with a vertical line (at the right end, with an arrow, when it is
    past ``days``) unless ``mark_day`` is false. The day axis is on a square-root scale so the
    first week gets room. The picture's accessible name is ``description``, by default
    :func:`timeline_text` (pass it when it is already at hand, and ``layout`` likewise); each bar
    also says what it is when pointed at.
    """
    layout = layout or timeline_layout(plan, content, days)
    colours = category_colours(content)
    labels, bars, axis, bottom = layout.labels, layout.bars, layout.axis, layout.bottom
    count = len(labels)

    def middle(row: int) -> float:
        return TOP + ROW * row + ROW / 2

    parts = [_PATTERNS]
    episode = EPISODE_LABELS[plan.scenario.episode].lower()
    parts.append(
        _text(
            WIDTH / 2,
            22,
            f"What applies when: {episode}, days 0-{days}",
            text_anchor="middle",
            font_size="15",
            font_weight="bold",
        )
    )
    for row, (label, bold) in enumerate(labels):
        weight = {"font_weight": "bold"} if bold else {}
        parts.append(_text(axis.left - 8, middle(row) + 4, label, text_anchor="end", **weight))

    stages = article_stages(content, days)
    for number, stage in enumerate(stages):
        if number % 2 == 0:  # light shading marks the article's stages across every row
            left, right = axis.x(stage.day_min), axis.x(stage.day_max + 1)
            parts.append(_rect(left, TOP, right - left, ROW * count, fill="#000000", fill_opacity="0.06"))
    for lane, spans, face in ((0, stages, "#d9d9d9"), (1, guideline_bands(content, days), "#f0f0f0")):
        for stage in spans:
            left, right = axis.x(stage.day_min), axis.x(stage.day_max + 1)
            top = TOP + ROW * lane + ROW * 0.1
            title = f"<title>{escape(stage.label)}: {_day_range(stage.day_min, stage.day_max)}</title>"
            parts.append(f"<g>{title}{_rect(left, top, right - left, ROW * 0.8, fill=face, stroke='#404040')}")
            label = _lane_label(stage, right - left)
            if label:
                parts.append(
                    _text(
                        (left + right) / 2,
                        middle(lane) + 4,
                        label,
                        text_anchor="middle",
                        font_size="12.5",
                        fill="#1a1a1a",
                    )
                )
            parts.append("</g>")
    for band in guideline_bands(content, days)[1:]:
        # Below the lanes only, so the dotted lines never run through a lane's label.
        x = _number(axis.x(band.day_min))
        parts.append(
            f'<line x1="{x}" y1="{TOP + ROW * 2}" x2="{x}" y2="{bottom}" stroke="#404040" stroke-dasharray="2 3"/>'
        )

    for row_number, row in bars:
        colour = colours.get(row.category, OKABE_ITO[-1])
        top = TOP + ROW * row_number + ROW * 0.19
        for first, last, status in row.spans:
            left, right = axis.x(first), axis.x(last + 1)
            words = f"{row.title}: {_day_range(first, last)}"
            if status != ADVISED:
                words += f" ({STATUS_TEXT[status].lower()})"
            opacity = "0.9" if status == ADVISED else "0.55"
            shape = _rect(left, top, right - left, ROW * 0.62, fill=colour, fill_opacity=opacity)
            if status in STATUS_PATTERN:
                shape += _rect(left, top, right - left, ROW * 0.62, fill=f"url(#{STATUS_PATTERN[status]})")
            outline = _rect(left, top, right - left, ROW * 0.62, fill="none", stroke=INK, stroke_width="0.6")
            parts.append(f"<g><title>{escape(words)}</title>{shape}{outline}</g>")

    if plan.gate.replaces_plan:
        words = f"Self-care plan on hold. {plan.gate.title}"
        width = len(words) * BOLD_CHARACTER + 24
        centre = (axis.left + axis.right) / 2
        parts.append(
            _rect(centre - width / 2, middle(count - 1) - 12, width, 24, fill="#ffe9e9", stroke="#a50000", rx="6")
        )
        parts.append(_text(centre, middle(count - 1) + 4, words, text_anchor="middle", font_weight="bold"))

    # The day axis.
    parts.append(
        f'<line x1="{_number(axis.left)}" y1="{bottom}" x2="{_number(axis.right)}" y2="{bottom}" stroke="{INK}"/>'
    )
    for tick in (tick for tick in DAY_TICKS if tick <= days):
        x = _number(axis.x(tick))
        parts.append(f'<line x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 5}" stroke="{INK}"/>')
        parts.append(_text(axis.x(tick), bottom + 18, str(tick), text_anchor="middle"))
    parts.append(
        _text(
            (axis.left + axis.right) / 2,
            bottom + 36,
            "Days since onset (square-root scale, so the first days get more room)",
            text_anchor="middle",
        )
    )

    column_width = (WIDTH - 32) / LEGEND_COLUMNS
    legend_top = bottom + AXIS_SPACE + 8
    for number, (fill, label) in enumerate(layout.legend):
        x = 16 + column_width * (number % LEGEND_COLUMNS)
        y = legend_top + LEGEND_ROW * (number // LEGEND_COLUMNS)
        parts.append(_rect(x, y, 14, 14, fill=fill, stroke=INK, stroke_width="0.6"))
        parts.append(_text(x + 20, y + 12, label))

    if mark_day:
        parts.append(_day_marker(axis, plan.scenario.days_since_onset, bottom))

    text = description if description is not None else timeline_text(plan, content, days, mark_day)
    return (
        f'<svg class="bc-timeline-svg" role="img" viewBox="0 0 {WIDTH} {_number(layout.height)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12.5" fill="currentColor" '
        'style="color:var(--jp-content-font-color1, #1a1a1a);background:var(--jp-layout-color0, #ffffff);'
        'font-family:sans-serif">'
        f"<title>{escape(text)}</title>{''.join(parts)}</svg>"
    )


def day_marker_svg(layout: TimelineLayout, day: int) -> str:
    """Only the day marker, in an SVG the size of the timeline picture, to lay over one drawn
    without it (``mark_day=False``): moving the day then redraws a few hundred bytes, not the
    whole picture."""
    return (
        f'<svg class="bc-timeline-marker" role="img" aria-label="Day {day} marked on the timeline" '
        f'viewBox="0 0 {WIDTH} {_number(layout.height)}" xmlns="http://www.w3.org/2000/svg" font-size="12.5" '
        'style="color:var(--jp-content-font-color1, #1a1a1a);font-family:sans-serif">'
        f"{_day_marker(layout.axis, day, layout.bottom)}</svg>"
    )


def _day_marker(axis: _Axis, day: int, bottom: float) -> str:
    """A vertical line at ``day`` (at the right end, with an arrow, past the axis) and its label."""
    x = axis.x(day)
    words = f"Day {day}" + (" →" if day > axis.days else "")
    width = len(words) * BOLD_CHARACTER + 10
    # Keep the label inside the picture: centred on the line, or ending at it near the right edge.
    left = x - width if x + width / 2 > WIDTH - 4 else x - width / 2
    return (
        '<g class="bc-day-marker">'
        f'<line x1="{_number(x)}" y1="{TOP - 8}" x2="{_number(x)}" y2="{bottom}" '
        'stroke="currentColor" stroke-width="2.5"/>'
        + _rect(left, TOP - 28, width, 20, fill="#ffffff", stroke="#000000", rx="4")
        + _text(left + width / 2, TOP - 14, words, text_anchor="middle", font_weight="bold", fill="#000000")
        + "</g>"
    )
