"""The timeline chart: what applies on which day since onset, drawn with matplotlib (offline).

Pure functions: a plan and the content in, a figure, PNG bytes or a text alternative out. They use
:class:`matplotlib.figure.Figure` directly (never pyplot), so they keep no global state and work
under any backend. Colours come from the Okabe-Ito palette, which colour-blind viewers can tell
apart, and nothing is told by colour alone: every row is labelled and each status has its own
hatch pattern.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from backcare_nb.content import Content
from backcare_nb.plan import ADVISED, AVOID, CHECK_FIRST, STATUS_TEXT, Plan, Stage, build_plan, stage_for_day
from backcare_nb.render import EPISODE_LABELS

#: Okabe & Ito (2008) colours, safe for the common kinds of colour blindness, in category order.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
#: Status is shown by pattern as well as in words, so it never depends on colour.
STATUS_HATCH = {ADVISED: "", CHECK_FIRST: "///", AVOID: "xxx"}
STATUS_LEGEND = {ADVISED: "Advised", CHECK_FIRST: "Check with a prescriber first", AVOID: "Not advised"}
# Ticks a clinician thinks in: the first days, one week, two and four weeks, and 12 weeks.
DAY_TICKS = (0, 2, 7, 14, 28, 56, 84, 120, 180, 365)
DPI = 100
WIDTH_INCHES = 10.0
ROW_INCHES = 0.27
TOP_INCHES = 0.65  # title and the day marker's label
BOTTOM_INCHES = 1.05  # day axis, its label and the legend
LANE_TEXT = {"ha": "center", "va": "center", "fontsize": 7.5, "clip_on": True}
# Average width of a character at the lane font size, in inches, to decide whether a label fits.
LANE_CHARACTER_INCHES = 0.056


EPISODE_PHRASES = {"first": "a first episode", "recurrent": "recurrent episodes"}


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

    The plan only changes at an article stage boundary, so one plan per stage is enough: the
    scenario is the plan's with the day moved to each stage's first day. Rows come in the
    content's category order.
    """
    spans: dict[str, list[tuple[int, int, str]]] = {}
    first_seen: dict[str, tuple[int, int, str, str, str]] = {}
    category_order = {row["id"]: int(row["order"]) for row in content.records["categories"]}
    for stage in article_stages(content, days):
        scenario = replace(plan.scenario, days_since_onset=stage.day_min, case=None)
        stage_plan = plan if plan.stage.id == stage.id else build_plan(scenario, content)
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


def _category_colours(content: Content) -> dict[str, str]:
    ordered = sorted(content.records["categories"], key=lambda row: int(row["order"]))
    return {row["id"]: OKABE_ITO[number % len(OKABE_ITO)] for number, row in enumerate(ordered)}


def _fitting_label(stage: Stage, days: int, axes_fraction: float) -> str:
    """The stage's label, without its bracketed part when the lane is too narrow to hold it all."""
    share = (np.sqrt(min(stage.day_max + 1, days)) - np.sqrt(stage.day_min)) / np.sqrt(days)
    room = share * axes_fraction * WIDTH_INCHES
    if len(stage.label) * LANE_CHARACTER_INCHES <= room:
        return stage.label
    return stage.label.split(" (")[0]


def _day_range(first: int, last: int) -> str:
    return f"day {first}" if first == last else f"days {first}-{last}"


def timeline_figure(plan: Plan, content: Content, days: int = 120, mark_day: bool = True) -> Figure:
    """The timeline as a matplotlib Figure.

    Top lanes show the article's stages and the guideline bands; below, one row per item, grouped
    under its category, with a bar over the days it applies (hatched when a caution changes it).
    The scenario's day is marked with a vertical line (at the right edge, with an arrow, when it
    is past ``days``) unless ``mark_day`` is false. The day axis is on a square-root scale so the
    first week gets room.
    """
    rows = [] if plan.gate.holds_self_care else timeline_rows(plan, content, days)
    colours = _category_colours(content)

    # Lay out the rows top to bottom: two lanes, then category headers with their items.
    labels: list[tuple[str, bool]] = [("Article stage", True), ("Guidelines", True)]
    bars: list[tuple[int, TimelineRow]] = []
    category = None
    for row in rows:
        if row.category != category:
            category = row.category
            labels.append((row.category_label, True))
        bars.append((len(labels), row))
        labels.append((row.title, False))
    if plan.gate.holds_self_care:
        labels.append(("", False))
    count = len(labels)

    # Fixed margins in inches rather than a layout engine: the layout engine doubled the drawing time.
    height = TOP_INCHES + BOTTOM_INCHES + ROW_INCHES * count
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    axes = figure.add_subplot()
    axes.set_xscale("function", functions=(np.sqrt, np.square))
    axes.set_xlim(0, days)
    axes.set_ylim(count - 0.5, -0.5)
    axes.set_yticks(range(count), [label for label, _ in labels])
    for tick, (_, bold) in zip(axes.get_yticklabels(), labels, strict=True):
        tick.set_fontweight("bold" if bold else "normal")
    renderer = FigureCanvasAgg(figure).get_renderer()
    label_inches = max(tick.get_window_extent(renderer).width for tick in axes.get_yticklabels()) / DPI
    figure.subplots_adjust(
        left=(label_inches + 0.15) / WIDTH_INCHES,
        right=1 - 0.25 / WIDTH_INCHES,
        top=1 - TOP_INCHES / height,
        bottom=BOTTOM_INCHES / height,
    )
    ticks = [tick for tick in DAY_TICKS if tick <= days]
    axes.set_xticks(ticks, [str(tick) for tick in ticks])
    axes.set_xlabel("Days since onset (square-root scale, so the first days get more room)")
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)

    stages = article_stages(content, days)
    for number, stage in enumerate(stages):
        # Light alternating shading marks the article's stages across every row.
        axes.axvspan(stage.day_min, stage.day_max + 1, color="#000000", alpha=0.06 if number % 2 == 0 else 0.0)
    for lane, spans, face in ((0, stages, "#d9d9d9"), (1, guideline_bands(content, days), "#f0f0f0")):
        for stage in spans:
            end = min(stage.day_max + 1, days)
            axes.barh(lane, end - stage.day_min, left=stage.day_min, height=0.8, color=face, edgecolor="#404040")
            middle = float(np.square((np.sqrt(stage.day_min) + np.sqrt(end)) / 2))
            axes.text(middle, lane, _fitting_label(stage, days, 1 - label_inches / WIDTH_INCHES), **LANE_TEXT)
    for band in guideline_bands(content, days)[1:]:
        # Below the lanes only, so the dotted lines never run through a lane's label.
        axes.vlines(band.day_min, 1.5, count - 0.5, color="#404040", linestyle=":", linewidth=1)

    for y, row in bars:
        colour = colours.get(row.category, OKABE_ITO[-1])
        for first, last, status in row.spans:
            end = min(last + 1, days)
            axes.barh(
                y,
                end - first,
                left=first,
                height=0.62,
                color=colour,
                alpha=0.9 if status == ADVISED else 0.55,
                hatch=STATUS_HATCH[status],
                edgecolor="#1a1a1a",
                linewidth=0.6,
            )

    if plan.gate.holds_self_care:
        axes.text(
            float(np.square(np.sqrt(days) / 2)),
            count - 1,
            f"Self-care plan on hold. {plan.gate.title}",
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
            bbox={"facecolor": "#ffe9e9", "edgecolor": "#a50000", "boxstyle": "round,pad=0.4"},
        )

    if mark_day:
        _mark_day(axes, plan.scenario.days_since_onset, days)

    legend = [
        Patch(facecolor=colours.get(cid, OKABE_ITO[-1]), edgecolor="#1a1a1a", label=label)
        for cid, label in dict.fromkeys((row.category, row.category_label) for row in rows)
    ]
    statuses = {status for row in rows for _, _, status in row.spans}
    legend += [
        Patch(facecolor="white", edgecolor="#1a1a1a", hatch=STATUS_HATCH[status], label=STATUS_LEGEND[status])
        for status in (ADVISED, CHECK_FIRST, AVOID)
        if status in statuses and len(statuses) > 1
    ]
    if legend:
        figure.legend(handles=legend, loc="lower center", ncols=min(len(legend), 4), fontsize=8, frameon=False)
    episode = EPISODE_LABELS[plan.scenario.episode].lower()
    figure.suptitle(f"What applies when: {episode}, days 0-{days}", fontsize=11, fontweight="bold")
    return figure


def _mark_day(axes: Axes, day: int, days: int) -> None:
    marker = min(day, days)
    axes.axvline(marker, color="#000000", linewidth=2.2)
    axes.annotate(
        f"Day {day}" + (" →" if day > days else ""),
        xy=(marker, -0.5),
        xytext=(0, 4),
        textcoords="offset points",
        ha="right" if day > days * 0.8 else "center",
        va="bottom",
        fontsize=9,
        fontweight="bold",
        annotation_clip=False,
        bbox={"facecolor": "white", "edgecolor": "#000000", "boxstyle": "round,pad=0.2"},
    )


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # A lighter compression level: the PNG is a little larger but is written in a fraction of the time.
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def timeline_png(plan: Plan, content: Content, days: int = 120) -> bytes:
    """The timeline figure as PNG bytes, with the day marked (see :func:`timeline_figure`)."""
    return _png(timeline_figure(plan, content, days))


@dataclass(frozen=True)
class TimelineImage:
    """The timeline without its day marker, and where its plot area sits in the picture.

    The picture depends on the episode, the gate and the cautions but not on the day, so the
    dashboard draws it once per combination and places the day marker over it in HTML: moving
    the day then costs no drawing at all. Fractions are of the picture's width and height,
    measured from its left and top edges.
    """

    png: bytes
    days: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float

    def day_fraction(self, day: int) -> float:
        """Where ``day`` falls across the picture (0 = left edge, 1 = right edge); past ``days``
        it sits at the right end of the axis, as the drawn marker does."""
        share = float(np.sqrt(min(max(day, 0), self.days)) / np.sqrt(self.days))
        return self.plot_left + (self.plot_right - self.plot_left) * share


def timeline_image(plan: Plan, content: Content, days: int = 120) -> TimelineImage:
    """The unmarked timeline as a :class:`TimelineImage` (the day is placed by the caller)."""
    figure = timeline_figure(plan, content, days, mark_day=False)
    box = figure.axes[0].get_position()
    return TimelineImage(
        png=_png(figure),
        days=days,
        plot_left=float(box.x0),
        plot_right=float(box.x1),
        plot_top=float(1 - box.y1),
        plot_bottom=float(1 - box.y0),
    )


def timeline_text(plan: Plan, content: Content, days: int = 120) -> str:
    """A text alternative to the timeline chart, saying in words what the picture shows."""
    day = plan.scenario.days_since_onset
    episode = EPISODE_PHRASES[plan.scenario.episode]
    parts = [f"Timeline of days 0 to {days} since onset for {episode}; the current day, {day}, is marked."]
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
    if plan.gate.holds_self_care:
        parts.append(f"The self-care plan is on hold: {plan.gate.title}.")
        return " ".join(parts)
    by_span: dict[tuple[int, int], list[str]] = {}
    for row in timeline_rows(plan, content, days):
        for first, last, status in row.spans:
            title = f"{row.title} ({STATUS_TEXT[status].lower()})" if status != ADVISED else row.title
            by_span.setdefault((first, last), []).append(title)
    for (first, last), titles in sorted(by_span.items()):
        parts.append(f"{_day_range(first, last).capitalize()}: {', '.join(titles)}.")
    return " ".join(parts)
