"""A small ``interact`` explorer for JupyterLab: three controls and the plan as Markdown.

Lighter than the dashboard, for the explore notebook: it shows how a few inputs drive
:func:`backcare_nb.build_plan`, and how little code a widget needs when the logic lives elsewhere.
"""

from __future__ import annotations

import logging

import ipywidgets as widgets
from IPython.display import Markdown, display

from backcare_nb.content import Content, load_content
from backcare_nb.plan import build_plan
from backcare_nb.render import plan_to_markdown
from backcare_nb.scenario import Scenario

logger = logging.getLogger("backcare_nb")
WIDE_LABELS = {"description_width": "initial"}


def plan_explorer(content: Content | None = None) -> widgets.interactive:
    """An ``ipywidgets.interactive`` with day, episode and pain controls showing the plan.

    Parameters
    ----------
    content
        Validated content (default: :func:`backcare_nb.load_content`).

    Returns
    -------
    ipywidgets.interactive
        Display it (make it a cell's last expression); moving a control redraws the plan.
    """
    content = content or load_content()

    def show(days_since_onset: int, episode: str, pain: int) -> None:
        try:
            plan = build_plan(Scenario(days_since_onset, episode, pain), content)
            display(Markdown(plan_to_markdown(plan)))
        except Exception:
            logger.exception("The plan explorer could not update")
            display(Markdown("*Sorry, the plan could not be shown for these settings.*"))

    return widgets.interactive(
        show,
        days_since_onset=widgets.IntSlider(value=2, min=0, max=120, description="Days since onset", style=WIDE_LABELS),
        episode=widgets.Dropdown(
            options=[("First episode", "first"), ("Recurrent", "recurrent")], description="Episode", style=WIDE_LABELS
        ),
        pain=widgets.IntSlider(value=5, min=0, max=10, description="Pain (0-10)", style=WIDE_LABELS),
    )
