"""Presenter controls: a play button that walks the days, and presenter mode for a projector.

:class:`PresenterControls` links an ``ipywidgets.Play`` to a given day slider in the browser while
it plays (``jslink``: the animation runs without a round trip per frame to decide the next value;
the slider's own observers still update the app) and toggles presenter mode on a given container: the
CSS class ``bc-presenting``, whose rules (in :attr:`PresenterControls.style`, an HTML widget to
place once on the page) fold the dashboard's controls into a bar across the top, keep that bar in
view while the plan scrolls, and set the result in large type for the back row.
"""

from __future__ import annotations

import ipywidgets as widgets

from backcare_nb.ui.callbacks import guarded

PRESENTING_CLASS = "bc-presenting"
LARGE_CLASS = PRESENTING_CLASS  # older name: presenter mode is the large-type mode
PLAY_INTERVAL_MS = 700  # slow enough for a room to read each day's stage
PLAY_MAX_DAY = 120
P = f".bc-app.{PRESENTING_CLASS}"
# Scales the ipywidgets font variables as well as plain text, so labels, sliders and tables grow together.
# ".bc-app.bc-presenting" outranks the dashboard's own ".bc-app ..." rules (panels.CSS), whose sizes are in
# rem and so would not follow the container's font size; each of those sizes gets a larger one here.
PRESENTER_CSS = f"""
<style>
.{PRESENTING_CLASS}, {P} {{
  font-size: 1.45rem;
  --jp-widgets-font-size: 1.3rem;
  --jp-ui-font-size1: 1.3rem;
  --jp-content-font-size1: 1.45rem;
  --jp-widgets-inline-height: 2.4rem;
  --jp-widgets-inline-label-width: auto;
}}
{P} table, {P} .widget-html-content {{ font-size: 1.45rem; line-height: 1.35; }}
{P} .bc-stage {{ font-size: 1.7rem; }}
{P} .bc-stage p {{ font-size: 1.4rem; }}
{P} .bc-gate h2 {{ font-size: 1.9rem; }}
{P} h2.bc-heading, {P} .bc-plan h2.bc-heading, {P} .bc-plan h3.bc-heading {{ font-size: 1.6rem; }}
{P} h3.bc-group {{ font-size: 1.3rem; }}
{P} .bc-item-title, {P} a.bc-handout {{ font-size: 1.55rem; }}
{P} .bc-schedule table {{ font-size: 1.3rem; }}
/* The controls become one bar across the top that stays in view: day, episode, case, play. Inline
   flex styles from the widgets' layouts need !important to be overridden. */
{P} .bc-body {{ flex-direction: column !important; flex-wrap: nowrap !important; align-items: stretch !important; }}
{P} .bc-controls {{ max-width: none; width: auto; flex: 0 0 auto !important; max-height: none; padding: .2rem .5rem;
  border-bottom: 3px solid #0072B2; }}
{P} .bc-controls .bc-key {{ flex-direction: row; flex-wrap: wrap; align-items: center; gap: 0 1rem; }}
{P} .bc-controls .bc-key > .widget-html {{ display: none; }}
{P} .bc-controls .bc-day {{ flex: 1 1 100%; flex-direction: row; align-items: center; }}
{P} .bc-controls .bc-day .widget-slider {{ flex: 1 1 auto; }}
{P} .bc-controls .bc-more {{ display: none; }}
{P} .bc-outputs {{ width: 100%; max-width: none; flex: 1 1 auto !important; }}
.bc-page:has({P}) .bc-header h1, .bc-page:has({P}) .bc-nav {{ display: none; }}
</style>
"""
LARGE_TYPE_CSS = PRESENTER_CSS  # older name


class PresenterControls:
    """A "Play days" control jslinked to ``slider`` and a "Presenter mode" toggle for ``container``.

    Parameters
    ----------
    slider
        The day slider the play control drives (its ``value`` follows the play control's).
    container
        The box that gets the ``bc-presenting`` class while "Presenter mode" is pressed.
    maximum
        The last day the play control reaches (default 120).
    """

    def __init__(
        self, slider: widgets.IntSlider | widgets.SelectionSlider, container: widgets.Box, maximum: int = PLAY_MAX_DAY
    ) -> None:
        self.slider = slider
        self.target = container
        # A selection slider (the dashboard's days, with uneven stops) is played stop by stop.
        trait = "index" if isinstance(slider, widgets.SelectionSlider) else "value"
        if trait == "index":
            maximum = len(slider.options) - 1
        self.play = widgets.Play(
            value=min(max(int(getattr(slider, trait)), 0), maximum),
            min=0,
            max=maximum,
            step=1,
            interval=PLAY_INTERVAL_MS,
            description="Play days",
        )
        self.play.add_class("bc-play")
        self._trait = trait
        # Linked only while playing. A link that stays makes every key press on the slider move
        # the play control too, and the browser sends that to the kernel as a message of its own,
        # handled before the slider's: about 10 ms more to each press (benchmarks.dashboard).
        self.link: widgets.Link | None = None
        self.play.observe(self._on_playing, names="playing")
        self.play.observe(self._on_stop, names="value")
        self.presenting = widgets.ToggleButton(
            value=False,
            description="Presenter mode",
            tooltip="Controls in a bar across the top, large type for a projector",
            icon="desktop",
        )
        self.presenting.add_class("bc-presenter-toggle")
        self.large_type = self.presenting  # older name
        self.presenting.observe(self._on_presenting, names="value")
        self.style = widgets.HTML(PRESENTER_CSS)
        self.message = widgets.HTML()
        # Shown by CSS only when the device asks for reduced motion; the play control is hidden then.
        self.reduced_motion_note = widgets.HTML(
            '<p class="bc-reduced-motion">Play is off because this device asks for reduced motion: '
            "step through the days with the arrow keys.</p>"
        )
        self.container = widgets.HBox(
            [self.play, self.presenting, self.reduced_motion_note, self.message],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.container.add_class("bc-presenter")

    @guarded
    def _on_playing(self, change: dict) -> None:
        """Link the play control to the slider while it plays. A new link copies source to target
        first, so the play control starts from the slider's day, wherever the viewer left it."""
        if change["new"] and self.link is None:
            self.link = widgets.jslink((self.slider, self._trait), (self.play, "value"))
        elif not change["new"] and self.link is not None:
            self.link.unlink()
            self.link = None

    @guarded
    def _on_stop(self, change: dict) -> None:
        """Stop, pressed while paused (so unlinked), moves the play control back to the first day:
        the slider follows. While playing, the link moves the slider in the browser."""
        if self.link is None and not self.play.playing:
            setattr(self.slider, self._trait, change["new"])

    @guarded
    def _on_presenting(self, change: dict) -> None:
        """Add or remove the presenter-mode class on the target container."""
        if change["new"]:
            self.target.add_class(PRESENTING_CLASS)
        else:
            self.target.remove_class(PRESENTING_CLASS)
