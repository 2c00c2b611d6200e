"""A live class: the presenter's panel and the learner's page, as ipywidgets apps.

The apps only build widgets and wire them to :class:`backcare_nb.classroom.LiveClass`, which
holds the rules, and to :class:`backcare_nb.classroom.Poller`, which reads the store on a timer
outside any handler (a learner's kernel cannot push to the presenter's). Every handler and every
poll catches its errors: a class problem shows its own sentence (a bad code, an option not
offered, the database unavailable), anything else the friendly message of
:mod:`backcare_nb.ui.callbacks`; nothing reaches the page as a traceback.

- :class:`ClassPresenterApp`: start a class on a teaching case, show the join code, QR code and
  link, a live bar chart of the answers, "Reveal" (the answer, why, the sources; the dashboard
  moves to the case through ``on_reveal``), "Next question", and the results as CSV.
- :class:`ClassLearnerApp`: phone-first: the case, the question, answer buttons at least 44 px
  tall, a confirmation, and after the reveal whether the answer was right and why.
"""

from __future__ import annotations

import base64
import functools
import os
from collections.abc import Callable
from html import escape
from typing import Any, TypeVar
from urllib.parse import parse_qs

import ipywidgets as widgets

from backcare_nb import preheat
from backcare_nb.classroom import (
    ClassError,
    ClassStore,
    ClassView,
    LiveClass,
    Poller,
    StoreUnavailable,
    Tally,
    new_device_id,
    open_store,
)
from backcare_nb.content import Content
from backcare_nb.handout import PUBLIC_URL_ENV, qr_svg
from backcare_nb.quiz import MULTIPLE, Question, QuestionResult, Quiz
from backcare_nb.scenario import Scenario, scenario_from_case
from backcare_nb.ui import panels
from backcare_nb.ui.callbacks import guarded, log_to_server, run_guarded

#: The page parameter of the learner's view and the query parameter holding the join code.
PAGE_NAME, JOIN_PARAMETER = "class", "join"
PRESENTER_POLL_SECONDS = 0.5
LEARNER_POLL_SECONDS = 1.0
WIDE_LABELS = {"description_width": "initial"}
# Okabe-Ito blue for the bars (readable on light and dark pages); the right answer also gets a
# word and a symbol, so colour is never the only cue.
BAR_COLOUR = "#0072B2"
RIGHT_COLOUR, WRONG_COLOUR = "#0072B2", "#D55E00"
RIGHT_TINT, WRONG_TINT = "#D6EAF8", "#FBE0D0"
CSS = f"""<style>
.bc-class {{ max-width: 60rem; }}
.bc-class .bc-class-code {{ font-size: 3rem; font-weight: 700; letter-spacing: .15em; margin: 0; }}
.bc-class .bc-class-qr svg {{ width: 12rem; height: 12rem; background: #fff; }}
.bc-class .bc-class-key {{ font-family: monospace; font-size: 1.3rem; }}
.bc-class .bc-chart {{ font-size: 1.4rem; line-height: 1.3; }}
.bc-class .bc-chart-row {{ margin: .5rem 0; }}
.bc-class .bc-chart-label {{ font-weight: 600; }}
.bc-class .bc-chart-track {{ display: flex; align-items: center; gap: .6rem; }}
.bc-class .bc-chart-bar {{ height: 2rem; min-width: 2px; background: {BAR_COLOUR}; }}
.bc-class .bc-chart-row.bc-right .bc-chart-bar {{ outline: 3px solid currentColor; }}
.bc-class .bc-chart-figure {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
.bc-class .bc-class-option {{ width: 100%; height: auto; min-height: 44px; white-space: normal;
  text-align: left; padding: .5rem .8rem; margin: .25rem 0; line-height: 1.3; font-size: 1.05rem; }}
.bc-class .bc-class-action {{ min-height: 44px; height: auto; }}
.bc-class .bc-mark {{ color: #1a1a1a; padding: 0 .3em; font-weight: 700; }}
</style>"""

App = TypeVar("App", bound=Callable[..., Any])


def class_guarded(method: App) -> App:
    """Like :func:`~backcare_nb.ui.callbacks.guarded`, but a :class:`ClassError` shows its own sentence."""

    @guarded
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except ClassError as error:
            self.message.value = alert(str(error))
            return None

    return wrapper  # type: ignore[return-value]


def _poll_problem(app: Any, error: Exception | None) -> bool:
    """After a poll of the store: whether there is nothing to draw. A class error is shown in the
    app's message (the store down: polling goes on; the class ended: it stops); any other error is
    raised for the one error policy; once the store answers again its "cannot be saved" goes."""
    if isinstance(error, ClassError):
        app.message.value = alert(str(error))
        if not isinstance(error, StoreUnavailable):  # the class ended: nothing more to read
            app.poller.stop()
        return True
    if error is not None:
        raise error
    if isinstance(app.message.value, str) and "cannot be saved" in app.message.value:
        app.message.value = ""  # the store is back
    return False


def alert(text: str) -> str:
    return f'<p class="bc-error" role="alert">{escape(text)}</p>'


def status(text: str) -> str:
    return f'<p class="bc-class-status" role="status">{escape(text)}</p>'


def join_link(code: str, public_url: str = "", served_at: str | None = None) -> str:
    """The learner's link for ``code``: on the public address when known (the QR code needs an
    address a phone can reach), else the page's own path on this server."""
    query = f"?page={PAGE_NAME}&{JOIN_PARAMETER}={code}"
    base = public_url.strip()
    if base.startswith(("https://", "http://")):
        return base.split("?", 1)[0] + query
    return (served_at or "/") + query


def chart_html(result: Tally) -> str:
    """The room's answers as horizontal bars: per option its label, count and share; after the
    reveal the right options are marked in words. Sizes in rem for the back of the room."""
    rows = []
    for row in result.rows:
        percent = round(row.share * 100)
        right = ""
        if row.right:
            right = f' <span class="bc-mark" style="background:{RIGHT_TINT}">✔ right answer</span>'
        rows.append(
            f'<div class="bc-chart-row{" bc-right" if row.right else ""}" data-option="{escape(row.key)}" '
            f'data-count="{row.count}"><div class="bc-chart-label">{escape(row.label)}{right}</div>'
            f'<div class="bc-chart-track"><div class="bc-chart-bar" style="width:{max(percent, 0) * 0.8:.1f}%">'
            f'</div><span class="bc-chart-figure">{row.count} ({percent}%)</span></div></div>'
        )
    answers = "answer" if result.respondents == 1 else "answers"
    return (
        f'<div class="bc-chart" data-respondents="{result.respondents}" aria-live="polite">'
        f'<p class="bc-chart-total"><strong>{result.respondents} {answers}</strong></p>{"".join(rows)}</div>'
    )


def explanation_html(question: Question, quiz: Quiz) -> str:
    """The right answer, why, and the sources: from the quiz engine, as the self-check quiz shows them."""
    right = [option for option in question.options if option.key in question.answer]
    notes = "".join(
        f"<li><strong>{escape(option.label)}</strong>: {escape(question.option_notes.get(option.key, ''))}</li>"
        for option in right
    )
    sources = "; ".join(f"{escape(source)}: {escape(quiz.citations.get(source, ''))}" for source in question.sources)
    return (
        f'<div class="bc-class-answer" role="status"><h4>The answer: '
        f"{escape(', '.join(option.label for option in right))}</h4>"
        f"<p>{escape(question.explanation)}</p><ul>{notes}</ul><p><small>Sources: {sources}</small></p></div>"
    )


def _mark(right: bool) -> str:
    colour, tint, symbol, word = (
        (RIGHT_COLOUR, RIGHT_TINT, "✔", "Right") if right else (WRONG_COLOUR, WRONG_TINT, "✘", "Not right")
    )
    return f'<span class="bc-mark" style="background:{tint};border-left:4px solid {colour}">{symbol} {word}</span>'


def learner_result_html(result: QuestionResult, answered: bool) -> str:
    """After the reveal: right or not, the learner's answer, the answer, why, and the sources."""
    chosen = ", ".join(result.chosen) if answered else "no answer"
    sources = "; ".join(f"{escape(source)}: {escape(citation)}" for source, citation in result.sources)
    verdict = _mark(result.correct) if answered else "<strong>You did not answer this one.</strong>"
    return (
        f'<div class="bc-class-result" role="status"><h3>{verdict}</h3>'
        f"<p>Your answer: {escape(chosen)}. The answer: <strong>{escape(', '.join(result.expected))}</strong>.</p>"
        f"<p>{escape(result.explanation)}</p><p><small>Sources: {sources}</small></p></div>"
    )


def case_html(quiz: Quiz) -> str:
    facts = "".join(f"<li>{escape(fact)}</li>" for fact in quiz.facts)
    return f"<h3>{escape(quiz.title)}</h3><p>{escape(quiz.scenario_text)}</p><ul>{facts}</ul>"


def question_html(view: ClassView) -> str:
    tick = " Tick every one that applies, then send." if view.question.kind == MULTIPLE else ""
    return (
        f'<p class="bc-class-question"><strong>Question {view.number} of {len(view.quiz.questions)}: '
        f"{escape(view.question.prompt)}</strong>{escape(tick)}</p>"
    )


class ClassPresenterApp:
    """The presenter's class panel: display :attr:`widget`.

    Parameters
    ----------
    content
        Validated content (the teaching cases).
    store
        Where answers meet (default: :func:`backcare_nb.classroom.open_store`, from ``--class-db``).
    on_reveal
        Called with the case's :class:`~backcare_nb.scenario.Scenario` after a reveal; the
        dashboard passes its ``set_scenario`` so the screen moves to the case.
    case_id
        The case to offer first (default: the first in data/cases.csv).
    public_url
        The dashboard's public address, for the join link and QR code (default:
        ``$BACKCARE_PUBLIC_URL``).
    poll_seconds
        How often the chart reads the store.
    """

    def __init__(
        self,
        content: Content,
        store: ClassStore | None = None,
        on_reveal: Callable[[Scenario], Any] | None = None,
        case_id: str | None = None,
        public_url: str | None = None,
        poll_seconds: float = PRESENTER_POLL_SECONDS,
    ) -> None:
        log_to_server()
        self.content = content
        self.live = LiveClass(store if store is not None else open_store(), content)
        self.on_reveal = on_reveal
        self.public_url = public_url if public_url is not None else os.environ.get(PUBLIC_URL_ENV, "")
        self.view: ClassView | None = None
        self._key = ""
        self._shown: tuple[int, bool] | None = None  # (question, revealed) the panels were drawn for
        self.poller = Poller(self._fetch, self._apply, poll_seconds)
        self._build(case_id)

    # --- building -------------------------------------------------------------------------------

    def _build(self, case_id: str | None) -> None:
        cases = self.content.records["cases"]
        self.case_picker = widgets.Dropdown(
            description="Teaching case",
            options=[(case["title"], case["id"]) for case in cases],
            value=case_id if case_id is not None else cases[0]["id"],
            style=WIDE_LABELS,
            layout=widgets.Layout(width="auto"),
        )
        self.start_button = self._button("Start a class", self._on_start, style="primary")
        self.code_field = widgets.Text(description="Join code", placeholder="K7MP2Q", style=WIDE_LABELS)
        self.key_field = widgets.Password(description="Presenter key", style=WIDE_LABELS)
        self.take_over_button = self._button("Take over this class", self._on_take_over)
        self.take_over = widgets.Accordion(
            children=[widgets.VBox([self.code_field, self.key_field, self.take_over_button])],
            titles=("Take over a class already started",),
            selected_index=None,
        )
        self.join_panel = widgets.HTML()
        self.key_panel = widgets.HTML()
        self.question_panel = widgets.HTML()
        self.chart = widgets.HTML()
        self.answer_panel = widgets.HTML()
        self.reveal_button = self._button("Reveal the answer", self._on_reveal, style="success")
        self.next_button = self._button("Next question", self._on_next)
        self.export_button = self._button("Export results (CSV)", self._on_export)
        self.export_link = widgets.HTML()
        self.message = widgets.HTML()
        self.class_box = widgets.VBox(
            [
                self.join_panel,
                self.key_panel,
                self.question_panel,
                self.chart,
                widgets.HBox(
                    [self.reveal_button, self.next_button, self.export_button],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
                self.export_link,
                self.answer_panel,
            ],
            layout=widgets.Layout(display="none"),
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML(CSS),
                widgets.HTML("<h3>Live class</h3><p>The room answers this case on their phones.</p>"),
                widgets.HBox([self.case_picker, self.start_button], layout=widgets.Layout(flex_flow="row wrap")),
                self.take_over,
                self.message,
                self.class_box,
            ]
        )
        self.widget.add_class("bc-class")
        self.widget.add_class("bc-class-presenter")
        self.container = self.widget

    def _button(self, text: str, handler: Callable[..., Any], style: str = "") -> widgets.Button:
        button = widgets.Button(description=text, button_style=style, layout=widgets.Layout(width="auto"))
        button.add_class("bc-class-action")
        button.on_click(handler)
        return button

    # --- handlers --------------------------------------------------------------------------------

    @class_guarded
    def _on_start(self, button: widgets.Button | None = None) -> None:
        """Start a class on the chosen case: a new code, and the presenter key shown once."""
        self.message.value = ""
        self.view, self._key = self.live.start(self.case_picker.value)
        self.key_panel.value = (
            f'<p>Presenter key (shown once; needed to take this class over from another page): <span class="'
            f'bc-class-key">{escape(self._key)}</span></p>'
        )
        self._opened()

    @class_guarded
    def _on_take_over(self, button: widgets.Button | None = None) -> None:
        """Control a class started elsewhere, with its code and key (or the server's token)."""
        self.message.value = ""
        key = self.key_field.value
        self.view = self.live.take_over(self.code_field.value, key)
        self._key = key
        self.key_field.value = ""
        self.key_panel.value = ""
        self._opened()

    def _opened(self) -> None:
        self._shown = None
        self.class_box.layout.display = "flex"
        self.export_link.value = ""
        self._draw(self.view, self.live.tally(self.view))
        self.poller.start()

    @class_guarded
    def _on_reveal(self, button: widgets.Button | None = None) -> None:
        """Show the answer, close the question to learners, and move the dashboard to the case."""
        if self.view is None:
            return
        self.message.value = ""
        self.view = self.live.reveal(self.view.code, self._key)
        self._draw(self.view, self.live.tally(self.view))
        if self.on_reveal is not None:
            self.on_reveal(scenario_from_case(self.view.record.case_id, self.content))

    @class_guarded
    def _on_next(self, button: widgets.Button | None = None) -> None:
        if self.view is None:
            return
        self.message.value = ""
        self.key_panel.value = ""  # shown once
        self.view = self.live.next_question(self.view.code, self._key)
        self._draw(self.view, self.live.tally(self.view))

    @class_guarded
    def _on_export(self, button: widgets.Button | None = None) -> None:
        """The results as a CSV download link (anonymous: learners are numbered)."""
        if self.view is None:
            return
        text = self.live.export_csv(self.view.code, self._key)
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        name = f"class-{self.view.code}-results.csv"
        self.export_link.value = (
            f'<p><a class="bc-class-export" download="{name}" href="data:text/csv;base64,{data}">'
            f"Download {escape(name)}</a></p>"
        )

    # --- polling ---------------------------------------------------------------------------------

    def _fetch(self) -> tuple[ClassView, Tally] | None:
        """In the poller's thread: the class and its tally as the store has them now."""
        if self.view is None:
            return None
        view = self.live.open(self.view.code)
        return view, self.live.tally(view)

    def _apply(self, snapshot: tuple[ClassView, Tally] | None, error: Exception | None) -> None:
        """On the kernel's loop: show the new tally, or why there is none (the one error policy)."""
        run_guarded(
            self._show_poll,
            snapshot,
            error,
            notice=self.message,
            what="ClassPresenterApp._apply",
            message="The live chart could not update; it will try again.",
        )

    def _show_poll(self, snapshot: tuple[ClassView, Tally] | None, error: Exception | None) -> None:
        if _poll_problem(self, error) or snapshot is None:
            return
        self.view = snapshot[0]
        self._draw(*snapshot)

    def refresh(self) -> None:
        """Read the store now and redraw (what each poll does; for notebooks and tests)."""
        try:
            snapshot, error = self._fetch(), None
        except Exception as caught:
            snapshot, error = None, caught
        self._apply(snapshot, error)

    # --- drawing ---------------------------------------------------------------------------------

    def _draw(self, view: ClassView, result: Tally) -> None:
        state = (view.record.question, view.revealed)
        if state != self._shown:
            link = join_link(view.code, self.public_url, os.environ.get("SCRIPT_NAME") or None)
            absolute = link.startswith(("https://", "http://"))
            qr = f'<div class="bc-class-qr">{qr_svg(link)}</div>' if absolute else ""
            hint = "" if absolute else "<p><small>Start the server with --public-url for a QR code.</small></p>"
            self.join_panel.value = (
                f'<p>Join on your phone with the code</p><p class="bc-class-code">{escape(view.code)}</p>'
                f'{qr}<p><a href="{escape(link)}" target="_blank">{escape(link)}</a></p>{hint}'
            )
            self.question_panel.value = case_html(view.quiz) + question_html(view)
            self.answer_panel.value = explanation_html(view.question, view.quiz) if view.revealed else ""
            self.reveal_button.disabled = view.revealed
            self.next_button.disabled = view.is_last
            self._shown = state
        self.chart.value = chart_html(result)

    def close(self) -> None:
        """Stop polling (the kernel's end does this too)."""
        self.poller.stop()


class ClassLearnerApp:
    """A learner's page in a live class: display :attr:`widget`.

    Parameters
    ----------
    content
        Validated content (the teaching cases).
    store
        Where answers meet (default: :func:`backcare_nb.classroom.open_store`).
    code
        The join code from the link; without one (or a bad one) the page asks for it.
    poll_seconds
        How often the page checks for the reveal and the next question.
    """

    def __init__(
        self,
        content: Content,
        store: ClassStore | None = None,
        code: str = "",
        poll_seconds: float = LEARNER_POLL_SECONDS,
    ) -> None:
        log_to_server()
        self.content = content
        self.live = LiveClass(store if store is not None else open_store(), content)
        # Random, in this kernel only: a reload is a new page, a new kernel and a new device.
        self.device = new_device_id()
        self.view: ClassView | None = None
        self._shown: tuple[int, bool] | None = None
        self._option_buttons: list[widgets.Widget] = []
        self._option_keys: list[str] = []  # beside the buttons: the page holds only the labels
        self.poller = Poller(self._fetch, self._apply, poll_seconds)
        self._build()
        self.code_field.value = code
        if code:
            self._on_join()

    @classmethod
    def from_environment(
        cls, content: Content, store: ClassStore | None = None, query_params: dict[str, list[str]] | None = None
    ) -> ClassLearnerApp:
        """The page for the join code in the page's link (``?page=class&join=CODE``)."""
        if query_params is None:
            preheat.wait_for_request()
            query_params = parse_qs(os.environ.get("QUERY_STRING", ""))
        code = (query_params.get(JOIN_PARAMETER) or [""])[0][:40]
        return cls(content, store, code)

    def _build(self) -> None:
        self.code_field = widgets.Text(description="Join code", placeholder="K7MP2Q", style=WIDE_LABELS)
        self.join_button = widgets.Button(description="Join", button_style="primary")
        self.join_button.add_class("bc-class-action")
        self.join_button.on_click(self._on_join)
        self.join_box = widgets.HBox([self.code_field, self.join_button], layout=widgets.Layout(flex_flow="row wrap"))
        self.case_panel = widgets.HTML()
        self.question_panel = widgets.HTML()
        self.options_box = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.send_button = widgets.Button(description="Send my answer", button_style="primary")
        self.send_button.add_class("bc-class-action")
        self.send_button.on_click(self._on_send)
        self.confirmation = widgets.HTML()
        self.result_panel = widgets.HTML()
        self.message = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HTML(CSS),
                # The page's header carries the title and the teaching-material line.
                widgets.HTML("<p><small>No names are asked or kept.</small></p>"),
                self.join_box,
                self.message,
                self.case_panel,
                self.question_panel,
                self.result_panel,  # above the buttons: a phone shows the reveal without scrolling
                self.options_box,
                self.confirmation,
            ],
            layout=widgets.Layout(width="100%", padding="0 .5rem"),
        )
        self.widget.add_class("bc-class")
        self.widget.add_class("bc-class-learner")
        self.widget.add_class("bc-app")
        self.widget.children = (widgets.HTML(panels.style_panel()), *self.widget.children)
        self.container = self.widget

    # --- handlers ------------------------------------------------------------------------------

    @class_guarded
    def _on_join(self, button: widgets.Button | None = None) -> None:
        self.message.value = ""
        self.view = self.live.open(self.code_field.value)
        self.join_box.layout.display = "none"
        self._shown = None
        self._draw(self.view)
        self.poller.start()

    @class_guarded
    def _on_option(self, button: widgets.Button) -> None:
        """A one-answer question: the button is the answer; send it at once."""
        self._send(self._key_of(button))

    @class_guarded
    def _on_send(self, button: widgets.Button | None = None) -> None:
        """A tick-all question: send the ticked options."""
        chosen = [self._key_of(toggle) for toggle in self._option_buttons if toggle.value]
        if not chosen:
            self.message.value = alert("Tick at least one option, then send.")
            return
        self._send(chosen)

    def _send(self, value: str | list[str]) -> None:
        if self.view is None:
            return
        self.message.value = ""
        self.view = self.live.submit(self.view.code, self.device, self.view.record.question, value)
        self._confirm(self.view)

    def answer(self, labels: str | list[str]) -> None:
        """Answer by option label(s), as a learner does by pressing buttons (benchmarks, tests)."""
        wanted = {labels} if isinstance(labels, str) else set(labels)
        if self.view is None:
            raise RuntimeError("not in a class")
        if self.view.question.kind == MULTIPLE:
            for toggle in self._option_buttons:
                toggle.value = toggle.description in wanted
            self._on_send()
        else:
            for option_button in self._option_buttons:
                if option_button.description in wanted:
                    self._on_option(option_button)

    # --- polling -------------------------------------------------------------------------------

    def _fetch(self) -> ClassView | None:
        return None if self.view is None else self.live.open(self.view.code)

    def _apply(self, view: ClassView | None, error: Exception | None) -> None:
        """On the kernel's loop: show the class as it is now, or why not (the one error policy)."""
        run_guarded(
            self._show_poll,
            view,
            error,
            notice=self.message,
            what="ClassLearnerApp._apply",
            message="This page could not update; it will try again.",
        )

    def _show_poll(self, view: ClassView | None, error: Exception | None) -> None:
        if _poll_problem(self, error) or view is None:
            return
        self.view = view
        self._draw(view)

    def refresh(self) -> None:
        """Read the class now and redraw (what each poll does; for tests)."""
        try:
            view, error = self._fetch(), None
        except Exception as caught:
            view, error = None, caught
        self._apply(view, error)

    # --- drawing -------------------------------------------------------------------------------

    def _draw(self, view: ClassView) -> None:
        state = (view.record.question, view.revealed)
        if state == self._shown:
            return
        if self._shown is None or self._shown[0] != view.record.question:
            if self._shown is not None:
                self.message.value = ""  # e.g. "this question is closed", about the question before
            self.case_panel.value = case_html(view.quiz)
            self.question_panel.value = question_html(view)
            self._build_options(view.question)
            self.confirmation.value = ""
        locked = view.revealed
        for control in self._option_buttons:
            control.disabled = locked
        self.send_button.disabled = locked
        if view.revealed:
            chosen = self.live.my_answer(view, self.device)
            result = self.live.my_result(view, self.device)
            self.result_panel.value = learner_result_html(result, chosen is not None) if result else ""
        else:
            self.result_panel.value = ""
            if not self.confirmation.value:
                self.confirmation.value = status("Answer, then watch the screen: the presenter reveals the answer.")
        self._shown = state

    def _build_options(self, question: Question) -> None:
        controls: list[widgets.Widget] = []
        for option in question.options:
            if question.kind == MULTIPLE:
                control = widgets.ToggleButton(description=option.label, value=False)
            else:
                control = widgets.Button(description=option.label)
                control.on_click(self._on_option)
            control.layout = widgets.Layout(width="100%", height="auto")
            control.add_class("bc-class-option")
            controls.append(control)
        self._option_buttons = controls
        self._option_keys = [option.key for option in question.options]
        self.options_box.children = [*controls, self.send_button] if question.kind == MULTIPLE else controls

    def _key_of(self, control: widgets.Widget) -> str:
        return self._option_keys[self._option_buttons.index(control)]

    def _confirm(self, view: ClassView) -> None:
        chosen = self.live.my_answer(view, self.device) or frozenset()
        labels = [option.label for option in view.question.options if option.key in chosen]
        for control, key in zip(self._option_buttons, self._option_keys, strict=True):
            picked = key in chosen
            if isinstance(control, widgets.Button):
                control.button_style = "info" if picked else ""
                control.icon = "check" if picked else ""
        self.confirmation.value = status(
            f"Your answer is in: {'; '.join(labels)}. You can change it until the presenter reveals the answer."
        )

    def close(self) -> None:
        self.poller.stop()


__all__ = [
    "ClassLearnerApp",
    "ClassPresenterApp",
    "chart_html",
    "join_link",
]
