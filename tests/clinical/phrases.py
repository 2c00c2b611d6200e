"""The phrase rules of tests/clinical/phrases.csv: when a rule applies, and what a text must say.

A rule row reads as a sentence a clinician can check and extend:

    when ``level >= soon``, the ``patient`` handout must ``not contain`` "go back as soon as you can"

``when`` is one or more conditions joined by `` and ``:

- ``always``
- ``level >= soon`` (also ``<=``, ``=``, ``!=``, ``>``, ``<``; levels as in data/concern_levels.csv)
- ``item nsaids is check_first`` (``advised``, ``check_first``, ``avoid``, ``held``, ``usable`` or
  ``shown``; ``is not`` negates; an item not in the plan is none of these)
- ``flag cancer_history``, ``no flag cancer_history``, ``caution anticoagulant``, ``pregnant``,
  ``not pregnant``
- ``day > 84``, ``pain > 2`` (also the other comparisons), ``episode = recurrent``

``where`` is ``patient``, ``clinician``, ``plan`` (the text format), ``json``, ``level words`` (the
level's action and meanwhile), ``patient item ID`` (that item's block on the patient handout) or
``patient section NAME`` (what-to-do, not-now, expect, warning-signs).

``must`` is ``contain``, ``not contain`` or ``start with``; ``phrase`` may list several phrases
separated by `` | ``: all must be there (contain), none may be (not contain). Matching ignores case.
"""

from __future__ import annotations

import csv
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backcare_nb.content import LEVELS

from .space import PREGNANCY, Rendered

HERE = Path(__file__).resolve().parent
COMPARE = {
    ">=": operator.ge,
    "<=": operator.le,
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
STATUSES = ("advised", "check_first", "avoid", "held", "usable", "shown")
_COMPARISON = re.compile(r"(level|day|pain|episode) (>=|<=|!=|=|>|<) (\S+)")
_ITEM = re.compile(r"item (\S+) is (not )?(\S+)")


class RuleError(ValueError):
    """A row of phrases.csv that cannot be read; the message names the line."""


Condition = Callable[[Rendered], bool]


def _item_has(item_id: str, status: str) -> Condition:
    def check(rendered: Rendered) -> bool:
        items = {item.id: item for item in rendered.plan.items}
        item = items.get(item_id)
        if item is None:
            return False
        return {"shown": True, "usable": item.usable}.get(status, item.status == status)

    return check


def parse_condition(text: str, line: int) -> Condition:
    """One condition of a ``when`` cell as a function of a rendered scenario."""
    text = text.strip()
    if text == "always":
        return lambda rendered: True
    if text == "pregnant":
        return lambda rendered: bool(set(PREGNANCY) & set(rendered.scenario.cautions))
    if text == "not pregnant":
        return lambda rendered: not set(PREGNANCY) & set(rendered.scenario.cautions)
    words = text.split()
    if len(words) == 2 and words[0] in ("flag", "caution"):
        kind, name = words
        field = "red_flags" if kind == "flag" else "cautions"
        return lambda rendered: name in getattr(rendered.scenario, field)
    if len(words) == 3 and words[:2] == ["no", "flag"]:
        return lambda rendered: words[2] not in rendered.scenario.red_flags
    if match := _ITEM.fullmatch(text):
        item_id, negate, status = match.groups()
        if status not in STATUSES:
            raise RuleError(f"phrases.csv, line {line}: expected a status from {', '.join(STATUSES)}, found {status!r}")
        check = _item_has(item_id, status)
        return (lambda rendered: not check(rendered)) if negate else check
    if match := _COMPARISON.fullmatch(text):
        subject, symbol, value = match.groups()
        compare = COMPARE[symbol]
        if subject == "level":
            if value not in LEVELS:
                raise RuleError(f"phrases.csv, line {line}: unknown level {value!r}")
            return lambda rendered: compare(LEVELS.index(rendered.plan.gate.level), LEVELS.index(value))
        if subject == "episode":
            return lambda rendered: compare(rendered.scenario.episode, value)
        number = int(value)
        attribute = "days_since_onset" if subject == "day" else "pain"
        return lambda rendered: compare(getattr(rendered.scenario, attribute), number)
    raise RuleError(f"phrases.csv, line {line}: cannot read the condition {text!r}")


def text_for(rendered: Rendered, where: str, line: int) -> str:
    """The text a rule reads; an item or section missing from the handout reads as empty."""
    if where == "patient":
        return rendered.patient
    if where == "clinician":
        return rendered.clinician
    if where == "plan":
        return rendered.text
    if where == "json":
        return json.dumps(rendered.json, ensure_ascii=False)
    if where == "level words":
        return rendered.level_words
    words = where.split()
    if len(words) == 3 and words[:2] == ["patient", "item"]:
        for section in ("what-to-do", "not-now", "expect"):
            items = rendered.patient_items(section)
            if words[2] in items:
                return items[words[2]]
        return ""
    if len(words) == 3 and words[:2] == ["patient", "section"]:
        return " ".join(rendered.patient_items(words[2]).values())
    raise RuleError(f"phrases.csv, line {line}: cannot read where {where!r}")


@dataclass(frozen=True)
class PhraseRule:
    """One row of phrases.csv."""

    id: str
    line: int
    conditions: tuple[Condition, ...]
    where: str
    must: str
    phrases: tuple[str, ...]
    why: str
    source: str

    def applies(self, rendered: Rendered) -> bool:
        return all(condition(rendered) for condition in self.conditions)

    def problem(self, rendered: Rendered) -> str:
        """ "" when the text says what it must, else what is wrong."""
        text = text_for(rendered, self.where, self.line).lower()
        if self.must == "contain":
            missing = [phrase for phrase in self.phrases if phrase.lower() not in text]
            return f"{self.where} lacks {missing[0]!r}" if missing else ""
        if self.must == "not contain":
            found = [phrase for phrase in self.phrases if phrase.lower() in text]
            return f"{self.where} says {found[0]!r}" if found else ""
        if not text.startswith(self.phrases[0].lower()):
            return f"{self.where} starts {text[: len(self.phrases[0]) + 20]!r}, not {self.phrases[0]!r}"
        return ""


def load_phrase_rules(path: Path = HERE / "phrases.csv") -> tuple[PhraseRule, ...]:
    rules = []
    with path.open(encoding="utf-8", newline="") as file:
        for line, row in enumerate(csv.DictReader(file), start=2):
            if row["must"] not in ("contain", "not contain", "start with"):
                raise RuleError(f"phrases.csv, line {line}: must is contain, not contain or start with")
            rules.append(
                PhraseRule(
                    id=row["id"],
                    line=line,
                    conditions=tuple(parse_condition(part, line) for part in row["when"].split(" and ")),
                    where=row["where"],
                    must=row["must"],
                    phrases=tuple(part.strip() for part in row["phrase"].split(" | ")),
                    why=row["why"],
                    source=row["source"],
                )
            )
    return tuple(rules)
