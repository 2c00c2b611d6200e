"""The evidence lens: the article's advice against the guidelines and reviews, claim by claim.

Pure functions over the validated content (pandas and matplotlib only, no widgets):

- :func:`evidence_table`: one row per row of data/evidence.csv, with the article's claim and dose,
  the source's position, the verdict (agrees / goes beyond / conflicts) and the certainty.
- :func:`reconcile_day` and :func:`reconcile_table`: the article's stage and the guideline band for
  a day, side by side (the article's "acute" is only the first week of the guidelines' acute band).
- :func:`effect_size_figure` and :func:`effect_size_text`: the effect sizes in data/ against their
  minimal important difference (MID), with certainty, as a chart and as its text alternative.

The figure is a :class:`matplotlib.figure.Figure` built without pyplot, so nothing here needs a
display or a backend setting, and no figure is left open in a global registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare_nb.content import Content
from backcare_nb.plan import Origin, Stage, format_dose, stage_for_day

# pandas and matplotlib are imported when a table or chart is made, not when the dashboard starts:
# the dashboard's page waits for its kernel, and together they cost that kernel about half a second.
if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

VERDICT_LABELS = {"agrees": "Agrees", "goes_beyond": "Goes beyond", "conflicts": "Conflicts"}
VERDICT_MEANINGS = {
    "agrees": "the source supports what the article says",
    "goes_beyond": "the article says more than the source supports (or the source is silent)",
    "conflicts": "the source advises against what the article says",
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
    "mid",
]


def evidence_table(content: Content) -> pd.DataFrame:
    """The article's advice against each source, one row per row of data/evidence.csv, in file order.

    Returns
    -------
    pandas.DataFrame
        Columns: ``intervention_id``, ``intervention`` (its title), ``article_claim`` (the article's
        reason for it), ``article_dose`` (dose and repeats in words), ``source_id``, ``citation``,
        ``position`` (what the source says, e.g. "An option"), ``verdict`` ("Agrees", "Goes beyond"
        or "Conflicts"), ``certainty`` ("High" ... "Not graded"), ``finding``, ``outcome``,
        ``effect`` and ``mid`` (numbers or missing).
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
                "effect": row["effect"],
                "mid": row["mid"],
            }
        )
    import pandas as pd

    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    frame["effect"] = pd.to_numeric(frame["effect"]).astype("Float64")
    frame["mid"] = pd.to_numeric(frame["mid"]).astype("Float64")
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


def effect_sizes(content: Content) -> pd.DataFrame:
    """The rows of data/evidence.csv that have both an effect and a MID, with readable labels.

    Columns: ``intervention``, ``outcome``, ``source_id``, ``effect``, ``mid``, ``certainty_id``,
    ``certainty``, ``share_of_mid`` (effect / MID) and ``reaches_mid``.
    """
    table = evidence_table(content)
    certainty_ids = [row["certainty"] for row in content.records["evidence"]]
    table["certainty_id"] = certainty_ids
    table = table[table["effect"].notna() & table["mid"].notna()].copy()
    table["share_of_mid"] = (table["effect"] / table["mid"]).astype(float)
    table["reaches_mid"] = table["effect"] >= table["mid"]
    return table[
        [
            "intervention",
            "outcome",
            "source_id",
            "effect",
            "mid",
            "certainty_id",
            "certainty",
            "share_of_mid",
            "reaches_mid",
        ]
    ].reset_index(drop=True)


def _number(value: float) -> str:
    return f"{value:g}"


def effect_size_text(content: Content) -> str:
    """The text alternative to :func:`effect_size_figure`: one sentence per effect, in order."""
    lines = ["Effect sizes against the minimal important difference (MID), the smallest change patients notice:"]
    for row in effect_sizes(content).itertuples():
        verdict = "reaches" if row.reaches_mid else "falls short of"
        lines.append(
            f"- {row.intervention}, {row.outcome}: improves by {row.effect:.1f} against a MID of "
            f"{_number(row.mid)}, so it {verdict} the MID ({row.share_of_mid:.0%} of it); "
            f"certainty {row.certainty.lower()} ({row.source_id})."
        )
    return "\n".join(lines)


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
    figure.suptitle("Effect size against the minimal important difference (MID)", fontsize=12)
    axes = figure.subplots(panels, 1, squeeze=False)[:, 0]
    if table.empty:
        axes[0].set_axis_off()
        axes[0].text(0.5, 0.5, "No effect sizes in data/evidence.csv", ha="center", va="center")
        return figure
    for ax, row in zip(axes, table.itertuples(), strict=True):
        colour, hatch = CERTAINTY_STYLE.get(row.certainty_id, CERTAINTY_STYLE["not_graded"])
        effect, mid = float(row.effect), float(row.mid)
        ax.barh([0], [effect], height=0.6, color=colour, hatch=hatch, edgecolor="#000000", linewidth=0.8)
        ax.axvline(mid, color=ink, linestyle="--", linewidth=1.5)
        # Labels sit above the bar so they never cross the MID line.
        ax.text(mid, 0.62, f" MID {_number(mid)}", va="center", ha="left", fontsize=9, fontweight="bold")
        ax.text(0, 0.62, f"{effect:.1f}; certainty: {row.certainty.lower()}", va="center", ha="left", fontsize=9)
        ax.set_xlim(0, max(effect, mid) * 1.6)
        ax.set_ylim(-0.5, 0.95)
        ax.set_yticks([0], [f"{_short(row.intervention)}\n{row.outcome}"], fontsize=9)
        ax.set_xlabel(f"Improvement, {row.outcome} ({row.source_id})", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    # supxlabel, unlike a free text, gets room from the constrained layout.
    figure.supxlabel(
        "Bar: improvement with the treatment; colour, hatch and words show the certainty. Dashed line: the MID.",
        fontsize=8,
    )
    return figure


def _short(title: str) -> str:
    """A short row label: "Anti-inflammatory painkillers (NSAIDs)" -> "NSAIDs"."""
    if title.endswith(")") and " (" in title:
        inside = title[title.rindex(" (") + 2 : -1]
        if sum(character.isupper() for character in inside) >= 2:  # an abbreviation
            return inside
        return title[: title.rindex(" (")]
    return title
