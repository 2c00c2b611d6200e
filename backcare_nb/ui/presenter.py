"""Presenter controls: a play button that walks the days, and a large-type switch for projectors.

:class:`PresenterControls` links an ``ipywidgets.Play`` to a given day slider in the browser
(``jslink``: the animation runs without a round trip per frame to decide the next value; the
slider's own observers still update the app) and toggles the CSS class ``bc-large`` on a given
container. The class's rules ship in :attr:`PresenterControls.style`, an HTML widget to place
once on the page.
"""

from __future__ import annotations

import ipywidgets as widgets

from backcare_nb.ui.callbacks import guarded

LARGE_CLASS = "bc-large"
PLAY_INTERVAL_MS = 700  # slow enough for a room to read each day's stage
PLAY_MAX_DAY = 120
# Scales the ipywidgets font variables as well as plain text, so labels, sliders and tables grow together.
# ".bc-app.bc-large" outranks the dashboard's own ".bc-app ..." rules (panels.CSS), whose sizes are in
# rem and so would not follow the container's font size; each of those sizes gets a larger one here.
LARGE_TYPE_CSS = f"""
<style>
.{LARGE_CLASS}, .bc-app.{LARGE_CLASS} {{
  font-size: 1.5rem;
  --jp-widgets-font-size: 1.5rem;
  --jp-ui-font-size1: 1.5rem;
  --jp-content-font-size1: 1.5rem;
  --jp-widgets-inline-height: 2.6rem;
  --jp-widgets-inline-label-width: 14rem;
}}
.{LARGE_CLASS} table, .{LARGE_CLASS} .widget-html-content {{ font-size: 1.5rem; line-height: 1.4; }}
.bc-app.{LARGE_CLASS} .bc-stage {{ font-size: 1.8rem; }}
.bc-app.{LARGE_CLASS} .bc-stage p {{ font-size: 1.5rem; }}
.bc-app.{LARGE_CLASS} .bc-gate h2 {{ font-size: 2rem; }}
.bc-app.{LARGE_CLASS} h3.bc-heading, .bc-app.{LARGE_CLASS} .bc-plan h3.bc-heading {{ font-size: 1.75rem; }}
.bc-app.{LARGE_CLASS} h4.bc-group {{ font-size: 1.4rem; }}
.bc-app.{LARGE_CLASS} .bc-item-title, .bc-app.{LARGE_CLASS} a.bc-handout {{ font-size: 1.6rem; }}
.bc-app.{LARGE_CLASS} .bc-schedule table {{ font-size: 1.35rem; }}
.bc-app.{LARGE_CLASS} .bc-day-label {{ font-size: 1.2rem; }}
</style>
"""


class PresenterControls:
    """A "Play days" control jslinked to ``slider`` and a "Large type" toggle for ``container``.

    Parameters
    ----------
    slider
        The day slider the play control drives (its ``value`` follows the play control's).
    container
        The box that gets the ``bc-large`` class while "Large type" is pressed.
    maximum
        The last day the play control reaches (default 120).
    """

    def __init__(self, slider: widgets.IntSlider, container: widgets.Box, maximum: int = PLAY_MAX_DAY) -> None:
        self.slider = slider
        self.target = container
        self.play = widgets.Play(
            value=min(max(int(slider.value), 0), maximum),
            min=0,
            max=maximum,
            step=1,
            interval=PLAY_INTERVAL_MS,
            description="Play days",
        )
        # The slider is the source: on page load jslink copies source to target, and the slider
        # already holds the scenario's day (from a deep link or a case); the play control follows.
        self.link = widgets.jslink((slider, "value"), (self.play, "value"))
        self.large_type = widgets.ToggleButton(
            value=False, description="Large type", tooltip="Larger text for a projector", icon="text-height"
        )
        self.large_type.observe(self._on_large_type, names="value")
        self.style = widgets.HTML(LARGE_TYPE_CSS)
        self.message = widgets.HTML()
        self.container = widgets.HBox(
            [widgets.Label("Play days"), self.play, self.large_type, self.style, self.message],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )

    @guarded
    def _on_large_type(self, change: dict) -> None:
        """Add or remove the large-type class on the target container."""
        if change["new"]:
            self.target.add_class(LARGE_CLASS)
        else:
            self.target.remove_class(LARGE_CLASS)
