"""A live class: join codes, presenter keys, questions from a teaching case, answers, tallies, reveal.

The rules live here, over a :class:`~backcare_nb.classroom.store.ClassStore`; the widget apps in
``backcare_nb/ui/live.py`` only show what :class:`LiveClass` returns. The questions and their
explanations are the self-check quiz's (:func:`backcare_nb.quiz.build_quiz`), built from the
plan engine, so a class can never teach something the dashboard does not.

- A class has a short **join code** (6 letters and digits, none that look alike) and a
  **presenter key** shown once; the store keeps only the key's hash. The server's token (its
  hash, given to kernels by ``backcare-nb dashboard``) also opens the presenter's controls.
- A **device id** is random and lives in the learner page's kernel only: no names, no accounts.
  One device counts once per question; a changed answer replaces the earlier one, up to
  :data:`MAX_SUBMISSIONS` times per question.
- Learners never read the room's answers; after the reveal each learner reads only their own.
- Classes expire (default 24 h) and their rows are deleted.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backcare_nb.classroom.store import ClassError, ClassRecord, ClassStore, CodeTaken
from backcare_nb.content import Content
from backcare_nb.quiz import MULTIPLE, Question, QuestionResult, Quiz, build_quiz, grade_question

#: Letters and digits a room reads off a projector without confusing them (no I, L, O, 0, 1).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
DEFAULT_LIFETIME_SECONDS = 24 * 3600
#: Answers one device may send to one question (the first and its changes); more is flooding.
MAX_SUBMISSIONS = 10
#: Environment variable with the SHA-256 of the server's token (never the token itself).
TOKEN_HASH_ENV = "BACKCARE_TOKEN_SHA256"
CHOICE_SEPARATOR = ","


class BadCode(ClassError):
    def __init__(self) -> None:
        super().__init__(
            f"A join code is {CODE_LENGTH} letters and digits, like K7MP2Q. Check the code on the presenter's screen."
        )


class UnknownCode(ClassError):
    def __init__(self, code: str) -> None:
        super().__init__(f"There is no class with the code {code}. Check the code on the presenter's screen.")


class ClassEnded(ClassError):
    def __init__(self, code: str) -> None:
        super().__init__(f"The class {code} has ended. Ask the presenter for the code of the new class.")


class NotOffered(ClassError):
    def __init__(self) -> None:
        super().__init__("That answer is not one of the options offered; choose from the buttons shown.")


class QuestionClosed(ClassError):
    def __init__(self) -> None:
        super().__init__("This question is closed: the presenter has moved on. Your answer was not changed.")


class TooManySubmissions(ClassError):
    def __init__(self) -> None:
        super().__init__(
            f"You have changed this answer {MAX_SUBMISSIONS} times; the last one you sent is the one that counts."
        )


class NotPresenter(ClassError):
    def __init__(self) -> None:
        super().__init__("Only the presenter can do that: the presenter key does not match this class.")


# --- codes and keys ---------------------------------------------------------------------------------


def new_join_code() -> str:
    """A random join code, e.g. ``"K7MP2Q"``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def parse_join_code(text: str) -> str:
    """The join code in ``text`` as typed or linked (any case, spaces and dashes ignored).

    Raises :class:`BadCode` for anything that cannot be a code.
    """
    code = "".join(str(text).split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        raise BadCode()
    return code


def new_presenter_key() -> str:
    """A random presenter key, shown once to the presenter (about 80 bits, 16 characters)."""
    return secrets.token_urlsafe(12)


def key_hash(key: str) -> str:
    """What the store keeps of a presenter key (or a token): its SHA-256, in hex."""
    return hashlib.sha256(key.strip().encode("utf-8")).hexdigest()


def is_presenter(key: str, record: ClassRecord, token_hash: str | None = None) -> bool:
    """Whether ``key`` is the class's presenter key or the server's token (compared in constant time)."""
    if not key or not key.strip():
        return False
    given = key_hash(key)
    if hmac.compare_digest(given, record.key_hash):
        return True
    return bool(token_hash) and hmac.compare_digest(given, str(token_hash))


# --- answers ----------------------------------------------------------------------------------------


def encode_choice(question: Question, value: str | Iterable[str]) -> str:
    """``value`` (an option key, or keys for a tick-all question) as stored: sorted keys joined by commas.

    Raises :class:`NotOffered` for a key the question does not offer, no key, or several keys to a
    one-answer question.
    """
    keys = {value} if isinstance(value, str) else set(value)
    offered = {option.key for option in question.options}
    if not keys or keys - offered or (question.kind != MULTIPLE and len(keys) != 1):
        raise NotOffered()
    return CHOICE_SEPARATOR.join(sorted(keys))


def decode_choice(choice: str) -> frozenset[str]:
    return frozenset(key for key in choice.split(CHOICE_SEPARATOR) if key)


@dataclass(frozen=True)
class TallyRow:
    key: str
    label: str
    count: int  # devices that chose this option
    share: float  # of the devices that answered, 0-1
    right: bool | None  # ``None`` until the reveal


@dataclass(frozen=True)
class Tally:
    """The room's answers to one question, per option in the order shown."""

    question: Question
    respondents: int
    rows: tuple[TallyRow, ...]

    def counts(self) -> dict[str, int]:
        return {row.key: row.count for row in self.rows}


def tally(question: Question, counts: Mapping[str, int], revealed: bool = False) -> Tally:
    """Per option, how many devices chose it and their share, from the store's counts per choice."""
    per_option = dict.fromkeys((option.key for option in question.options), 0)
    for choice, count in counts.items():
        for key in decode_choice(choice):
            if key in per_option:
                per_option[key] += count
    respondents = sum(counts.values())
    rows = tuple(
        TallyRow(
            key=option.key,
            label=option.label,
            count=per_option[option.key],
            share=per_option[option.key] / respondents if respondents else 0.0,
            right=(option.key in question.answer) if revealed else None,
        )
        for option in question.options
    )
    return Tally(question=question, respondents=respondents, rows=rows)


def results_csv(quiz: Quiz, answers: Iterable[Any]) -> str:
    """The class's anonymous results: one row per answer, learners numbered by when they first answered.

    ``answers`` are :class:`~backcare_nb.classroom.store.AnswerRow` objects; the device ids never
    leave the store.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["question_number", "question", "learner", "answer_keys", "answer", "right", "submissions"])
    learners: dict[str, int] = {}
    for row in answers:
        learner = learners.setdefault(row.device, len(learners) + 1)
        if not 0 <= row.question < len(quiz.questions):
            continue
        question = quiz.questions[row.question]
        keys = decode_choice(row.choice)
        labels = "; ".join(option.label for option in question.options if option.key in keys)
        right = "yes" if keys == question.answer else "no"
        writer.writerow(
            [row.question + 1, question.id, learner, ";".join(sorted(keys)), labels, right, row.submissions]
        )
    return buffer.getvalue()


# --- the class --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassView:
    """What a page shows of a class now: its record, quiz and current question."""

    record: ClassRecord
    quiz: Quiz

    @property
    def code(self) -> str:
        return self.record.code

    @property
    def question(self) -> Question:
        return self.quiz.questions[self.record.question]

    @property
    def number(self) -> int:
        return self.record.question + 1

    @property
    def is_last(self) -> bool:
        return self.record.question >= len(self.quiz.questions) - 1

    @property
    def revealed(self) -> bool:
        return self.record.revealed


class LiveClass:
    """The rules of a live class over a store; one per page (kernel), cheap to build.

    Parameters
    ----------
    store
        Where classes and answers are kept.
    content
        Validated content: the cases the questions come from.
    lifetime_seconds
        How long a class lasts from its start (default 24 h).
    clock
        Seconds since the epoch (tests move it to expire a class).
    token_hash
        SHA-256 of the server's token (default ``$BACKCARE_TOKEN_SHA256``), which also opens the
        presenter's controls.
    """

    def __init__(
        self,
        store: ClassStore,
        content: Content,
        lifetime_seconds: float = DEFAULT_LIFETIME_SECONDS,
        clock: Callable[[], float] = time.time,
        token_hash: str | None = None,
    ) -> None:
        self.store = store
        self.content = content
        self.lifetime_seconds = lifetime_seconds
        self.clock = clock
        self.token_hash = token_hash if token_hash is not None else os.environ.get(TOKEN_HASH_ENV, "")
        self._quizzes: dict[str, Quiz] = {}

    def quiz(self, case_id: str) -> Quiz:
        if case_id not in self._quizzes:
            self._quizzes[case_id] = build_quiz(case_id, self.content)
        return self._quizzes[case_id]

    # --- presenter -----------------------------------------------------------------------------

    def start(self, case_id: str) -> tuple[ClassView, str]:
        """Start a class on ``case_id``; returns it and the presenter key (shown once, never stored).

        Expired classes are deleted first.
        """
        quiz = self.quiz(case_id)  # KeyError for an unknown case, before anything is stored
        now = self.clock()
        self.store.delete_expired(now)
        key = new_presenter_key()
        for _ in range(8):  # 31**6 codes: a clash is rare, eight in a row never happens
            record = ClassRecord(
                code=new_join_code(),
                case_id=case_id,
                key_hash=key_hash(key),
                question=0,
                revealed=False,
                created=now,
                expires=now + self.lifetime_seconds,
            )
            try:
                self.store.create_class(record)
            except CodeTaken:
                continue
            return ClassView(record, quiz), key
        raise ClassError("Could not find a free join code; try again.")

    def take_over(self, code_text: str, key: str) -> ClassView:
        """The class ``code_text`` for a presenter holding its key (or the token); :class:`NotPresenter` if not."""
        view = self.open(code_text)
        self._check_presenter(view.record, key)
        return view

    def reveal(self, code: str, key: str) -> ClassView:
        """Reveal the current question's answer (learners' answers to it are then closed)."""
        view = self.open(code)
        self._check_presenter(view.record, key)
        self.store.set_progress(view.code, view.record.question, True)
        return self.open(code)

    def next_question(self, code: str, key: str) -> ClassView:
        """Move to the next question (after the last, stay on it); it opens unrevealed."""
        view = self.open(code)
        self._check_presenter(view.record, key)
        if view.is_last:
            return view
        self.store.set_progress(view.code, view.record.question + 1, False)
        return self.open(code)

    def tally(self, view: ClassView) -> Tally:
        """The room's answers to the class's current question (presenter only: the app holds the key)."""
        counts = self.store.answer_counts(view.code, view.record.question)
        return tally(view.question, counts, view.revealed)

    def export_csv(self, code: str, key: str) -> str:
        """The class's anonymous results as CSV (see :func:`results_csv`)."""
        view = self.open(code)
        self._check_presenter(view.record, key)
        return results_csv(view.quiz, self.store.answers(view.code))

    def _check_presenter(self, record: ClassRecord, key: str) -> None:
        if not is_presenter(key, record, self.token_hash):
            raise NotPresenter()

    # --- everyone ------------------------------------------------------------------------------

    def open(self, code_text: str) -> ClassView:
        """The class with this code as it is now: :class:`BadCode`, :class:`UnknownCode` or
        :class:`ClassEnded` if there is none to join."""
        code = parse_join_code(code_text)
        record = self.store.get_class(code)
        if record is None:
            raise UnknownCode(code)
        if record.expires <= self.clock():
            raise ClassEnded(code)
        try:
            quiz = self.quiz(record.case_id)
        except KeyError as error:  # the content changed since the class started
            raise ClassEnded(code) from error
        if not 0 <= record.question < len(quiz.questions):
            raise ClassEnded(code)
        return ClassView(record, quiz)

    # --- learners ------------------------------------------------------------------------------

    def submit(self, code: str, device: str, question: int, value: str | Iterable[str]) -> ClassView:
        """Store ``device``'s answer to question ``question`` (an index) of the class.

        Raises :class:`NotOffered` for an option the question does not offer,
        :class:`QuestionClosed` when the class has moved on or revealed it,
        :class:`TooManySubmissions` past :data:`MAX_SUBMISSIONS`, and the errors of :meth:`open`.
        Sending the same answer again changes nothing but the count of submissions.
        """
        view = self.open(code)
        if question != view.record.question or view.revealed:
            raise QuestionClosed()
        choice = encode_choice(view.question, value)
        if self.store.record_answer(view.code, question, device, choice, self.clock(), MAX_SUBMISSIONS):
            return view
        view = self.open(code)  # not stored: say why
        if question != view.record.question or view.revealed:
            raise QuestionClosed()
        raise TooManySubmissions()

    def my_answer(self, view: ClassView, device: str) -> frozenset[str] | None:
        """The option keys ``device`` chose for the current question, or ``None``."""
        choice = self.store.answer_of(view.code, view.record.question, device)
        return None if choice is None else decode_choice(choice)

    def my_result(self, view: ClassView, device: str) -> QuestionResult | None:
        """After the reveal, how ``device`` did on the current question (with the explanation and
        sources); ``None`` before it."""
        if not view.revealed:
            return None
        chosen = self.my_answer(view, device)
        return grade_question(view.question, set(chosen) if chosen else None, view.quiz.citations)


def new_device_id() -> str:
    """A random id for one learner's page: kept in that page's kernel only, never shown."""
    return secrets.token_hex(16)


__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEFAULT_LIFETIME_SECONDS",
    "MAX_SUBMISSIONS",
    "TOKEN_HASH_ENV",
    "BadCode",
    "ClassEnded",
    "ClassView",
    "LiveClass",
    "NotOffered",
    "NotPresenter",
    "QuestionClosed",
    "Tally",
    "TallyRow",
    "TooManySubmissions",
    "UnknownCode",
    "decode_choice",
    "encode_choice",
    "is_presenter",
    "key_hash",
    "new_device_id",
    "new_join_code",
    "new_presenter_key",
    "parse_join_code",
    "results_csv",
    "tally",
]
