"""The evidence lens app: the article's advice against the sources, the effect-size chart, and the
time-definition reconciler.

- An evidence table filterable by "Intervention" and "Verdict".
- The effect-size chart (drawn once as inline SVG, its text alternative as the picture's title and
  in a "The chart as text" disclosure).
- A "Day" slider (0-365) showing the article's stage and the guideline band side by side.

The logic is in :mod:`backcare_nb.evidence`; this module builds widgets and renders. It works on
plain rows, so the lens needs neither pandas nor matplotlib: it runs in the static site's Python
in the browser, and a dashboard kernel that opens it does not pay for importing them.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from backcare_nb.content import Content, load_content
from backcare_nb.evidence import (
    VERDICT_LABELS,
    VERDICT_MEANINGS,
    effect_size_svg,
    effect_size_text,
    evidence_rows,
    reconcile_day,
)
from backcare_nb.scenario import MAX_DAYS
from backcare_nb.ui import panels
from backcare_nb.ui.callbacks import guarded

LABEL_STYLE = {"description_width": "initial"}
ALL = ""
# verdict label -> (symbol, colour): Okabe-Ito hues, always beside the word.
VERDICT_MARKS = {
    "Agrees": ("✔", "#0072B2"),
    "Goes beyond": ("↗", "#E69F00"),
    "Conflicts": ("✘", "#D55E00"),
    "Added: not in the article": ("+", "#999999"),
}
# The hue marks the edge; the text is dark on a light tint of it (as in the compare view), so it
# reads at 4.5:1 or better in the light and the dark JupyterLab themes alike.
VERDICT_TINTS = {
    "Agrees": "#D6EAF8",
    "Goes beyond": "#FDF0D0",
    "Conflicts": "#FBE0D0",
    "Added: not in the article": "#EBEBEB",
}
TINTED = "color:#1a1a1a;font-weight:700;background:{tint};border-left:6px solid {colour}"


class EvidenceLensApp:
    """The evidence lens as ipywidgets; show :attr:`container` as the last thing in a cell.

    Parameters
    ----------
    content
        Validated content (default: :func:`backcare_nb.load_content`).
    day
        The day the reconciler starts on (default 10: the article and the guidelines disagree).
    """

    def __init__(self, content: Content | None = None, day: int = 10) -> None:
        self.content = content if content is not None else load_content()
        # Content does not change while the app runs: build the table and the chart once.
        self.evidence = evidence_rows(self.content)
        self.rows = self.evidence  # the rows the filters let through
        self._build_controls(day)
        self._build_chart()
        self._build_layout()
        self._on_filter()
        self._on_day()

    def _build_controls(self, day: int) -> None:
        interventions = dict.fromkeys((row["intervention"], row["intervention_id"]) for row in self.evidence)
        self.intervention = widgets.Dropdown(
            description="Intervention",
            options=[("All interventions", ALL), *interventions],
            value=ALL,
            style=LABEL_STYLE,
        )
        self.verdict = widgets.Dropdown(
            description="Verdict",
            options=[("All verdicts", ALL), *[(label, label) for label in VERDICT_LABELS.values()]],
            value=ALL,
            style=LABEL_STYLE,
        )
        self.intervention.observe(self._on_filter, names="value")
        self.verdict.observe(self._on_filter, names="value")
        self.count = widgets.HTML()
        self.table = widgets.HTML()
        self.day = widgets.IntSlider(
            value=day,
            min=0,
            max=MAX_DAYS,
            step=1,
            description="Day",
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto", min_width="24rem"),
        )
        self.day.observe(self._on_day, names="value")
        self.reconciler = widgets.HTML()
        self.message = widgets.HTML()

    def _build_chart(self) -> None:
        # One picture for both themes: its ink is the page's text colour.
        text = effect_size_text(self.content)
        self.chart = widgets.HTML(
            f'<figure class="bc-effect-figure" style="margin:0">{effect_size_svg(self.content)}'
            "<figcaption>Effect sizes against the minimal important difference (MID).</figcaption></figure>"
            f"<details><summary>The chart as text</summary><pre style='white-space:pre-wrap'>{escape(text)}</pre>"
            "</details>" + chart_words_html(text)
            # On a phone the picture's text would shrink to about 6 px: the words replace it there.
        )

    def _build_layout(self) -> None:
        legend = "".join(
            f"<li><strong>{VERDICT_MARKS[label][0]} {label}</strong>: {escape(VERDICT_MEANINGS[verdict])}</li>"
            for verdict, label in VERDICT_LABELS.items()
        )
        self.container = widgets.VBox(
            [
                widgets.HTML(
                    "<h2>How to read the lens</h2><p>Each piece of the article's advice is set against the "
                    "guidelines and reviews: where they agree, where the article goes further than the evidence, "
                    "and where they conflict. Move the day to see the article's stage beside the guidelines' "
                    "name for that time; the chart shows how large each effect is against the smallest change "
                    "patients notice.</p>"
                ),
                self.message,
                widgets.HTML("<h3>What the day means: the article and the guidelines</h3>"),
                self.day,
                self.reconciler,
                widgets.HTML("<h3>Effect sizes</h3>"),
                self.chart,
                widgets.HTML(f"<h3>Claim by claim</h3><ul>{legend}</ul>"),
                widgets.HBox([self.intervention, self.verdict], layout=widgets.Layout(flex_flow="row wrap")),
                self.count,
                self.table,
            ]
        )
        self.container.add_class("bc-evidence")
        # The dashboard's text style (line height, colours from the theme), also when shown on its own.
        self.container.add_class("bc-app")
        self.container.children = (widgets.HTML(panels.style_panel()), *self.container.children)

    @guarded
    def _on_filter(self, change: dict | None = None) -> None:
        """The intervention or verdict filter changed: redraw the table."""
        self.message.value = ""
        intervention, verdict = self.intervention.value, self.verdict.value
        self.rows = [
            row
            for row in self.evidence
            if intervention in (ALL, row["intervention_id"]) and verdict in (ALL, row["verdict"])
        ]
        self._render_table()

    @guarded
    def _on_day(self, change: dict | None = None) -> None:
        """The day changed: redraw the reconciler."""
        self.message.value = ""
        self._render_reconciler()

    def _render_table(self) -> None:
        self.count.value = f"<p>Showing {len(self.rows)} of {len(self.evidence)} rows.</p>"
        self.table.value = evidence_table_html(self.rows)

    def _render_reconciler(self) -> None:
        result = reconcile_day(int(self.day.value), self.content)

        def panel(heading: str, label: str, low: int, high: int, summary: str) -> str:
            return (
                '<div style="flex:1 1 16rem;border:2px solid #0072B2;padding:.5rem .75rem;margin:0 .5rem .5rem 0">'
                f"<h4 style='margin:0'>{escape(heading)}</h4><p><strong>{escape(label)}</strong><br>"
                f"days {low}-{high}</p><p>{escape(summary)}</p></div>"
            )

        article, band = result.article_stage, result.guideline_band
        note_style = (
            TINTED.format(tint="#FBE0D0", colour="#D55E00") + ";padding:.2rem .5rem" if result.names_differ else ""
        )
        marker = "⚠ " if result.names_differ else ""
        self.reconciler.value = (
            '<div style="display:flex;flex-wrap:wrap">'
            + panel("The article", article.label, article.day_min, article.day_max, article.summary)
            + panel("The guidelines (ACP 2017)", band.label, band.day_min, band.day_max, band.summary)
            + f'</div><p style="{note_style}">{marker}{escape(result.note)}</p>'
        )


def chart_words_html(text: str) -> str:
    """:func:`backcare_nb.evidence.effect_size_text` as a paragraph and a list, for a phone."""
    first, *lines = text.splitlines()
    items = "".join(f"<li>{escape(line.removeprefix('- '))}</li>" for line in lines)
    return f'<div class="bc-chart-words"><p>{escape(first)}</p><ul>{items}</ul></div>'


def evidence_table_html(rows: list[dict[str, Any]]) -> str:
    """An HTML table of :func:`backcare_nb.evidence.evidence_rows` rows, grouped by claim.

    Each intervention is one row group, in the order the rows name them: its title, origin and
    what the article says, once, then one row per source with the source's position, the verdict,
    the certainty and the finding.
    """
    if not rows:
        return "<p>No rows match these filters.</p>"
    claims: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        claims.setdefault(row["intervention_id"], []).append(row)
    groups = []
    for intervention_id, claim in claims.items():
        first = claim[0]
        article = f"{first['article_claim']} {first['article_dose']}".strip()
        said = "The article says" if first["origin"] == "From the article" else "Why it is added"
        body = [
            f'<tr class="bc-claim-head"><th scope="rowgroup" colspan="5" style="text-align:left">'
            f'{escape(first["intervention"])} <span class="bc-origin">{escape(first["origin"])}</span><br>'
            f'<span style="font-weight:400">{said}: {escape(article)}</span></th></tr>'
        ]
        for row in claim:
            symbol, colour = VERDICT_MARKS.get(row["verdict"], ("", "inherit"))
            tint = VERDICT_TINTS.get(row["verdict"])
            style = TINTED.format(tint=tint, colour=colour) if tint else ""
            body.append(
                '<tr class="bc-source-row">'
                f'<td><abbr title="{escape(row["citation"])}">{escape(row["source_id"])}</abbr></td>'
                f"<td>{escape(row['position'])}</td>"
                f'<td style="{style}">{symbol} {escape(row["verdict"])}</td>'
                f"<td>{escape(row['certainty'])}</td><td>{escape(row['finding'])}</td></tr>"
            )
        groups.append(f'<tbody class="bc-claim" data-intervention="{escape(intervention_id)}">{"".join(body)}</tbody>')
    return (
        '<table class="bc-evidence-table" style="border-collapse:collapse;width:100%">'
        "<caption>The article's advice against each source, claim by claim</caption><thead><tr>"
        + "".join(
            f'<th scope="col" style="text-align:left">{heading}</th>'
            for heading in ("Source", "Position", "Verdict", "Certainty", "Finding")
        )
        + f"</tr></thead>{''.join(groups)}</table>"
    )
