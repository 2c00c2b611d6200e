"""The evidence lens: the article's advice against the guidelines and reviews, claim by claim.

Pure functions over the validated content, no widgets. Plain rows (lists of dicts) for the app, so
the lens runs where there is no pandas or matplotlib (the static site's Python in the browser) and a
dashboard kernel that opens it imports neither; DataFrames and a matplotlib figure for notebooks:

- :func:`evidence_rows` (:func:`evidence_table` as a DataFrame): one row per row of
  data/evidence.csv, with the article's claim and dose, the source's position, the verdict
  (agrees / goes beyond / conflicts) and the certainty.
- :func:`reconcile_day` and :func:`reconcile_table`: the article's stage and the guideline band for
  a day, side by side (the article's "acute" is only the first week of the guidelines' acute band).
- :func:`effect_size_rows` (:func:`effect_sizes` as a DataFrame), :func:`effect_size_svg`,
  :func:`effect_size_figure` and :func:`effect_size_text`: the effect sizes in data/ against their
  minimal important difference (MID), with certainty, as rows, as an SVG picture written by hand
  (the app's), as a matplotlib chart (for notebooks) and as their text alternative.

The matplotlib figure is built without pyplot, so nothing here needs a display or a backend
setting, and no figure is left open in a global registry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from backcare_nb import svg
from backcare_nb.content import Content
from backcare_nb.plan import Origin, Stage, format_dose, stage_for_day

# pandas and matplotlib are imported only when a notebook asks for a DataFrame or the matplotlib chart:
# a dashboard's page waits for its kernel, they cost that kernel about half a second, and the static
# site's Python in the browser has neither.
if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

VERDICT_LABELS = {
    "agrees": "Agrees",
    "goes_beyond": "Goes beyond",
    "conflicts": "Conflicts",
    "added": "Added: not in the article",
}
VERDICT_MEANINGS = {
    "agrees": "the source supports what the article says",
    "goes_beyond": "the article says more than the source supports (or the source is silent)",
    "conflicts": "the source advises against what the article says",
    "added": "the article does not mention this item; the project adds it from the source",
}
CERTAINTY_LABELS = {
    "high": "High",
    "moderate": "Moderate",
    "low": "Low",
    "very_low": "Very low",
    "not_graded": "Not graded",
}
STANCE_LABELS = {
    "recommends": "Recommends",
    "supports": "Supports",
    "option": "An option",
    "small_effect": "Small effect",
    "no_difference": "No better than the alternatives",
    "insufficient": "Insufficient evidence",
    "no_recommendation": "No recommendation",
    "convention": "Convention, not from trials",
    "against": "Against",
}
# Okabe-Ito colours (safe for the common colour-vision deficiencies), darkest for the most certain;
# each certainty also has its own hatch and is written out, so colour is never the only cue.
CERTAINTY_STYLE = {
    "high": ("#0072B2", ""),
    "moderate": ("#009E73", "//"),
    "low": ("#E69F00", ".."),
    "very_low": ("#D55E00", "xx"),
    "not_graded": ("#999999", "--"),
}
MID_COLOUR = "#000000"

EVIDENCE_COLUMNS = [
    "intervention_id",
    "intervention",
    "origin",
    "article_claim",
    "article_dose",
    "source_id",
    "citation",
    "position",
    "verdict",
    "certainty",
    "finding",
    "outcome",
    "effect",
    "ci_low",
    "ci_high",
    "mid",
]


def _number_or_none(value: Any) -> float | None:
    # The loader gives floats or None for blank cells; a number written as text reads the same.
    return None if value is None or value == "" else float(value)


def evidence_rows(content: Content) -> list[dict[str, Any]]:
    """The article's advice against each source, one dict per row of data/evidence.csv, in file order.

    Returns
    -------
    list of dict
        Keys as :data:`EVIDENCE_COLUMNS`: ``intervention_id``, ``intervention`` (its title),
        ``origin``, ``article_claim`` (the article's reason for it), ``article_dose`` (dose and
        repeats in words), ``source_id``, ``citation``, ``position`` (what the source says, e.g.
        "An option"), ``verdict`` ("Agrees", "Goes beyond" or "Conflicts"), ``certainty`` ("High"
        ... "Not graded"), ``finding``, ``outcome`` (text, "" when none), ``effect`` and ``mid``
        (``float`` or ``None``).
    """
    interventions = {row["id"]: row for row in content.records["interventions"]}
    citations = {row["id"]: row["citation"] for row in content.records["references"]}
    shorts = {row["id"]: row["short"] for row in content.records["references"]}
    rows = []
    for row in content.records["evidence"]:
        intervention = interventions[row["intervention_id"]]
        rows.append(
            {
                "intervention_id": row["intervention_id"],
                "intervention": intervention["title"],
                # The same words the plan prints: the lens and the plan never disagree on where advice comes from.
                "origin": Origin(intervention["source_id"], shorts[intervention["source_id"]]).label,
                "article_claim": intervention["rationale"],
                "article_dose": format_dose(intervention),
                "source_id": row["source_id"],
                "citation": citations[row["source_id"]],
                "position": STANCE_LABELS[row["stance"]],
                "verdict": VERDICT_LABELS[row["verdict"]],
                "certainty": CERTAINTY_LABELS[row["certainty"]],
                "finding": row["finding"],
                "outcome": row["outcome"] or "",
                "effect": _number_or_none(row["effect"]),
                "ci_low": _number_or_none(row["ci_low"]),
                "ci_high": _number_or_none(row["ci_high"]),
                "mid": _number_or_none(row["mid"]),
            }
        )
    return rows


def evidence_table(content: Content) -> pd.DataFrame:
    """:func:`evidence_rows` as a DataFrame (columns :data:`EVIDENCE_COLUMNS`; ``effect`` and ``mid``
    are nullable ``Float64``, missing where the row has no number)."""
    import pandas as pd

    frame = pd.DataFrame(evidence_rows(content), columns=EVIDENCE_COLUMNS)
    for column in ("effect", "ci_low", "ci_high", "mid"):
        frame[column] = pd.to_numeric(frame[column]).astype("Float64")
    return frame


# --- time definitions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayReconciliation:
    """The article's stage and the guideline band for one day, and whether their names agree."""

    day: int
    article_stage: Stage
    guideline_band: Stage
    names_differ: bool

    @property
    def note(self) -> str:
        """One sentence for the viewer on how the two labels relate on this day."""
        article, band = self.article_stage, self.guideline_band
        if self.names_differ:
            return (
                f"On day {self.day} the labels differ: {article.label} in the article, {band.label} by the "
                "guidelines. The same person, two names."
            )
        return f"On day {self.day} the labels agree: {article.label} in the article, {band.label} by the guidelines."


def _stage_words(stage: Stage) -> set[str]:
    # Stage ids name their span: "acute", "subacute_chronic", "guideline_subacute".
    return set(stage.id.split("_")) - {"guideline"}


def reconcile_day(day: int, content: Content) -> DayReconciliation:
    """The article's stage and the guideline band for ``day`` (0-365), side by side.

    ``names_differ`` is true when the guideline band's name is not part of the article stage's
    name: on days 8-27 the article says "sub-acute and chronic" and the guidelines say "acute".
    """
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 365:
        raise ValueError(f"day must be a whole number from 0 to 365, not {day!r}")
    article = stage_for_day(day, content, "article")
    band = stage_for_day(day, content, "guideline")
    return DayReconciliation(day, article, band, names_differ=not _stage_words(band) <= _stage_words(article))


def boundary_days(content: Content) -> tuple[int, ...]:
    """Every first and last day of a stage or band in data/stages.csv, sorted."""
    stages = content.records["stages"]
    return tuple(sorted({int(row["day_min"]) for row in stages} | {int(row["day_max"]) for row in stages}))


def reconcile_table(content: Content, days: Iterable[int] | None = None) -> pd.DataFrame:
    """:func:`reconcile_day` for several days (default: every stage boundary), one row a day.

    Columns: ``day``, ``article_stage``, ``article_days``, ``guideline_band``, ``guideline_days``,
    ``names_differ``.
    """
    rows = []
    for day in boundary_days(content) if days is None else days:
        result = reconcile_day(int(day), content)
        article, band = result.article_stage, result.guideline_band
        rows.append(
            {
                "day": result.day,
                "article_stage": article.label,
                "article_days": f"{article.day_min}-{article.day_max}",
                "guideline_band": band.label,
                "guideline_days": f"{band.day_min}-{band.day_max}",
                "names_differ": result.names_differ,
            }
        )
    import pandas as pd

    return pd.DataFrame(
        rows, columns=["day", "article_stage", "article_days", "guideline_band", "guideline_days", "names_differ"]
    )


# --- effect sizes against the minimal important difference ------------------------------------------


EFFECT_SIZE_COLUMNS = [
    "intervention",
    "outcome",
    "source_id",
    "effect",
    "ci_low",
    "ci_high",
    "mid",
    "certainty_id",
    "certainty",
    "share_of_mid",
    "reaches_mid",
]


def effect_size_rows(content: Content) -> list[dict[str, Any]]:
    """The rows of data/evidence.csv that have both an effect and a MID, with readable labels.

    Keys as :data:`EFFECT_SIZE_COLUMNS`: ``intervention``, ``outcome``, ``source_id``, ``effect``,
    its 95% confidence interval ``ci_low`` and ``ci_high`` (``None`` when the source gives none)
    and ``mid`` (floats), ``certainty_id`` (e.g. "very_low"), ``certainty`` (e.g. "Very low"),
    ``share_of_mid`` (effect / MID) and ``reaches_mid`` (effect >= MID).
    """
    rows = []
    for source, row in zip(content.records["evidence"], evidence_rows(content), strict=True):
        effect, mid = row["effect"], row["mid"]
        if effect is None or mid is None:
            continue
        rows.append(
            {
                "intervention": row["intervention"],
                "outcome": row["outcome"],
                "source_id": row["source_id"],
                "effect": effect,
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "mid": mid,
                "certainty_id": source["certainty"],
                "certainty": row["certainty"],
                # A MID of 0 is allowed by the loader; divide as pandas did rather than fail.
                "share_of_mid": effect / mid if mid else (math.nan if effect == 0 else math.inf),
                "reaches_mid": effect >= mid,
            }
        )
    return rows


def effect_sizes(content: Content) -> pd.DataFrame:
    """:func:`effect_size_rows` as a DataFrame (``effect`` and ``mid`` ``Float64``, ``share_of_mid``
    float, ``reaches_mid`` nullable boolean)."""
    import pandas as pd

    frame = pd.DataFrame(effect_size_rows(content), columns=EFFECT_SIZE_COLUMNS)
    return frame.astype(
        {
            "effect": "Float64",
            "ci_low": "Float64",
            "ci_high": "Float64",
            "mid": "Float64",
            "share_of_mid": float,
            "reaches_mid": "boolean",
        }
    )


def _number(value: float) -> str:
    return f"{value:g}"


def effect_size_text(content: Content) -> str:
    """The text alternative to :func:`effect_size_svg` and :func:`effect_size_figure`: one sentence
    per effect, in order."""
    return _effects_in_words(effect_size_rows(content))


def _effects_in_words(rows: list[dict[str, Any]]) -> str:
    lines = [f"{CHART_TITLE}. {MEAN_VERSUS_MID}"]
    lines += [f"- {_effect_sentence(row)}" for row in rows]
    return "\n".join(lines)


def _interval(row: dict[str, Any]) -> str:
    if row["ci_low"] is None:
        return ""
    return f" (95% CI {row['ci_low']:.1f} to {row['ci_high']:.1f})"


def _effect_sentence(row: dict[str, Any]) -> str:
    """One row of :func:`effect_size_rows` in words (a line of the text, a bar's tooltip)."""
    verdict = "reaches" if row["reaches_mid"] else "falls short of"
    return (
        f"{row['intervention']}, {row['outcome']}: a mean improvement of {row['effect']:.1f}{_interval(row)} "
        f"against a MID of {_number(row['mid'])}, so the mean {verdict} the MID ({row['share_of_mid']:.0%} of it); "
        f"certainty {row['certainty'].lower()} ({row['source_id']})."
    )


def _effect_label(row: dict[str, Any]) -> str:
    return f"{row['effect']:.1f}; certainty: {row['certainty'].lower()}"


# The chart's own words, the same in the SVG picture and the matplotlib figure.
CHART_TITLE = "Effect size against the minimal important difference (MID)"
CHART_FOOTNOTE = (
    "Bar: mean improvement; whisker: its 95% confidence interval; colour, hatch and words: certainty. Dashed line: MID."
)
#: What the comparison means: a trial's mean against a difference one person notices.
MEAN_VERSUS_MID = (
    "Each bar is a mean over everyone in the trials, set against the minimal important difference (MID), the "
    "smallest change one person notices: a mean below the MID does not mean that nobody benefits, only that the "
    "average person gains less than a noticeable change."
)
NO_EFFECT_SIZES = "No effect sizes in data/evidence.csv"


# --- the chart as SVG (the app's: no plotting library) ----------------------------------------------

# Geometry in SVG user units: the picture is 800 wide and shown at least that wide on a laptop, so
# 12.5-unit text is 12.5 CSS px or more (panels.CSS sizes it).
SVG_WIDTH = 800
SVG_TOP = 44  # the title
PANEL_HEIGHT = 118  # one effect: its labels, the bar, the axis and the axis title
FOOT_HEIGHT = 30
BAR_HEIGHT = 30
# Average glyph widths of a sans-serif face (DejaVu Sans, Chromium's on Linux, is among the widest),
# to size the label column and keep labels apart; SVG written by hand has no font metrics.
CHARACTER = 7.2  # 13 px
BOLD_CHARACTER = 8.0  # 13 px bold
# Lines and text take the page's text colour, so one picture reads in light and dark themes.
INK = "currentColor"
# matplotlib's hatch strings in CERTAINTY_STYLE as SVG pattern tiles in the ink colour:
# (the pattern's extra attributes, the tile). Lines run through the tile's middle, not its edge,
# where half their width would be cut off.
_HATCH_TILES = {
    "//": (' patternTransform="rotate(45)"', f'<line x1="4" y1="0" x2="4" y2="8" stroke="{INK}" stroke-width="1.3"/>'),
    "xx": (
        ' patternTransform="rotate(45)"',
        f'<line x1="4" y1="0" x2="4" y2="8" stroke="{INK}" stroke-width="1.3"/>'
        f'<line x1="0" y1="4" x2="8" y2="4" stroke="{INK}" stroke-width="1.3"/>',
    ),
    "..": ("", f'<circle cx="4" cy="4" r="1.4" fill="{INK}"/>'),
    "--": ("", f'<line x1="0" y1="4" x2="8" y2="4" stroke="{INK}" stroke-width="1.3"/>'),
}


def _line(x1: float, y1: float, x2: float, y2: float, **attributes: str) -> str:
    return svg.line(x1, y1, x2, y2, **{"stroke": INK, **attributes})


def _ticks(limit: float) -> list[float]:
    """A few round ticks from 0 to ``limit``: steps of 1, 2, 2.5 or 5 times a power of ten."""
    rough = limit / 8  # as many ticks as the matplotlib chart has
    power = 10 ** math.floor(math.log10(rough))
    step = next(factor * power for factor in (1, 2, 2.5, 5, 10) if factor * power >= rough)
    return [round(number * step, 10) for number in range(int(limit / step + 1e-9) + 1)]


def _hatch_pattern(certainty_id: str) -> str:
    """The ``<pattern>`` of a certainty's hatch, or "" when it has none (high certainty is plain)."""
    _, hatch = CERTAINTY_STYLE.get(certainty_id, CERTAINTY_STYLE["not_graded"])
    if hatch not in _HATCH_TILES:
        return ""
    transform, tile = _HATCH_TILES[hatch]
    return (
        f'<pattern id="bc-certainty-{certainty_id}" width="8" height="8" patternUnits="userSpaceOnUse"'
        f"{transform}>{tile}</pattern>"
    )


def _effect_panel(row: dict[str, Any], top: float, left: float, right: float) -> str:
    """One effect: the bar, the dashed MID line, their labels, the row label and the axis."""
    effect, mid = row["effect"], row["mid"]
    # As the matplotlib chart: room to the right of the effect, its interval and the MID.
    limit = max(effect, mid, row["ci_high"] or 0.0) * 1.6 or 1.0

    def x(value: float) -> float:
        return left + (right - left) * value / limit

    labels_y, bar_top = top + 16, top + 26
    axis_y = bar_top + BAR_HEIGHT + 8
    colour, _ = CERTAINTY_STYLE.get(row["certainty_id"], CERTAINTY_STYLE["not_graded"])
    pattern = _hatch_pattern(row["certainty_id"])
    parts = [
        svg.text(left - 10, bar_top + BAR_HEIGHT / 2 - 3, _short(row["intervention"]), text_anchor="end"),
        svg.text(left - 10, bar_top + BAR_HEIGHT / 2 + 14, row["outcome"], text_anchor="end"),
    ]
    bar = svg.rect(left, bar_top, x(effect) - left, BAR_HEIGHT, fill=colour)
    if pattern:
        bar += svg.rect(left, bar_top, x(effect) - left, BAR_HEIGHT, fill=f"url(#bc-certainty-{row['certainty_id']})")
    bar += svg.rect(left, bar_top, x(effect) - left, BAR_HEIGHT, fill="none", stroke=INK, stroke_width="1")
    parts.append(f'<g class="bc-effect-bar"><title>{escape(_effect_sentence(row))}</title>{bar}</g>')
    if row["ci_low"] is not None:
        middle = bar_top + BAR_HEIGHT / 2
        low, high = x(max(row["ci_low"], 0.0)), x(row["ci_high"])
        whisker = _line(low, middle, high, middle, stroke_width="2")
        whisker += _line(low, middle - 7, low, middle + 7, stroke_width="2")
        whisker += _line(high, middle - 7, high, middle + 7, stroke_width="2")
        parts.append(f'<g class="bc-effect-ci">{whisker}</g>')

    # Both labels sit above the bar, so neither crosses the MID line; when the MID is so far left
    # that its label would run into the effect's, the effect's label moves right past it.
    mid_x, mid_label = x(mid), f"MID {_number(mid)}"
    effect_label = _effect_label(row)
    effect_x = left + 2
    if mid_x + 6 < effect_x + len(effect_label) * CHARACTER + 10:
        effect_x = max(effect_x, mid_x + 6 + len(mid_label) * BOLD_CHARACTER + 14)
    parts.append(svg.text(effect_x, labels_y, effect_label))
    parts.append(
        f'<g class="bc-mid">{_line(mid_x, top + 2, mid_x, axis_y, stroke_width="2", stroke_dasharray="6 4")}'
        f"{svg.text(mid_x + 6, labels_y, mid_label, font_weight='bold')}</g>"
    )

    # The axis: the zero line, ticks, and what is measured, from which source.
    parts.append(_line(left, bar_top - 4, left, axis_y))
    parts.append(_line(left, axis_y, right, axis_y))
    for tick in _ticks(limit):
        parts.append(_line(x(tick), axis_y, x(tick), axis_y + 5))
        parts.append(svg.text(x(tick), axis_y + 20, _number(tick), text_anchor="middle", font_size="12.5"))
    parts.append(
        svg.text(
            (left + right) / 2,
            axis_y + 39,
            f"Improvement, {row['outcome']} ({row['source_id']})",
            text_anchor="middle",
            font_size="12.5",
        )
    )
    return f'<g class="bc-effect" data-source="{escape(row["source_id"])}">{"".join(parts)}</g>'


def effect_size_svg(content: Content) -> str:
    """The effect sizes against their MIDs as an inline SVG element (the app's chart).

    The same picture as :func:`effect_size_figure`, written by hand so it needs neither matplotlib
    nor pandas: one panel per row of :func:`effect_size_rows`, each on its own axis (outcomes have
    different scales), with a bar for the effect (Okabe-Ito colour and a hatch by certainty, and
    the certainty in words above it) and a dashed line at the MID labelled "MID 10". Lines and
    text are drawn in ``currentColor``, so one picture reads in light and dark themes. Its
    accessible name is :func:`effect_size_text`; each bar also says its sentence when pointed at.
    """
    rows = effect_size_rows(content)
    parts = [svg.text(SVG_WIDTH / 2, 26, CHART_TITLE, text_anchor="middle", font_size="15", font_weight="bold")]
    if rows:
        labels = [label for row in rows for label in (_short(row["intervention"]), row["outcome"])]
        left = min(max(len(label) for label in labels) * CHARACTER, 300) + 26
        right = SVG_WIDTH - 24  # room for the last tick's label
        certainties = dict.fromkeys(row["certainty_id"] for row in rows)
        parts.insert(0, f"<defs>{''.join(_hatch_pattern(certainty_id) for certainty_id in certainties)}</defs>")
        for number, row in enumerate(rows):
            parts.append(_effect_panel(row, SVG_TOP + PANEL_HEIGHT * number, left, right))
        bottom = SVG_TOP + PANEL_HEIGHT * len(rows)
        parts.append(svg.text(SVG_WIDTH / 2, bottom + 14, CHART_FOOTNOTE, text_anchor="middle", font_size="12.5"))
        height = bottom + FOOT_HEIGHT
    else:
        parts.append(svg.text(SVG_WIDTH / 2, SVG_TOP + 30, NO_EFFECT_SIZES, text_anchor="middle"))
        height = SVG_TOP + 60
    return (
        f'<svg class="bc-effect-svg" role="img" viewBox="0 0 {SVG_WIDTH} {svg.number(height)}" '
        'xmlns="http://www.w3.org/2000/svg" font-size="13" fill="currentColor" '
        'style="color:var(--jp-content-font-color1, #1a1a1a);background:var(--jp-layout-color0, #ffffff);'
        'font-family:sans-serif">'
        f"<title>{escape(_effects_in_words(rows))}</title>{''.join(parts)}</svg>"
    )


#: Colours of the dark version of the chart (JupyterLab's dark theme), so it is not a white block there.
DARK_CHART = {"background": "#1e1e1e", "ink": "#f0f0f0"}


def effect_size_figure(content: Content, width: float = 8.0, dark: bool = False) -> Figure:
    """A chart of each effect size against its MID, one panel per outcome in its own units.

    Each panel has a horizontal bar for the effect (colour and hatch by certainty, with the
    certainty written beside it) and a dashed black line at the MID labelled "MID 10". Outcomes
    are measured on different scales (pain out of 100, disability on the 24-point Roland-Morris
    questionnaire), so each panel keeps its own axis rather than squeezing them onto one.
    """
    import matplotlib

    ink = DARK_CHART["ink"] if dark else "#000000"
    style = {"text.color": ink, "axes.labelcolor": ink, "xtick.color": ink, "ytick.color": ink, "axes.edgecolor": ink}
    with matplotlib.rc_context(style):
        figure = _effect_size_figure(content, width, ink)
    if dark:
        figure.patch.set_facecolor(DARK_CHART["background"])
        for ax in figure.axes:
            ax.set_facecolor(DARK_CHART["background"])
    return figure


def _effect_size_figure(content: Content, width: float, ink: str) -> Figure:
    table = effect_sizes(content)
    panels = max(len(table), 1)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, 0.5 + 1.25 * panels), layout="constrained")
    figure.suptitle(CHART_TITLE, fontsize=12)
    axes = figure.subplots(panels, 1, squeeze=False)[:, 0]
    if table.empty:
        axes[0].set_axis_off()
        axes[0].text(0.5, 0.5, NO_EFFECT_SIZES, ha="center", va="center")
        return figure
    for ax, row in zip(axes, table.itertuples(), strict=True):
        colour, hatch = CERTAINTY_STYLE.get(row.certainty_id, CERTAINTY_STYLE["not_graded"])
        effect, mid = float(row.effect), float(row.mid)
        ax.barh([0], [effect], height=0.6, color=colour, hatch=hatch, edgecolor="#000000", linewidth=0.8)
        high = effect
        if not _missing(row.ci_low):
            low, high = float(row.ci_low), float(row.ci_high)
            ax.errorbar([effect], [0], xerr=[[effect - max(low, 0.0)], [high - effect]], color=ink, capsize=6, lw=1.5)
        ax.axvline(mid, color=ink, linestyle="--", linewidth=1.5)
        # Labels sit above the bar so they never cross the MID line.
        ax.text(mid, 0.62, f" MID {_number(mid)}", va="center", ha="left", fontsize=9, fontweight="bold")
        ax.text(0, 0.62, f"{effect:.1f}; certainty: {row.certainty.lower()}", va="center", ha="left", fontsize=9)
        ax.set_xlim(0, max(effect, mid, high) * 1.6)
        ax.set_ylim(-0.5, 0.95)
        ax.set_yticks([0], [f"{_short(row.intervention)}\n{row.outcome}"], fontsize=9)
        ax.set_xlabel(f"Improvement, {row.outcome} ({row.source_id})", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    # supxlabel, unlike a free text, gets room from the constrained layout.
    figure.supxlabel(CHART_FOOTNOTE, fontsize=8)
    return figure


def _missing(value: Any) -> bool:
    if value is None or type(value).__name__ == "NAType":  # pandas' missing value in nullable columns
        return True
    return value != value  # NaN


def _short(title: str) -> str:
    """A short row label: "Anti-inflammatory painkillers (NSAIDs)" -> "NSAIDs"."""
    if title.endswith(")") and " (" in title:
        inside = title[title.rindex(" (") + 2 : -1]
        if sum(character.isupper() for character in inside) >= 2:  # an abbreviation
            return inside
        return title[: title.rindex(" (")]
    return title
