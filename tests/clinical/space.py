"""The scenario space the clinical invariants run over, and each scenario rendered as a reader sees it.

The space, as the second clinical review asked for it:

- every plan-change day (and each guideline band's first day) x both episodes x no flag, every red
  flag and every pair of red flags;
- the same days and episodes x every caution and every pair of cautions;
- pregnancy (either caution) with each red flag, at the same days and episodes;
- every red flag with every caution, at the same days and episodes;
- every pain from 0 to 10, at the same days and episodes;
- every teaching case.

A scenario is rendered once into a :class:`Rendered`: the plan, its JSON, the patient handout (its
text and each item's block), the clinician summary's text and the plan as text.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from html import unescape

from backcare_nb import Content, Plan, Scenario, build_plan
from backcare_nb.handout import clinician_handout, patient_handout, patient_handout_text
from backcare_nb.plan import change_days
from backcare_nb.render import plan_to_dict, plan_to_text
from backcare_nb.scenario import scenario_from_case

PREGNANCY = ("pregnancy_under_20_weeks", "pregnancy_20_weeks")
EPISODES = ("first", "recurrent")


def days_of_change(content: Content) -> tuple[int, ...]:
    """Every day the plan can change on, and the first day of each guideline band."""
    bands = {row["day_min"] for row in content.records["stages"]}
    return tuple(sorted({*change_days(content), *bands}))


def scenario_space(content: Content) -> Iterator[tuple[str, Scenario]]:
    """(part of the space, scenario) for every scenario the invariants check, each once."""
    days = days_of_change(content)
    flags = content.red_flag_ids
    cautions = content.caution_ids
    flag_sets = [(), *((flag,) for flag in flags), *itertools.combinations(flags, 2)]
    caution_sets = [*((caution,) for caution in cautions), *itertools.combinations(cautions, 2)]
    seen: set[Scenario] = set()

    def once(part: str, scenario: Scenario) -> Iterator[tuple[str, Scenario]]:
        if scenario not in seen:
            seen.add(scenario)
            yield part, scenario

    for day, episode in itertools.product(days, EPISODES):
        for flag_set in flag_sets:
            yield from once("red flags and their pairs", Scenario(day, episode, red_flags=flag_set))
        for caution_set in caution_sets:
            yield from once("cautions and their pairs", Scenario(day, episode, cautions=caution_set))
        for pregnancy, flag in itertools.product(PREGNANCY, flags):
            yield from once(
                "pregnancy with each flag", Scenario(day, episode, red_flags=(flag,), cautions=(pregnancy,))
            )
        for flag, caution in itertools.product(flags, cautions):
            yield from once(
                "each flag with each caution", Scenario(day, episode, red_flags=(flag,), cautions=(caution,))
            )
        for pain in range(11):
            yield from once("every pain", Scenario(day, episode, pain=pain))
    for case_id in content.case_ids:
        yield from once("the teaching cases", scenario_from_case(case_id, content))


_ITEM_BLOCK = re.compile(r'<(div|p) class="item[^"]*" data-item-id="([^"]+)">(.*?)</\1>', re.S)
_SECTION = re.compile(r'<section[^>]*aria-labelledby="([a-z-]+)"[^>]*>(.*?)</section>', re.S)


def _words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<svg\b.*?</svg>", " ", html, flags=re.S))).split())


@dataclass
class Rendered:
    """One scenario as every reader sees it. Texts are whitespace-normalised, case kept."""

    scenario: Scenario
    plan: Plan
    content: Content

    @cached_property
    def json(self) -> dict:
        return json.loads(json.dumps(plan_to_dict(self.plan)))

    @cached_property
    def patient_html(self) -> str:
        return patient_handout(self.plan)

    @cached_property
    def patient(self) -> str:
        """The patient handout's words, as :func:`patient_handout_text` reads them for readability."""
        return " ".join(patient_handout_text(self.patient_html).split())

    @cached_property
    def patient_sections(self) -> dict[str, str]:
        """The handout's sections by their heading id: what-to-do, not-now, expect, warning-signs."""
        return {name: body for name, body in _SECTION.findall(self.patient_html)}

    def patient_items(self, section: str) -> dict[str, str]:
        """Item id -> its words, for the items of one section of the patient handout."""
        body = self.patient_sections.get(section, "")
        return {item_id: _words(block) for _, item_id, block in _ITEM_BLOCK.findall(body)}

    @cached_property
    def clinician(self) -> str:
        return _words(clinician_handout(self.plan).split("<body>", 1)[-1])

    @cached_property
    def text(self) -> str:
        return " ".join(plan_to_text(self.plan).split())

    @cached_property
    def level_words(self) -> str:
        """What the level of concern tells the person: its action and what to keep doing meanwhile."""
        return f"{self.plan.gate.action} {self.plan.gate.meanwhile}"


def render(scenario: Scenario, content: Content) -> Rendered:
    return Rendered(scenario, build_plan(scenario, content), content)
