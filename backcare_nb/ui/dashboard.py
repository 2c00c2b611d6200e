"""The Voilà dashboard: controls for a scenario, and the plan, timeline and schedule they give.

One :class:`DashboardApp` per kernel, built from content loaded once. The app only builds
widgets and wires them: the advice comes from :func:`backcare_nb.build_plan`, the HTML from
:mod:`backcare_nb.ui.panels`, the timeline from :mod:`backcare_nb.timeline` and the schedule from
:mod:`backcare_nb.schedule`. Every handler runs through :func:`backcare_nb.ui.callbacks.run_guarded`:
an error is logged with its traceback on the server and the viewer reads a friendly notice next to
the control they used (the scenario's controls: above the result), because an exception escaping a
widget callback would reach the viewer's browser as a traceback, and one caught silently leaves a
button that does nothing.
"""

from __future__ import annotations

import base64
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle  # not exported at the top level
from ipywidgets.widgets.widget_string import HTMLStyle
from traitlets import Int

from backcare_nb import preheat
from backcare_nb.content import Content
from backcare_nb.handout import HandoutDetails
from backcare_nb.plan import Plan, build_plan, change_days
from backcare_nb.scenario import MAX_DAYS, MAX_PAIN, Scenario, scenario_from_case, scenario_from_query
from backcare_nb.schedule import schedule_for
from backcare_nb.timeline import TimelineLayout, timeline_layout
from backcare_nb.ui import panels
from backcare_nb.ui.callbacks import FRIENDLY_MESSAGE, NoticeArea, log_to_server, notice_html, run_guarded
from backcare_nb.ui.compare import CompareApp
from backcare_nb.ui.disclosure import Disclosure
from backcare_nb.ui.evidence import EvidenceLensApp
from backcare_nb.ui.pacing import Settle
from backcare_nb.ui.panels import escape
from backcare_nb.ui.presenter import PresenterControls

logger = logging.getLogger("backcare_nb")

SLIDER_DAYS = 120  # the slider's range; the text box reaches MAX_DAYS
#: A live class needs a store the room's kernels share; Python in the browser (the static site) has none.
LIVE_CLASS = sys.platform != "emscripten"
DAILY_UNTIL = 28  # the slider stops at every day of the first four weeks, where most advice changes
NO_CASE = ""
#: The handouts' button, by whether they are shown.
HANDOUT_BUTTON = {False: "Make the handouts for this plan", True: "Hide the handouts"}
WIDE_LABELS = {"description_width": "initial"}
#: Teaching panels under the plan, built when first opened, from the scenario on screen.
TEACHING_PANELS = ("Compare with another day", "Evidence lens at this day")
#: Output panels, top to bottom; each is an HTML widget in ``DashboardApp.outputs``.
OUTPUT_NAMES = (
    "style",
    "notices",
    "error",
    "gate",  # first: an emergency box leads the result, above the stage
    "stage",
    "case",
    "plan",
    "safety",
    "timeline_marker",  # the day marker, laid over the timeline picture
    "timeline",
    "schedule",
    "takeaways",
    "related",
    "handout",
    "handout_links",  # empty until the viewer asks for the handouts
    "disclaimer",
)
#: How many scenarios' timeline pictures a dashboard keeps (each is about 13 KB).
TIMELINE_CACHE = 32
#: How many plans it keeps (a plan is immutable, so a kept one is as good as a new one).
PLAN_CACHE = 256


class DaySlider(widgets.SelectionSlider):
    """The days slider, without ipywidgets' echo of each value the browser sends.

    The echo keeps other views of the same slider in step, and a dashboard page has one view. Each
    key press sends the kernel one message; with the echo, its reply is one message longer,
    ahead of the plan (about 1 ms in a phone's Python and on a busy server).
    """

    index = Int(None, help="Selected index", allow_none=True).tag(sync=True, echo_update=False)


def _kept(cache: dict[Any, Any], key: Any, limit: int, make: Callable[[], Any]) -> Any:
    """``cache[key]``, made (and kept) if missing; a full cache starts again empty."""
    if key not in cache:
        if len(cache) >= limit:
            cache.clear()
        cache[key] = make()
    return cache[key]


def slider_stops(
    change_days: Iterable[int], daily_until: int = DAILY_UNTIL, last: int = SLIDER_DAYS
) -> tuple[int, ...]:
    """The days the day slider stops at: every day to ``daily_until``, every day the plan can change
    (``backcare_nb.plan.change_days``), and weekly between them up to ``last``."""
    days = set(range(daily_until + 1)) | set(range(daily_until, last + 1, 7)) | {last}
    days |= {day for day in change_days if day <= last}
    return tuple(sorted(days))


class DashboardApp:
    """The dashboard for one viewer: build it, then display :attr:`widget`.

    Parameters
    ----------
    content
        Validated content from :func:`backcare_nb.load_content` (loaded once per kernel).
    scenario
        The scenario to show first (default: ``Scenario()``, day 2 of a first episode).
    notices
        Sentences to show above the plan, e.g. about a bad value in the page's link.
    settle
        When the panels below the timeline follow a viewer's change (default: once the changes
        pause, in a kernel; at once elsewhere). See :mod:`backcare_nb.ui.pacing`.

    Attributes
    ----------
    widget
        The top-level container to display (also available as :attr:`container`).
    outputs
        The output HTML widgets by name (see :data:`OUTPUT_NAMES`), whose values are what the
        viewer reads.
    days_slider, days_text, episode_picker, pain_slider, red_flag_boxes, caution_boxes, case_picker
        The controls; the two dicts map a red flag or caution id to its checkbox.
    """

    def __init__(
        self,
        content: Content,
        scenario: Scenario | None = None,
        notices: Iterable[str] = (),
        settle: Settle | None = None,
    ) -> None:
        log_to_server()
        self._content = content
        self._cases = {case["id"]: case for case in content.records["cases"]}
        self._updating = False  # set while the app itself moves controls, so handlers stand aside
        self._plan: Plan | None = None
        self._changed_from_case: str | None = None  # a case whose scenario the viewer has since changed
        self._handouts_shown = False
        self._timelines: dict[tuple[Scenario, Any], tuple[str, TimelineLayout]] = {}
        self._plans: dict[Scenario, Plan] = {}
        self._plan_html: tuple[Any, str] | None = None
        self._below = settle or Settle()  # the panels under the timeline, once a viewer's changes pause
        self._build_controls()
        self._build_outputs()
        self.outputs["notices"].value = panels.notices_panel(notices)
        self.widget = self._build_layout()
        self.container = self.widget
        with self._quietly():
            self._set_controls(scenario or Scenario())
        self._wire()
        self._safely(self._render)

    # --- construction -----------------------------------------------------------------------------

    @classmethod
    def from_environment(cls, content: Content) -> DashboardApp:
        """The app for the scenario in the page's URL, as Voilà passes it in ``QUERY_STRING``.

        With a preheated kernel the variable is only set once a viewer has asked for the page, so
        wait for that first. A bad link never fails: the notices say what was ignored.
        """
        notices: list[str] = []
        scenario = None
        try:
            # A no-op unless this is a preheated kernel still waiting (the notebook usually waited already);
            # the standard-library wait of backcare_nb.preheat, not voila.utils and its 44 MB.
            preheat.wait_for_request()
            scenario, notices = scenario_from_query(os.environ.get("QUERY_STRING", ""), content)
        except Exception:
            logger.exception("Could not read the page's link; showing the default scenario")
            notices = ["The link could not be read; showing the default scenario."]
        return cls(content, scenario, notices)

    def _build_controls(self) -> None:
        # One day control: the slider (no editable readout of its own) and one number box beside it.
        # The slider stops at every day of the first four weeks and at each day the plan changes,
        # weekly in between, so each early day gets a usable stretch of track; the number box beside it
        # takes any day, and its arrow keys step one day everywhere.
        self.day_stops = slider_stops(change_days(self._content))
        self.days_slider = DaySlider(
            options=[(f"Day {day}", day) for day in self.day_stops],
            value=0,
            description="",
            readout=False,
            tooltip="Days since onset",
            style=WIDE_LABELS,
            layout=widgets.Layout(width="100%"),
        )
        self.days_text = widgets.BoundedIntText(
            value=0, min=0, max=MAX_DAYS, description=f"Days since onset (0-{MAX_DAYS})", style=WIDE_LABELS
        )
        self.episode_picker = widgets.Dropdown(
            options=[("First episode", "first"), ("Recurrent", "recurrent")],
            value="first",
            description="Episode",
            style=WIDE_LABELS,
        )
        self.pain_slider = widgets.IntSlider(
            value=5, min=0, max=MAX_PAIN, description=f"Pain (0-{MAX_PAIN})", style=WIDE_LABELS
        )
        self.red_flag_boxes = {row["id"]: self._checkbox(row["label"]) for row in self._content.records["red_flags"]}
        labels = {row["id"]: row["label"] for row in self._content.records["cautions"]}
        self.caution_boxes = {
            caution_id: self._checkbox(labels[caution_id]) for caution_id in self._content.caution_ids
        }
        # Printed on the handouts only: never stored, logged or put in a link.
        self.handout_fields = {
            name: widgets.Text(
                value="",
                description=label,
                placeholder="optional",
                continuous_update=False,
                style=WIDE_LABELS,
            )
            for name, label in (("clinician", "Clinician"), ("clinic", "Clinic"), ("contact", "Contact"))
        }
        self.case_picker = widgets.Dropdown(
            options=[("(none)", NO_CASE), *((case["title"], case["id"]) for case in self._cases.values())],
            value=NO_CASE,
            description="Teaching case",
            style=WIDE_LABELS,
        )

    # Widgets of a kind share one style and one layout model (none is ever restyled on its own):
    # each model is a message from the kernel and an object the browser creates while the page
    # loads, and without sharing the checkboxes and HTML panels would bring about 100 more.

    def _checkbox(self, label: str) -> widgets.Checkbox:
        if not hasattr(self, "_checkbox_style"):
            self._checkbox_style = CheckboxStyle(**WIDE_LABELS)
            self._checkbox_layout = widgets.Layout(width="auto")
        return widgets.Checkbox(
            value=False, description=label, indent=False, style=self._checkbox_style, layout=self._checkbox_layout
        )

    def _html(self, value: str = "", full_width: bool = False) -> widgets.HTML:
        if not hasattr(self, "_html_style"):
            self._html_style = HTMLStyle()
            self._html_layouts = {False: widgets.Layout(), True: widgets.Layout(width="100%")}
        return widgets.HTML(value, style=self._html_style, layout=self._html_layouts[full_width])

    def _build_outputs(self) -> None:
        self.outputs = {name: self._html(full_width=True) for name in OUTPUT_NAMES}
        self.outputs["style"].value = panels.style_panel()
        self.outputs["error"].value = panels.error_panel()
        self.outputs["disclaimer"].value = panels.disclaimer_panel(self._content.review_line)

    def _build_layout(self) -> widgets.Box:
        def heading(text: str, level: int = 2) -> widgets.HTML:
            css = "bc-heading" if level == 2 else "bc-group"
            return self._html(f'<h{level} class="{css}">{escape(text)}</h{level}>')

        flag_widgets: list[widgets.Widget] = []
        group = None
        for row in self._content.records["red_flags"]:
            if row["group"] != group:
                group = row["group"]
                flag_widgets.append(heading(group, level=3))
            flag_widgets.append(self.red_flag_boxes[row["id"]])
        # Red flags, cautions and handout details fold away: the day, episode and case lead.
        self.groups = {
            "red_flags": Disclosure("Red flags", flag_widgets, list(self.red_flag_boxes.values())),
            "cautions": Disclosure("Medication cautions", [], list(self.caution_boxes.values())),
            "handout": Disclosure("On the handout", list(self.handout_fields.values())),
        }
        app = widgets.VBox()
        app.add_class("bc-app")
        # Presenter mode: play the days, and a bar across the top in large type for a projector.
        self.presenter = PresenterControls(self.days_slider, app)
        # Live class (docs/live-class.md): a toggle in the presenter bar opens the class panel above the result.
        self.class_toggle = widgets.ToggleButton(
            value=False, description="Live class", icon="users", tooltip="The room answers a teaching case on phones"
        )
        self.class_toggle.add_class("bc-class-toggle")
        self.class_box = widgets.VBox(layout=widgets.Layout(display="none", width="100%"))
        if LIVE_CLASS:
            bar = self.presenter.container.children
            self.presenter.container.children = (*bar[:2], self.class_toggle, *bar[2:])
        day = widgets.VBox([self.days_text, self.days_slider])
        day.add_class("bc-day")
        key = widgets.VBox([heading("Scenario"), day, self.episode_picker, self.case_picker, self.presenter.container])
        key.add_class("bc-key")
        more = widgets.VBox([self.pain_slider, *(group.widget for group in self.groups.values())])
        more.add_class("bc-more")
        controls = widgets.VBox([key, more], layout=widgets.Layout(flex="0 1 24rem"))
        controls.add_class("bc-controls")  # the template marks it as the page's complementary landmark
        # Under the case: a note when the scenario has moved away from it, and the way back. They sit
        # in their own row so the case panel's HTML (and any details the viewer opened) stays as it is.
        self.case_reset = widgets.Button(description="Back to the case")
        self.case_reset.add_class("bc-case-reset")
        self.case_note = self._html()
        self.case_notice = self._html(notice_html())
        self.case_row = widgets.HBox(
            [self.case_reset, self.case_note, self.case_notice],
            layout=widgets.Layout(display="none", align_items="center"),
        )
        self.teaching = self._build_teaching()
        # The day marker lies over the timeline's picture, which then stays the same from day to day.
        timeline = widgets.VBox([self.outputs["timeline_marker"], self.outputs["timeline"]])
        timeline.add_class("bc-timeline-box")
        self.outputs["timeline_marker"].add_class("bc-timeline-over")
        # The handouts (about 50 KB of HTML) are made when asked for, then follow every change.
        self.handout_button = widgets.Button(
            description=HANDOUT_BUTTON[False], icon="file-text", layout=widgets.Layout(width="auto")
        )
        self.handout_button.add_class("bc-handout-toggle")
        self.handout_button.on_click(self._on_handout_button)
        self.handout_notice = self._html(notice_html())  # a failed "Make the handouts" says so here
        handouts = widgets.VBox(
            [self.outputs["handout"], self.handout_button, self.handout_notice, self.outputs["handout_links"]]
        )
        later = ("style", "timeline_marker", "takeaways", "related", "handout", "handout_links", "disclaimer")
        before = [name for name in OUTPUT_NAMES if name not in later]
        children: list[widgets.Widget] = [self.outputs[name] for name in before]
        children[children.index(self.outputs["timeline"])] = timeline
        # The reset button sits right under the case panel; the teaching panels before the footer.
        children.insert(children.index(self.outputs["case"]) + 1, self.case_row)
        children.insert(children.index(self.outputs["gate"]), self.class_box)
        children += [self.outputs[name] for name in ("takeaways", "related")]
        children += [handouts, *self.teaching, self.outputs["disclaimer"]]
        outputs = widgets.VBox(children, layout=widgets.Layout(flex="1 1 32rem"))
        outputs.add_class("bc-outputs")  # the template marks it as the page's main landmark
        body = widgets.HBox([controls, outputs], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        body.add_class("bc-body")
        app.children = (self.outputs["style"], self.presenter.style, body)
        return app

    def _build_teaching(self) -> list[widgets.Widget]:
        """The compare view and the evidence lens: a button each, opening from the scenario on screen."""
        self.teaching_buttons: list[widgets.Button] = []
        self.teaching_notices: list[widgets.HTML] = []  # under each button: a panel that failed to open says so
        self.teaching_boxes: list[widgets.VBox] = []
        shown: list[widgets.Widget] = []
        for title in TEACHING_PANELS:
            button = widgets.Button(description=f"Open: {title}", layout=widgets.Layout(width="auto"))
            button.add_class("bc-open-panel")
            notice = self._html(notice_html())
            box = widgets.VBox(layout=widgets.Layout(display="none"))
            box.add_class("bc-teaching")
            button.on_click(self._on_teaching_button)
            self.teaching_buttons.append(button)
            self.teaching_notices.append(notice)
            self.teaching_boxes.append(box)
            shown += [button, notice, box]
        return shown

    def _on_teaching_button(self, button: widgets.Button) -> None:
        index = self.teaching_buttons.index(button)
        self._safely(self.toggle_panel, index, notice=self.teaching_notices[index])

    def toggle_panel(self, index: int) -> None:
        """Open (built afresh from the scenario on screen) or close teaching panel ``index``."""
        box, button, title = self.teaching_boxes[index], self.teaching_buttons[index], TEACHING_PANELS[index]
        if box.layout.display != "none":
            box.layout.display = "none"
            box.children = ()
            button.description = f"Open: {title}"
            return
        scenario = self.scenario()
        if index == 0:
            later = replace(scenario, days_since_onset=min(scenario.days_since_onset + 7, MAX_DAYS), case=None)
            panel = CompareApp(self._content, left=scenario, right=later)
        else:
            panel = EvidenceLensApp(self._content, day=scenario.days_since_onset)
        box.children = (panel.container,)
        box.layout.display = "flex"
        button.description = f"Close: {title}"

    def _wire(self) -> None:
        for control in self._controls():
            control.observe(self._on_change, names="value")
        for field in self.handout_fields.values():
            field.observe(self._on_handout_field, names="value")
        self.case_reset.on_click(self._on_case_reset)
        self.class_toggle.observe(self._on_class_toggle, names="value")

    def _on_class_toggle(self, change: dict[str, Any]) -> None:
        self._safely(self._show_class_panel, change["new"], notice=self.presenter.message)

    def _show_class_panel(self, shown: bool) -> None:
        """Open the live class panel (built on first use, on the case on screen) or fold it away."""
        if shown and not self.class_box.children:
            from backcare_nb.ui.live import ClassPresenterApp  # only a presenter's kernel needs it

            self.class_panel = ClassPresenterApp(
                self._content, on_reveal=self.set_scenario, case_id=self.case_picker.value or None
            )
            self.class_box.children = (self.class_panel.widget,)
        self.class_box.layout.display = "flex" if shown else "none"

    def _on_case_reset(self, button: widgets.Button) -> None:
        self._safely(self._back_to_case, notice=self.case_notice)

    def _back_to_case(self) -> None:
        """Back to the teaching case the viewer changed the scenario from."""
        case = self._changed_from_case
        if case is not None:
            self._changed_from_case = None
            self.set_scenario(scenario_from_case(case, self._content))

    def _on_handout_field(self, change: dict[str, Any]) -> None:
        """A name, clinic or contact typed for the handouts: redo the handouts only."""
        if self._plan is not None:
            self._safely(self._render_handouts, self._plan, notice=self.groups["handout"].message)

    def _on_handout_button(self, button: widgets.Button) -> None:
        self._safely(self.show_handouts, not self._handouts_shown, notice=self.handout_notice)

    def show_handouts(self, shown: bool = True) -> None:
        """Show the handouts for the plan on screen (kept up to date from then on), or fold them away."""
        self._handouts_shown = shown
        self.handout_button.description = HANDOUT_BUTTON[shown]
        if self._plan is not None:
            self._render_handouts(self._plan)

    def _render_handouts(self, plan: Plan) -> None:
        details = self.handout_details()
        self.outputs["handout"].value = panels.handout_panel(plan, details, self._served_at())
        self.outputs["handout_links"].value = panels.handout_links_panel(plan, details) if self._handouts_shown else ""

    def _plan_for(self, scenario: Scenario) -> Plan:
        """The plan for ``scenario``, kept: the week ahead shares six days with the previous day's."""
        return _kept(self._plans, scenario, PLAN_CACHE, lambda: build_plan(scenario, self._content))

    def _plan_panel(self, plan: Plan) -> str:
        """The plan's HTML, written again only when the advice differs from the last (most days it does not)."""
        key = (plan.items, plan.warnings, plan.gate)
        if self._plan_html is None or self._plan_html[0] != key:
            self._plan_html = (key, panels.plan_panel(plan))
        return self._plan_html[1]

    def _timeline(self, plan: Plan) -> tuple[str, TimelineLayout]:
        """The timeline picture and its layout: the same for every day of a scenario, so kept."""

        def draw() -> tuple[str, TimelineLayout]:
            layout = timeline_layout(plan, self._content)
            return panels.timeline_panel(plan, self._content, layout), layout

        key = (replace(plan.scenario, days_since_onset=0, case=None), plan.gate)
        return _kept(self._timelines, key, TIMELINE_CACHE, draw)

    @staticmethod
    def _served_at() -> str | None:
        """The page's path when Voilà serves this kernel (it sets SCRIPT_NAME), else ``None`` (Lab)."""
        return os.environ.get("SCRIPT_NAME") or None

    def _controls(self) -> list[widgets.ValueWidget]:
        return [
            self.days_slider,
            self.days_text,
            self.episode_picker,
            self.pain_slider,
            *self.red_flag_boxes.values(),
            *self.caution_boxes.values(),
            self.case_picker,
        ]

    # --- state --------------------------------------------------------------------------------------

    @property
    def plan(self) -> Plan | None:
        """The plan on screen (``None`` only if the very first update failed)."""
        return self._plan

    @property
    def content(self) -> Content:
        return self._content

    def scenario(self) -> Scenario:
        """The scenario the controls describe now."""
        # Once a control has moved away from the case, the scenario is no longer that case.
        case = None if self._changed_from_case else (self.case_picker.value or None)
        return Scenario(
            days_since_onset=int(self.days_text.value),
            episode=self.episode_picker.value,
            pain=int(self.pain_slider.value),
            red_flags=tuple(flag for flag, box in self.red_flag_boxes.items() if box.value),
            cautions=tuple(caution for caution, box in self.caution_boxes.items() if box.value),
            case=case,
        )

    def set_scenario(self, scenario: Scenario) -> None:
        """Move every control to ``scenario`` and update the outputs once."""
        with self._quietly():
            self._set_controls(scenario)
        self._safely(self._render)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """While the app moves several controls, their handlers do nothing (no loops, one render)."""
        previous, self._updating = self._updating, True
        try:
            yield
        finally:
            self._updating = previous

    def _set_controls(self, scenario: Scenario) -> None:
        self.days_text.value = scenario.days_since_onset
        self.days_slider.value = self._stop(scenario.days_since_onset)
        self.episode_picker.value = scenario.episode
        self.pain_slider.value = scenario.pain
        for flag, box in self.red_flag_boxes.items():
            box.value = flag in scenario.red_flags
        for caution, box in self.caution_boxes.items():
            box.value = caution in scenario.cautions
        self.case_picker.value = scenario.case if scenario.case in self._cases else NO_CASE
        self._changed_from_case = None

    # --- handlers -----------------------------------------------------------------------------------

    def _on_change(self, change: dict[str, Any]) -> None:
        """The one handler: keep the two day controls in step, apply a case, then render."""
        if self._updating:
            return
        self._safely(self._apply_change, change)

    def _apply_change(self, change: dict[str, Any]) -> None:
        owner = change["owner"]
        with self._quietly():
            if owner is self.case_picker:
                self._changed_from_case = None
                if change["new"] != NO_CASE:
                    self._set_controls(scenario_from_case(change["new"], self._content))
            else:
                if owner is self.days_slider:
                    self.days_text.value = change["new"]
                elif owner is self.days_text:
                    self.days_slider.value = self._stop(change["new"])
                # Edited away from the teaching case: keep the case on screen, say so, offer the way back.
                if self.case_picker.value != NO_CASE:
                    self._changed_from_case = self.case_picker.value
        self._render(settle=True)

    def _stop(self, day: int) -> int:
        """The slider's stop for ``day``: the last stop at or before it."""
        return max(stop for stop in self.day_stops if stop <= day)

    def _safely(self, action: Callable[..., None], *args: Any, notice: NoticeArea | None = None) -> None:
        """Run ``action`` through the one error policy (:func:`~backcare_nb.ui.callbacks.run_guarded`):
        on any error, log the traceback and show a friendly notice in ``notice``, the area next to
        the control used (by default the error area above the result, for the scenario's controls)."""
        where = notice if notice is not None else self.outputs["error"]
        message = FRIENDLY_MESSAGE if notice is not None else panels.FRIENDLY_ERROR
        what = f"DashboardApp.{getattr(action, '__name__', 'update')}"
        run_guarded(action, *args, notice=where, what=what, message=message)

    # --- output -------------------------------------------------------------------------------------

    def _render(self, settle: bool = False) -> None:
        """Build the plan for the controls and refresh every output panel.

        A widget only sends a value to the browser when it changed, so panels that do not depend
        on what changed cost nothing to reassign. Each panel is sent as soon as it is built, the
        result first (the level of concern, the stage, the plan), so the browser shows it while the
        rest are still being written. With ``settle`` (a viewer's change) the panels below the
        timeline wait until the changes pause (:class:`~backcare_nb.ui.pacing.Settle`).
        """
        plan = self._plan_for(self.scenario())
        shown = self.outputs
        shown["error"].value = panels.error_panel()
        shown["gate"].value = panels.gate_panel(plan)
        shown["stage"].value = panels.stage_panel(plan)
        shown["case"].value = panels.case_panel(self._cases.get(plan.scenario.case or self._changed_from_case or ""))
        shown["plan"].value = self._plan_panel(plan)
        shown["safety"].value = panels.safety_net_panel(plan)
        timeline, layout = self._timeline(plan)
        shown["timeline_marker"].value = panels.timeline_marker_panel(layout, plan.scenario.days_since_onset)
        shown["timeline"].value = timeline
        # Shown (greyed out until needed) whenever a case is on screen, so the plan below never jumps.
        self.case_row.layout.display = "flex" if self.case_picker.value != NO_CASE else "none"
        self.case_reset.disabled = self._changed_from_case is None
        changed = self._cases.get(self._changed_from_case or "")
        self.case_note.value = panels.case_changed_note(changed["title"]) if changed else ""
        for group in self.groups.values():
            group.refresh()
        self._plan = plan
        if settle:
            self._below.later(lambda: self._safely(self._render_below))
        else:
            self._below.cancel()
            self._render_below()

    def _render_below(self) -> None:
        """The week ahead, the takeaways, related reading and the handouts, for the plan on screen."""
        plan = self._plan
        if plan is None:
            return
        shown = self.outputs
        shown["schedule"].value = panels.schedule_panel(schedule_for(plan, self._content, self._plan_for))
        shown["takeaways"].value = panels.takeaways_panel(plan)
        shown["related"].value = panels.related_panel(plan)
        self._render_handouts(plan)

    def add_notices(self, notices: Iterable[str]) -> None:
        """Add sentences to the notices above the result (e.g. about the page's link)."""
        self.outputs["notices"].value += panels.notices_panel(notices)

    # --- reading what the viewer sees (tests, notebooks) ---------------------------------------------

    def page_html(self) -> str:
        """The HTML of every output panel, in page order (what the viewer reads)."""
        return "".join(self.outputs[name].value for name in OUTPUT_NAMES if name != "style")

    def handout_details(self) -> HandoutDetails:
        """Who hands the sheets over (from the handout fields) and the dashboard's public address."""
        return HandoutDetails.from_environment(
            **{name: field.value.strip() for name, field in self.handout_fields.items()}
        )

    def handout_html(self, kind: str = "patient") -> str:
        """The handout (``"patient"`` or ``"clinician"``) behind its download link, decoded from the
        link; shows the handouts first if they are folded away, as a viewer would."""
        if not self._handouts_shown:
            self.show_handouts()
        value = self.outputs["handout_links"].value
        value = value[value.index(f"bc-handout-{kind}") :]
        start = value.index("base64,") + len("base64,")
        return base64.b64decode(value[start : value.index('"', start)]).decode("utf-8")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
