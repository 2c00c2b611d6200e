"""Clinical invariants over the whole scenario space (see space.py, phrases.csv, invariants.py).

One test per rule, so a failure names the rule and the first scenarios that break it, as deep links a
clinician can open in the dashboard.
"""

from __future__ import annotations

import pytest

from .invariants import INVARIANTS
from .phrases import load_phrase_rules

RULES = [f"phrase:{rule.id}" for rule in load_phrase_rules()] + [f"invariant:{check.id}" for check in INVARIANTS]


@pytest.mark.parametrize("rule", RULES)
def test_clinical_rule_holds_over_the_whole_space(clinical_report, rule):
    result = clinical_report.results[rule]
    assert result.covered > 0, f"{rule} applied to no scenario: the space or the rule is wrong"
    assert not result.failures, f"{rule} ({result.says}) fails in {result.failed} scenarios, e.g.\n" + "\n".join(
        result.failures
    )


def test_the_space_is_the_whole_space(clinical_report, content):
    flags, cautions = len(content.red_flag_ids), len(content.caution_ids)
    parts = clinical_report.parts
    # Every red-flag pair, every caution pair, pregnancy with each flag, each flag with each caution, each pain,
    # at every plan-change day and both episodes (repeats counted once).
    assert parts["red flags and their pairs"] >= (1 + flags + flags * (flags - 1) // 2) * 2 * 5
    assert parts["cautions and their pairs"] >= (cautions + cautions * (cautions - 1) // 2) * 2 * 5
    assert parts["pregnancy with each flag"] == 2 * flags * 2 * 5
    # Pregnancy with a flag was counted above: every other caution with every flag here.
    assert parts["each flag with each caution"] == flags * (cautions - 2) * 2 * 5
