"""The self-check quiz app: pick a teaching case, answer three questions, submit, see why.

The right answers and explanations live only in the kernel (the :class:`backcare_nb.quiz.Quiz`
held by the app). Until the learner submits, the page holds nothing but the case, the questions
and the option labels; radio buttons start with nothing chosen and checkboxes unticked. After a
submit the answers are locked until "Next case" or a change of case.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from backcare_nb.content import Content, load_content
from backcare_nb.quiz import (
    MULTIPLE,
    Question,
    QuestionResult,
    Quiz,
    QuizResult,
    Session,
    build_quiz,
    format_points,
)
from backcare_nb.ui import panels
from backcare_nb.ui.callbacks import guarded

LABEL_STYLE = {"description_width": "initial"}
QUESTION_TITLES = {"stage": "Stage", "gate": "Red flags", "items": "The plan"}
# Okabe-Ito blue and vermillion, always with a word and a symbol so colour is never the only cue.
# The hue marks the edge of a light tint with dark text on it, readable in light and dark themes.
RIGHT_COLOUR, WRONG_COLOUR = "#0072B2", "#D55E00"
RIGHT_TINT, WRONG_TINT = "#D6EAF8", "#FBE0D0"
NOT_SUBMITTED = (
    "<p><em>Answer the questions, then choose Submit. The explanations appear here after you submit.</em></p>"
)


class QuizApp:
    """The quiz as ipywidgets; show :attr:`container` as the last thing in a cell.

    Parameters
    ----------
    content
        Validated content (default: :func:`backcare_nb.load_content`).
    case_id
        The case to open with (default: the first case in data/cases.csv).
    """

    def __init__(self, content: Content | None = None, case_id: str | None = None) -> None:
        self.content = content if content is not None else load_content()
        self.session = Session()
        self.quiz: Quiz | None = None
        self.result: QuizResult | None = None
        self.answer_widgets: dict[str, widgets.Widget] = {}
        self._option_keys: dict[str, list[str]] = {}  # per question, the option keys in shown order
        self._build_controls(case_id)
        self._build_layout()
        self._on_case_change()

    # --- building ---------------------------------------------------------------------------------

    def _build_controls(self, case_id: str | None) -> None:
        cases = self.content.records["cases"]
        self.case_picker = widgets.Dropdown(
            description="Teaching case",
            options=[(case["title"], case["id"]) for case in cases],
            value=case_id if case_id is not None else cases[0]["id"],
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        self.case_picker.observe(self._on_case_change, names="value")
        self.case_text = widgets.HTML()
        self.questions_box = widgets.VBox()
        self.submit_button = widgets.Button(description="Submit", button_style="primary")
        self.submit_button.on_click(self._on_submit)
        self.next_button = widgets.Button(description="Next case")
        self.next_button.on_click(self._on_next)
        self.feedback = widgets.HTML(NOT_SUBMITTED)
        self.score = widgets.HTML()
        self.message = widgets.HTML()

    def _build_layout(self) -> None:
        header = widgets.HTML(
            "<h2>How it works</h2><p>Pick a teaching case and answer three questions about it: the stage, "
            "the level of concern, and what belongs in the plan today. Then choose <strong>Submit</strong> to "
            "see what was right, why, and the sources. A plan question earns credit for each item you place "
            "right. Your answers are not stored or shared.</p>"
        )
        self.container = widgets.VBox(
            [
                header,
                self.case_picker,
                self.case_text,
                self.questions_box,
                widgets.HBox([self.submit_button, self.next_button]),
                self.message,
                self.feedback,
                self.score,
            ],
            layout=widgets.Layout(max_width="60rem"),
        )
        self.container.add_class("bc-quiz")
        # The dashboard's text style (line height, colours from the theme), also when shown on its own.
        self.container.add_class("bc-app")
        self.container.children = (widgets.HTML(panels.style_panel()), *self.container.children)

    def _build_question(self, number: int, question: Question) -> widgets.Widget:
        prompt = widgets.HTML(f"<p><strong>{number}. {escape(question.prompt)}</strong></p>")
        if question.kind == MULTIPLE:
            boxes = [
                widgets.Checkbox(
                    value=False, description=option.label, indent=False, layout=widgets.Layout(width="auto")
                )
                for option in question.options
            ]
            # The app keeps the keys beside the boxes; the page holds only the labels.
            self.answer_widgets[question.id] = widgets.VBox(boxes)
            self._option_keys[question.id] = [option.key for option in question.options]
            return widgets.VBox([prompt, self.answer_widgets[question.id]])
        radio = widgets.RadioButtons(
            options=[option.label for option in question.options],
            value=None,
            description=QUESTION_TITLES.get(question.id, f"Question {number}"),
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        self.answer_widgets[question.id] = radio
        self._option_keys[question.id] = [option.key for option in question.options]
        return widgets.VBox([prompt, radio])

    # --- reading the answers ------------------------------------------------------------------------

    def answers(self) -> dict[str, object]:
        """The learner's answers as option keys, in the form :func:`backcare_nb.quiz.grade` takes."""
        chosen: dict[str, object] = {}
        for question_id, widget in self.answer_widgets.items():
            keys = self._option_keys[question_id]
            if isinstance(widget, widgets.RadioButtons):
                chosen[question_id] = None if widget.index is None else keys[widget.index]
            else:
                chosen[question_id] = {key for key, box in zip(keys, widget.children, strict=True) if box.value}
        return chosen

    def choose(self, question_id: str, labels: str | list[str]) -> None:
        """Set an answer by its label(s), as a learner would by clicking (for notebooks and tests)."""
        widget = self.answer_widgets[question_id]
        if isinstance(widget, widgets.RadioButtons):
            widget.value = labels
            return
        wanted = {labels} if isinstance(labels, str) else set(labels)
        known = {box.description for box in widget.children}
        if wanted - known:
            raise ValueError(f"no option {sorted(wanted - known)[0]!r} in question {question_id!r}")
        for box in widget.children:
            box.value = box.description in wanted

    # --- callbacks ----------------------------------------------------------------------------------

    @guarded
    def _on_case_change(self, change: dict | None = None) -> None:
        """A new case: build its quiz, fresh unanswered questions, and reopen it for answers."""
        self.message.value = ""
        self.quiz = build_quiz(self.case_picker.value, self.content)
        self.session.unlock(self.quiz.case_id)
        self.result = None
        self.answer_widgets = {}
        self._option_keys = {}
        self.questions_box.children = [
            self._build_question(number, question) for number, question in enumerate(self.quiz.questions, start=1)
        ]
        self._render()

    @guarded
    def _on_submit(self, button: widgets.Button | None = None) -> None:
        """Grade the answers, add them to the session score and lock the case."""
        self.message.value = ""
        if self.quiz is None or self.session.is_locked(self.quiz.case_id):
            self.message.value = "<p>This case has been submitted. Choose Next case, or pick another case.</p>"
            return
        self.result = self.session.submit(self.quiz, self.answers())
        self._render()

    @guarded
    def _on_next(self, button: widgets.Button | None = None) -> None:
        """Move to the next case in the list (after the last, back to the first)."""
        values = [value for _, value in self.case_picker.options]
        position = values.index(self.case_picker.value)
        following = values[(position + 1) % len(values)]
        if following == self.case_picker.value:  # a single case: reopen it
            self._on_case_change()
        else:
            self.case_picker.value = following  # observe() calls _on_case_change

    # --- rendering ----------------------------------------------------------------------------------

    def _render(self) -> None:
        """Refresh the case text, the locked state, the feedback and the score from the app's state."""
        quiz = self.quiz
        if quiz is None:
            return
        facts = "".join(f"<li>{escape(fact)}</li>" for fact in quiz.facts)
        self.case_text.value = f"<h3>{escape(quiz.title)}</h3><p>{escape(quiz.scenario_text)}</p><ul>{facts}</ul>"
        locked = self.result is not None
        for widget in self.answer_widgets.values():
            for control in widget.children if isinstance(widget, widgets.VBox) else [widget]:
                control.disabled = locked
        self.submit_button.disabled = locked
        self.feedback.value = NOT_SUBMITTED if self.result is None else feedback_html(self.result)
        self.score.value = f'<p class="bc-score"><strong>{escape(self.session.summary())}.</strong></p>'


def _mark(right: bool) -> str:
    colour, tint, symbol, word = (
        (RIGHT_COLOUR, RIGHT_TINT, "✔", "Right") if right else (WRONG_COLOUR, WRONG_TINT, "✘", "Not right")
    )
    return (
        f'<span style="color:#1a1a1a;background:{tint};border-left:4px solid {colour};padding:0 .3em;'
        f'font-weight:700">{symbol} {word}</span>'
    )


def _question_html(number: int, result: QuestionResult) -> str:
    chosen = ", ".join(result.chosen) or "no answer"
    expected = ", ".join(result.expected) or "none"
    title = escape(QUESTION_TITLES.get(result.question_id, result.question_id))
    mark = _mark(result.correct)
    if not result.correct and result.credit > 0:
        mark += f" ({len(result.option_feedback) - len(result.missed)} of {len(result.option_feedback)} right)"
    parts = [
        f"<h4>{number}. {title}: {mark}</h4>",
        f"<p>Your answer: {escape(chosen)}. The answer: <strong>{escape(expected)}</strong>.</p>",
        f"<p>{escape(result.explanation)}</p>",
    ]
    if result.question_id == "items":
        if result.missed:
            missed = "".join(
                f"<li><strong>{escape(label)}</strong>. {escape(note)}</li>" for label, note in result.missed
            )
            parts.append(f'<p class="bc-missed">Missed, and why:</p><ul>{missed}</ul><p>Every option:</p>')
        rows = "".join(
            f"<li>{_mark(right)}: <strong>{escape(label)}</strong>. {escape(note)}</li>"
            for label, right, note in result.option_feedback
        )
        parts.append(f"<ul>{rows}</ul>")
    sources = "; ".join(f"{escape(source)}: {escape(citation)}" for source, citation in result.sources)
    parts.append(f"<p><small>Sources: {sources}</small></p>")
    return "".join(parts)


def feedback_html(result: QuizResult) -> str:
    """The feedback shown after submitting: right or wrong, why, the sources, the learning points."""
    questions = "".join(_question_html(number, item) for number, item in enumerate(result.results, start=1))
    points = "".join(f"<li>{escape(point)}</li>" for point in result.learning_points)
    return (
        f'<div class="bc-feedback" role="status"><h3>{result.right} of {result.total} right for this case '
        f"({format_points(result.points)} of {result.total} points)</h3>"
        f"{questions}<h4>Learning points</h4><ul>{points}</ul></div>"
    )
