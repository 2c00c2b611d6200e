"""The compare view: two scenarios side by side and what changes between their plans.

Each side has its own "Days since onset", "Episode" and medication cautions; the table below
lists every item of either plan with what happened to it (added, removed, changed or the same),
marked by a word, a symbol and a colour. The difference itself is
:func:`backcare_nb.plan.compare_rows`; this module only builds widgets and renders its rows. It
works on plain rows (the content's records, the difference as dicts), so it needs neither pandas
nor matplotlib: it runs on a server installed with only the ``serve`` extra and in the static
site's Python in the browser.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

import ipywidgets as widgets

from backcare_nb.content import Content, load_content
from backcare_nb.plan import Plan, build_plan, compare_rows
from backcare_nb.render import DISCLAIMER, stage_line
from backcare_nb.scenario import MAX_DAYS, Scenario
from backcare_nb.ui.callbacks import guarded

LABEL_STYLE = {"description_width": "initial"}
EPISODE_OPTIONS = [("First episode", "first"), ("Recurrent", "recurrent")]
# change -> (word, symbol, background, border). Okabe-Ito hues with dark text on a light tint, so
# the rows read the same in a dark theme; the word and symbol carry the meaning without colour.
CHANGE_STYLE = {
    "added": ("Added", "+", "#D6EAF8", "#0072B2"),
    "removed": ("Removed", "−", "#FBE0D0", "#D55E00"),
    "changed": ("Changed", "~", "#FDF0D0", "#E69F00"),
    "same": ("Same", "=", "", ""),
}


class ScenarioPanel:
    """One side of the comparison: its controls and the scenario they describe."""

    def __init__(self, title: str, content: Content, scenario: Scenario) -> None:
        self.title = title
        self.days = widgets.IntSlider(
            value=scenario.days_since_onset,
            min=0,
            max=MAX_DAYS,
            step=1,
            description="Days since onset",
            continuous_update=False,  # each change rebuilds two plans; redraw on release
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        self.episode = widgets.Dropdown(
            options=EPISODE_OPTIONS, value=scenario.episode, description="Episode", style=LABEL_STYLE
        )
        labels = {row["id"]: row["label"] for row in content.records["cautions"]}
        self.cautions = {
            caution_id: widgets.Checkbox(
                value=caution_id in scenario.cautions,
                description=labels[caution_id],
                indent=False,
                layout=widgets.Layout(width="auto"),
            )
            for caution_id in content.caution_ids
        }
        self.stage = widgets.HTML()
        self.box = widgets.VBox(
            [
                widgets.HTML(f"<h3>{escape(title)}</h3>"),
                self.days,
                self.episode,
                widgets.HTML("<strong>Medication cautions</strong>"),
                *self.cautions.values(),
                self.stage,
            ],
            layout=widgets.Layout(flex="1 1 0", min_width="18rem", padding="0 1rem 0 0"),
        )

    @property
    def controls(self) -> list[widgets.Widget]:
        return [self.days, self.episode, *self.cautions.values()]

    def scenario(self) -> Scenario:
        return Scenario(
            days_since_onset=int(self.days.value),
            episode=self.episode.value,
            cautions=tuple(caution_id for caution_id, box in self.cautions.items() if box.value),
        )

    def set(self, scenario: Scenario) -> None:
        """Set the controls to a scenario (each control fires its own change)."""
        self.days.value = scenario.days_since_onset
        self.episode.value = scenario.episode
        for caution_id, box in self.cautions.items():
            box.value = caution_id in scenario.cautions


class CompareApp:
    """Two scenarios side by side and the difference of their plans; show :attr:`container`.

    Parameters
    ----------
    content
        Validated content (default: :func:`backcare_nb.load_content`).
    left, right
        The starting scenarios (default: day 3 against day 14 of a first episode).
    """

    def __init__(
        self, content: Content | None = None, left: Scenario | None = None, right: Scenario | None = None
    ) -> None:
        self.content = content if content is not None else load_content()
        self.plans: tuple[Plan, Plan] | None = None
        self.differences: list[dict[str, str]] = []  # set by the first _on_change below
        self._build_controls(left or Scenario(days_since_onset=3), right or Scenario(days_since_onset=14))
        self._build_layout()
        self._on_change()

    def _build_controls(self, left: Scenario, right: Scenario) -> None:
        self.left = ScenarioPanel("Scenario A", self.content, left)
        self.right = ScenarioPanel("Scenario B", self.content, right)
        self.show_unchanged = widgets.Checkbox(
            value=True, description="Show items that stay the same", indent=False, layout=widgets.Layout(width="auto")
        )
        for control in [*self.left.controls, *self.right.controls, self.show_unchanged]:
            control.observe(self._on_change, names="value")
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.message = widgets.HTML()

    def _build_layout(self) -> None:
        self.container = widgets.VBox(
            [
                widgets.HTML(
                    "<h2>Compare two scenarios</h2><p>What the plan adds, removes or changes from "
                    f"scenario A to scenario B.</p><p><em>{escape(DISCLAIMER)}</em></p>"
                ),
                widgets.HBox([self.left.box, self.right.box], layout=widgets.Layout(flex_flow="row wrap")),
                self.message,
                self.summary,
                self.show_unchanged,
                self.table,
            ]
        )
        self.container.add_class("bc-compare")

    @guarded
    def _on_change(self, change: dict | None = None) -> None:
        """Any control changed: rebuild both plans and their difference, then redraw."""
        self.message.value = ""
        before = build_plan(self.left.scenario(), self.content)
        after = build_plan(self.right.scenario(), self.content)
        self.differences = compare_rows(before, after)
        self.plans = (before, after)  # after the difference, so _render never sees one without the other
        self._render()

    def _render(self) -> None:
        if self.plans is None:
            return
        before, after = self.plans
        self.left.stage.value = f"<p>{escape(stage_line(before))}.</p>"
        self.right.stage.value = f"<p>{escape(stage_line(after))}.</p>"
        counts = Counter(row["change"] for row in self.differences)
        parts = [f"{counts[change]} {CHANGE_STYLE[change][0].lower()}" for change in CHANGE_STYLE]
        self.summary.value = f"<p><strong>From A to B: {', '.join(parts)}.</strong></p>"
        rows = self.differences
        if not self.show_unchanged.value:
            rows = [row for row in rows if row["change"] != "same"]
        self.table.value = difference_table_html(rows)


def difference_table_html(rows: Sequence[dict[str, str]]) -> str:
    """An HTML table of :func:`backcare_nb.plan.compare_rows` rows, each change marked by word, symbol, colour."""
    if not rows:
        return "<p>The two plans hold the same items with the same doses.</p>"
    body = []
    for row in rows:
        change = row["change"]
        word, symbol, background, border = CHANGE_STYLE[change]
        style = f' style="background:{background};color:#1a1a1a;border-left:6px solid {border}"' if background else ""
        before, after = escape(row["before"]) or "(not in plan)", escape(row["after"]) or "(not in plan)"
        body.append(
            f'<tr class="bc-change-{change}"{style}><td><strong>{symbol} {word}</strong></td>'
            f"<td>{escape(row['category'])}</td><td>{escape(row['item'])}</td><td>{before}</td><td>{after}</td></tr>"
        )
    return (
        '<table class="bc-compare-table" style="border-collapse:collapse;width:100%">'
        "<caption>Plan items in scenario A and scenario B</caption>"
        '<thead><tr><th scope="col">Change</th><th scope="col">Category</th><th scope="col">Item</th>'
        '<th scope="col">Scenario A</th><th scope="col">Scenario B</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
