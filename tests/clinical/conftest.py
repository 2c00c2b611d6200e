"""The clinical invariants' one pass over the scenario space, shared by their tests, and its report.

The space is rendered once per test session; every phrase rule and every invariant is checked on
each scenario it applies to. The report (how many scenarios each rule covered, and the first
scenarios that broke it) is printed at the end of the run and written to
tests/artifacts/clinical-invariants.md.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from backcare_nb import load_content

from .invariants import INVARIANTS
from .phrases import load_phrase_rules
from .space import render, scenario_space

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SHOWN_FAILURES = 5


@dataclass
class Result:
    says: str
    covered: int = 0
    failures: list[str] = field(default_factory=list)
    failed: int = 0


@dataclass
class Report:
    results: dict[str, Result]
    scenarios: int
    parts: Counter
    seconds: float

    def markdown(self) -> str:
        lines = [
            f"# Clinical invariants: {self.scenarios} scenarios in {self.seconds:.0f} s",
            "",
            *(f"- {part}: {count}" for part, count in self.parts.items()),
            "",
            "| rule | what must hold | scenarios covered | failing |",
            "|---|---|---|---|",
        ]
        for name, result in self.results.items():
            lines.append(f"| {name} | {result.says} | {result.covered} | {result.failed} |")
        return "\n".join(lines) + "\n"


_REPORT: list[Report] = []


def _check_space() -> Report:
    content = load_content()
    rules = load_phrase_rules()
    results = {f"phrase:{rule.id}": Result(f"{rule.why} ({rule.source})") for rule in rules}
    results |= {f"invariant:{check.id}": Result(check.says) for check in INVARIANTS}
    parts: Counter = Counter()
    started = time.perf_counter()
    for part, scenario in scenario_space(content):
        parts[part] += 1
        rendered = render(scenario, content)
        for rule in rules:
            if rule.applies(rendered):
                _record(results[f"phrase:{rule.id}"], rule.problem(rendered), scenario)
        for check in INVARIANTS:
            if check.applies(rendered):
                _record(results[f"invariant:{check.id}"], check.check(rendered), scenario)
    return Report(results, sum(parts.values()), parts, time.perf_counter() - started)


def _record(result: Result, problem: str, scenario) -> None:
    result.covered += 1
    if problem:
        result.failed += 1
        if len(result.failures) < SHOWN_FAILURES:
            result.failures.append(f"?{scenario.to_query()}: {problem}")


@pytest.fixture(scope="session")
def clinical_report() -> Report:
    if not _REPORT:
        report = _check_space()
        _REPORT.append(report)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "clinical-invariants.md").write_text(report.markdown(), encoding="utf-8")
    return _REPORT[0]


def pytest_terminal_summary(terminalreporter) -> None:
    if _REPORT:
        report = _REPORT[0]
        terminalreporter.write_sep("-", "clinical invariants")
        terminalreporter.write_line(
            f"{report.scenarios} scenarios, {len(report.results)} rules, {report.seconds:.0f} s; "
            "coverage per rule in tests/artifacts/clinical-invariants.md"
        )
