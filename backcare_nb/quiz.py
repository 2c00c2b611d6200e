"""Self-check quiz on the teaching cases: questions built from the content and the plan engine.

Pure logic, no widgets: :func:`build_quiz` turns a case from data/cases.csv into three questions
whose right answers come from :func:`backcare_nb.build_plan`, so the quiz can never drift from the
engine. :func:`grade` marks a learner's answers with an explanation and the sources;
:class:`Session` keeps the score over a teaching session.

The :class:`Quiz` object holds the right answers. A user interface shows only
:attr:`Question.prompt` and the option labels until the learner submits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backcare_nb.content import ARTICLE_SOURCE, Content
from backcare_nb.plan import AVOID, CHECK_FIRST, HELD, Plan, build_plan
from backcare_nb.scenario import Scenario, scenario_from_case

SINGLE, MULTIPLE = "single", "multiple"
STAGE, GATE, ITEMS = "stage", "gate", "items"

#: What the learner chooses for the level of concern: an action, in words a clinician would use.
GATE_ANSWERS = {
    "clear": "Carry on with the self-care plan",
    "watchful": "Self-care plan, with a safety net and a review date",
    "routine": "Self-care plan plus a routine referral",
    "soon": "Assessment within about a week",
    "urgent": "Same-day assessment",
    "emergency": "Emergency: get help now (999, the emergency department or the team named)",
}
#: The option for "no self-care item belongs in the plan" (a level that replaces the plan).
NONE_OF_THESE = "none"
NONE_OF_THESE_LABEL = "None of these: there is no self-care plan now"
BED_REST = "bed_rest"
MAX_RIGHT_ITEMS = 5  # keep the checklist short enough to read on a projector
MAX_OTHER_ITEMS = 3  # items from other stages or episodes, besides bed rest
#: The plan question's option for "get assessed before the self-care items", and the rank of level
#: (assessment within a week) from which it is right.
ASSESSMENT_FIRST = "assessment_first"
ASSESSMENT_FIRST_LABEL = "Get assessed by a clinician first, before exercises or new medicines"
ASSESSMENT_FIRST_RANK = 3


@dataclass(frozen=True)
class Option:
    """One choice in a question: a stable key and the label the learner reads."""

    key: str
    label: str


@dataclass(frozen=True)
class Question:
    """A question with its right answer and explanations (kept out of any page until submitted).

    Attributes
    ----------
    id
        ``"stage"``, ``"gate"`` or ``"items"``.
    prompt
        The question as the learner reads it.
    kind
        ``"single"`` (one option) or ``"multiple"`` (tick every one that applies).
    options
        The choices, in the order shown.
    answer
        Keys of the right options (exactly one for a single-choice question).
    explanation
        Why the answer is right, shown after submitting.
    option_notes
        Per option key, a line on why it is or is not right (the checklist's per-item rationale).
    sources
        Ids from data/references.csv that back the explanation.
    """

    id: str
    prompt: str
    kind: str
    options: tuple[Option, ...]
    answer: frozenset[str]
    explanation: str
    option_notes: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def label(self, key: str) -> str:
        """The label of the option with this key; ``KeyError`` if there is none."""
        for option in self.options:
            if option.key == key:
                return option.label
        raise KeyError(key)


@dataclass(frozen=True)
class Quiz:
    """The questions for one teaching case, and what the learner is told about the case."""

    case_id: str
    title: str
    scenario_text: str
    facts: tuple[str, ...]  # day, episode, pain, cautions: what the learner may read before answering
    learning_points: tuple[str, ...]  # shown only after submitting (they give answers away)
    questions: tuple[Question, ...]
    citations: Mapping[str, str]  # source id -> citation, for every source the questions name

    def question(self, question_id: str) -> Question:
        """The question with this id; ``KeyError`` if there is none."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


@dataclass(frozen=True)
class QuestionResult:
    """How one question was answered."""

    question_id: str
    prompt: str
    correct: bool
    chosen: tuple[str, ...]  # labels the learner chose
    expected: tuple[str, ...]  # labels of the right options
    explanation: str
    option_feedback: tuple[tuple[str, bool, str], ...]  # (label, learner right on it, note)
    sources: tuple[tuple[str, str], ...]  # (id, citation)
    #: The share of the question earned: 1 or 0 for a single choice; for a checklist, the share of its
    #: options put on the right side (7 of 10 right earns 0.7, not nothing).
    credit: float = 0.0

    @property
    def missed(self) -> tuple[tuple[str, str], ...]:
        """The checklist options the learner got wrong, with why: (label, note)."""
        return tuple((label, note) for label, right, note in self.option_feedback if not right)


@dataclass(frozen=True)
class QuizResult:
    """The graded quiz for one case."""

    case_id: str
    results: tuple[QuestionResult, ...]
    learning_points: tuple[str, ...]

    @property
    def right(self) -> int:
        return sum(result.correct for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def points(self) -> float:
        """The credit over the questions (a question is worth one point)."""
        return sum(result.credit for result in self.results)


@dataclass
class Session:
    """The score over a teaching session: every submitted case adds its questions.

    A case is locked once submitted, so a second submit counts only after :meth:`unlock` (which
    the quiz app calls on "Next case" or when the case changes).
    """

    right: int = 0
    total: int = 0
    cases: int = 0
    points: float = 0.0
    history: list[QuizResult] = field(default_factory=list)
    locked: set[str] = field(default_factory=set)

    def is_locked(self, case_id: str) -> bool:
        return case_id in self.locked

    def unlock(self, case_id: str) -> None:
        self.locked.discard(case_id)

    def submit(self, quiz: Quiz, answers: Mapping[str, Any]) -> QuizResult:
        """Grade ``answers`` for ``quiz``, add them to the score and lock the case.

        Raises ``RuntimeError`` when the case is already locked (submitted and not reopened).
        """
        if self.is_locked(quiz.case_id):
            raise RuntimeError(f"case {quiz.case_id!r} has been submitted; choose Next case to try another")
        result = grade(quiz, answers)
        self.right += result.right
        self.points += result.points
        self.total += result.total
        self.cases += 1
        self.history.append(result)
        self.locked.add(quiz.case_id)
        return result

    def summary(self) -> str:
        """The score in words, e.g. "Score this session: 5.4 of 6 points; 5 of 6 questions right over 2 cases"."""
        if not self.total:
            return "Score this session: no answers submitted yet"
        cases = "case" if self.cases == 1 else "cases"
        return (
            f"Score this session: {format_points(self.points)} of {self.total} points; "
            f"{self.right} of {self.total} questions right over {self.cases} {cases}"
        )


def format_points(points: float) -> str:
    """Points with at most one decimal: 3, 2.7."""
    return f"{points:.1f}".removesuffix(".0")


# --- building the questions -------------------------------------------------------------------------


def _case_row(case_id: str, content: Content) -> dict[str, Any]:
    for row in content.records["cases"]:
        if row["id"] == case_id:
            return row
    raise KeyError(case_id)


def neutral_title(row: Mapping[str, Any]) -> str:
    """An intervention's title without a hint that gives the answer away.

    Items in the "avoid" category carry a hint in brackets ("Bed rest (not advised)"); a checklist
    that asks whether they belong must not, so the bracket is dropped for that category only.
    """
    title = str(row["title"])
    if row["category"] == "avoid" and title.endswith(")") and " (" in title:
        return title[: title.rindex(" (")]
    return title


def _days(low: int, high: int) -> str:
    return f"days {low}-{high}"


def _stage_question(plan: Plan, content: Content) -> Question:
    stages = [row for row in content.records["stages"] if row["scheme"] == "article"]
    day = plan.scenario.days_since_onset
    stage, band = plan.stage, plan.guideline_band
    explanation = (
        f"Day {day} is in the article's {stage.label}, {_days(stage.day_min, stage.day_max)}. "
        f"{stage.summary} The guidelines call day {day} {band.label}, {_days(band.day_min, band.day_max)}: "
        "keep the two labels apart."
    )
    notes = {
        row["id"]: (
            f"{row['label']} covers {_days(row['day_min'], row['day_max'])}; day {day} is "
            + ("inside it." if row["id"] == stage.id else "outside it.")
        )
        for row in stages
    }
    return Question(
        id=STAGE,
        prompt=f"Which of the article's stages is this person in on day {day}?",
        kind=SINGLE,
        options=tuple(Option(row["id"], row["label"]) for row in stages),
        answer=frozenset({stage.id}),
        explanation=explanation,
        option_notes=notes,
        sources=("ARTICLE", "ACP2017"),
    )


def _gate_question(plan: Plan, content: Content) -> Question:
    gate = plan.gate
    levels = sorted(content.records["concern_levels"], key=lambda row: int(row["rank"]))
    if gate.flags:
        ticked = "; ".join(f"{label} ({group})" for group, label in gate.flags)
        why = " ".join(note.text for note in gate.reasons)
        explanation = f"Red flags in this case: {ticked}. Level of concern: {gate.title} ({gate.time_frame}). {why}"
        if gate.below_threshold:
            explanation += " Not enough on their own: " + "; ".join(gate.below_threshold) + "."
    else:
        explanation = f"No red flag in this case. {gate.action}"
    sources = tuple(dict.fromkeys(note.origin.source_id for note in gate.reasons)) or ("IFOMPT-RF2020",)
    return Question(
        id=GATE,
        prompt="Combining the red flags with this person's story, what level of concern is right?",
        kind=SINGLE,
        options=tuple(Option(row["level"], GATE_ANSWERS.get(row["level"], row["title"])) for row in levels),
        answer=frozenset({gate.level}),
        explanation=explanation,
        option_notes={row["level"]: f"{row['title']} ({row['time_frame']}): {row['action']}" for row in levels},
        sources=sources,
    )


def _why_not_now(row: Mapping[str, Any], plan: Plan, stage_labels: Mapping[str, str]) -> str:
    """Why an article item is not in this plan, true for this day and this pain (not only the stage)."""
    scenario = plan.scenario
    day, pain = scenario.days_since_onset, scenario.pain
    if plan.stage.id not in row["stages"] or scenario.episode not in row["episodes"]:
        stages = " and ".join(stage_labels[stage] for stage in row["stages"])
        episodes = " and ".join(row["episodes"])
        return f"the article places it in the {stages}, for {episodes} episodes"
    if row["day_to"] is not None and day > row["day_to"]:
        start = row["day_from"] if row["day_from"] is not None else 0
        return f"it applies on days {start}-{row['day_to']} only, and this is day {day}"
    if row["day_from"] is not None and day < row["day_from"]:
        return f"it starts on day {row['day_from']}, and this is day {day}"
    if row["pain_max"] is not None and pain > row["pain_max"]:
        return f"it waits until the pain has come down to {row['pain_max']}/10 or less, and the pain is {pain}/10"
    if set(scenario.red_flags).intersection(row["waits_while"]):
        return "it waits until the leg pain has settled"
    return "it is not part of this plan"


def _items_question(plan: Plan, key_items: tuple[str, ...], content: Content) -> Question:
    # The question is about the article's plan: items a guideline adds are left out of the list,
    # so one the guidelines support is never marked wrong for not being the article's.
    # Prescription-only items ("unscored") are never on the list: whether one belongs is a prescriber's call.
    interventions = {
        row["id"]: row
        for row in content.records["interventions"]
        if row["source_id"] == ARTICLE_SOURCE and row["quiz"] != "unscored"
    }
    stage_labels = {row["id"]: row["label"] for row in content.records["stages"]}
    in_plan = {item.id: item for item in plan.items}
    # What "belongs in the plan": items the plan advises (a prescriber's check first still counts),
    # never the "avoid" category, never an item the cautions rule out, never the gate's own item.
    belongs = [item.id for item in plan.items if item.id in interventions and item.category != "avoid" and item.usable]
    right = [item_id for item_id in key_items if item_id in belongs]
    right += [item_id for item_id in belongs if item_id not in right]
    right = right[:MAX_RIGHT_ITEMS]

    wrong = [BED_REST] if BED_REST in interventions else []
    wrong += [item.id for item in plan.items if item.id in interventions and item.status in (AVOID, HELD)]
    # A round robin over categories gives distractors of different kinds (a medicine, an exercise...).
    by_category: dict[str, list[str]] = {}
    for row in interventions.values():
        # An item the guidelines support at every stage (staying active) is never offered as a wrong answer.
        if row["id"] not in in_plan and row["id"] not in wrong and row["quiz"] != "not_a_distractor":
            by_category.setdefault(row["category"], []).append(row["id"])
    others: list[str] = []
    while len(others) < MAX_OTHER_ITEMS and any(by_category.values()):
        for ids in by_category.values():
            if ids and len(others) < MAX_OTHER_ITEMS:
                others.append(ids.pop(0))
    wrong += others

    notes: dict[str, str] = {}
    for item_id in right:
        item = in_plan[item_id]
        extra = " Check with a prescriber or pharmacist first." if item.status == CHECK_FIRST else ""
        notes[item_id] = f"In the plan: {item.rationale}{extra}"
    for item_id in wrong:
        row = interventions[item_id]
        if item_id in in_plan and in_plan[item_id].status == AVOID:
            notes[item_id] = "Not for this person: " + " ".join(note.text for note in in_plan[item_id].caution_notes)
        elif item_id in in_plan and in_plan[item_id].status == HELD:
            notes[item_id] = f"Waits for the assessment ({plan.gate.title}). {plan.gate.meanwhile}"
        elif row["category"] == "avoid":
            notes[item_id] = f"Not advised at any stage. {row['rationale']}"
        elif plan.gate.replaces_plan:
            notes[item_id] = f"There is no self-care plan: {plan.gate.action}"
        else:
            notes[item_id] = f"Not in this plan: {_why_not_now(row, plan, stage_labels)}."

    options = sorted((Option(item_id, neutral_title(interventions[item_id])) for item_id in right + wrong), key=_label)
    # Getting assessed is on every list, so its presence gives nothing away; from "within a week" up
    # it comes before the self-care items, and a learner who leaves it out has not answered the case.
    assessment_first = plan.gate.rank >= ASSESSMENT_FIRST_RANK
    options = (Option(ASSESSMENT_FIRST, ASSESSMENT_FIRST_LABEL), *options)
    if assessment_first:
        notes[ASSESSMENT_FIRST] = (
            f"Right, before everything else: {plan.gate.title} ({plan.gate.time_frame}). {plan.gate.action}"
        )
    else:
        notes[ASSESSMENT_FIRST] = f"Not needed first: {plan.gate.action}"
    if plan.gate.replaces_plan:
        right = [NONE_OF_THESE, ASSESSMENT_FIRST]
        explanation = f"{plan.gate.title}: no self-care item belongs in the plan. {plan.gate.action}"
        notes[NONE_OF_THESE] = "Right: at this level the emergency replaces the self-care plan."
    else:
        explanation = (
            f"On day {plan.scenario.days_since_onset} ({plan.stage.label}), for "
            f"{_episode_words(plan.scenario.episode)}, the plan advises the items marked as belonging "
            "below; bed rest is never advised."
        )
        if assessment_first:
            explanation = f"Getting assessed comes first ({plan.gate.title}, {plan.gate.time_frame}). {explanation}"
        notes[NONE_OF_THESE] = "There is a self-care plan: only an emergency replaces it."
        if assessment_first:
            right = [ASSESSMENT_FIRST, *right]
    options = (*options, Option(NONE_OF_THESE, NONE_OF_THESE_LABEL))
    sources = [interventions[item_id]["source_id"] for item_id in right if item_id in interventions]
    sources += [
        note.origin.source_id for item_id in wrong if item_id in in_plan for note in in_plan[item_id].caution_notes
    ]
    if assessment_first:
        sources += [note.origin.source_id for note in plan.gate.reasons]
    return Question(
        id=ITEMS,
        prompt="Which of these belong in the article's plan for this person at this stage? Tick every one "
        "the plan advises now, including any that need a prescriber's check first. (Items that guidelines "
        "add beyond the article, such as advice on scans or work, are not in this list; getting assessed is.)",
        kind=MULTIPLE,
        options=options,
        answer=frozenset(right),
        explanation=explanation,
        option_notes=notes,
        sources=tuple(dict.fromkeys([*sources, "COCHRANE-ACTIVE2010"])),
    )


def _label(option: Option) -> str:
    return option.label.lower()


def _episode_words(episode: str) -> str:
    return "a first episode" if episode == "first" else "recurrent spasms"


def _facts(scenario: Scenario, content: Content) -> tuple[str, ...]:
    labels = {row["id"]: row["label"] for row in content.records["cautions"]}
    facts = [
        f"Day {scenario.days_since_onset} since the spasms began",
        "First episode" if scenario.episode == "first" else "Recurrent: episodes that settle and come back",
        f"Pain {scenario.pain}/10",
    ]
    if scenario.cautions:
        facts.append("Medicines and health: " + "; ".join(labels[caution] for caution in scenario.cautions))
    return tuple(facts)


def questions_for(plan: Plan, content: Content, key_items: tuple[str, ...] = ()) -> tuple[Question, ...]:
    """The stage, level-of-concern and plan questions for any plan (a case's, or one made up for
    teaching or for the clinical invariants); ``key_items`` are listed first in the checklist."""
    return (
        _stage_question(plan, content),
        _gate_question(plan, content),
        _items_question(plan, key_items, content),
    )


def build_quiz(case_id: str, content: Content) -> Quiz:
    """The three questions for a teaching case: stage, red-flag action, and what belongs in the plan.

    Parameters
    ----------
    case_id
        An id from data/cases.csv; ``KeyError`` if there is no such case.
    content
        Validated content from :func:`backcare_nb.load_content`.

    Returns
    -------
    Quiz
        The case's text and facts, its learning points, and the questions with their answers
        derived from :func:`backcare_nb.build_plan` (the case's expected columns are used only to
        choose which plan items the checklist shows first).
    """
    case = _case_row(case_id, content)
    scenario = scenario_from_case(case_id, content)
    plan = build_plan(scenario, content)
    questions = questions_for(plan, content, tuple(entry.partition(":")[0] for entry in case["expected_items"]))
    citations = {row["id"]: row["citation"] for row in content.records["references"]}
    return Quiz(
        case_id=case_id,
        title=case["title"],
        scenario_text=case["scenario"],
        facts=_facts(scenario, content),
        learning_points=tuple(case["learning_points"]),
        questions=questions,
        citations={source: citations[source] for q in questions for source in q.sources if source in citations},
    )


# --- grading ----------------------------------------------------------------------------------------


def _chosen_keys(question: Question, value: Any) -> frozenset[str]:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, Iterable):
        return frozenset(str(key) for key in value)
    raise TypeError(f"answer to {question.id!r} must be an option key or a collection of keys, not {value!r}")


def grade_question(question: Question, value: Any, citations: Mapping[str, str]) -> QuestionResult:
    """Mark one answer: ``value`` is an option key, a collection of keys, or ``None`` (no answer)."""
    chosen = _chosen_keys(question, value)
    known = {option.key for option in question.options}
    unknown = chosen - known
    if unknown:
        raise ValueError(f"unknown option {sorted(unknown)[0]!r} for question {question.id!r}")
    feedback = tuple(
        (
            option.label,
            (option.key in chosen) == (option.key in question.answer),
            question.option_notes.get(option.key, ""),
        )
        for option in question.options
        if question.kind == MULTIPLE or option.key in chosen | question.answer
    )
    judged = [right for _, right, _ in feedback]
    correct = chosen == question.answer
    # Unanswered earns nothing, even where leaving every box empty would put some options right.
    partial = question.kind == MULTIPLE and judged and chosen
    credit = sum(judged) / len(judged) if partial else float(correct)
    return QuestionResult(
        question_id=question.id,
        prompt=question.prompt,
        correct=correct,
        credit=credit,
        chosen=tuple(option.label for option in question.options if option.key in chosen),
        expected=tuple(option.label for option in question.options if option.key in question.answer),
        explanation=question.explanation,
        option_feedback=feedback,
        sources=tuple((source, citations.get(source, source)) for source in question.sources),
    )


def grade(quiz: Quiz, answers: Mapping[str, Any]) -> QuizResult:
    """Mark the answers to a quiz; a question missing from ``answers`` counts as unanswered (wrong).

    ``answers`` maps a question id to an option key (single choice) or a collection of option keys
    (multiple choice). An unknown question id or option key raises ``ValueError``.
    """
    unknown = set(answers) - {question.id for question in quiz.questions}
    if unknown:
        raise ValueError(f"unknown question {sorted(unknown)[0]!r}")
    return QuizResult(
        case_id=quiz.case_id,
        results=tuple(
            grade_question(question, answers.get(question.id), quiz.citations) for question in quiz.questions
        ),
        learning_points=quiz.learning_points,
    )


def right_answers(quiz: Quiz) -> dict[str, Any]:
    """The right answers in the form :func:`grade` takes (for teachers and tests)."""
    return {
        question.id: next(iter(question.answer)) if question.kind == SINGLE else set(question.answer)
        for question in quiz.questions
    }


__all__ = [
    "GATE",
    "ITEMS",
    "STAGE",
    "Option",
    "Question",
    "QuestionResult",
    "Quiz",
    "QuizResult",
    "Session",
    "build_quiz",
    "grade",
    "grade_question",
    "neutral_title",
    "questions_for",
    "right_answers",
]
