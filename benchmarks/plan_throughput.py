"""How many plans per second: build_plan over the whole scenario grid, against a baseline in the same run.

The grid is every day 0-365 x both episodes x a set of red-flag combinations (none, each flag on its
own, and a few mixes that cross levels of concern). Content loads once, before any timing. Three rows are timed
over the same grid, each as the best of ``--repeat`` passes:

- baseline: constructing the Scenario objects only (the floor any plan pays);
- build_plan: the plan engine;
- build_plan + Markdown: the plan plus rendering it, as the CLI and the notebooks do.

Run ``python -m benchmarks.plan_throughput [--repeat N] [--json PATH]``. The issue expects well above
1,000 scenarios per second for build_plan on one core; this prints the figures and does not judge them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from backcare_nb import Content, Scenario, build_plan, load_content, plan_to_markdown

EPISODES = ("first", "recurrent")
DAYS = range(366)
# Mixes that exercise "the highest matching level wins": watchful + watchful (two cancer indicators
# make "soon"), urgent + emergency, soon with a cancer history, and four levels at once.
FLAG_MIXES = (
    ("sciatica_one_leg", "night_pain"),
    ("fever", "saddle_numbness"),
    ("cancer_history", "weight_loss", "night_pain"),
    ("night_pain", "weight_loss", "fever", "bladder_change"),
)


def flag_combinations(content: Content) -> list[tuple[str, ...]]:
    """No flags, each flag alone, then the mixes whose flags all exist in this content."""
    known = set(content.red_flag_ids)
    mixes = [mix for mix in FLAG_MIXES if set(mix) <= known]
    return [(), *((flag,) for flag in content.red_flag_ids), *mixes]


def scenario_grid(content: Content) -> list[tuple[int, str, tuple[str, ...]]]:
    """The grid as plain tuples (days, episode, flags), so building it is not part of any timing."""
    return [(days, episode, flags) for flags in flag_combinations(content) for episode in EPISODES for days in DAYS]


def _best_of(repeat: int, run: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure(content: Content, repeat: int = 3) -> dict[str, Any]:
    """Time the three rows over the grid; returns the figures as a JSON-ready dict."""
    grid = scenario_grid(content)

    def scenarios_only() -> None:
        for days, episode, flags in grid:
            Scenario(days_since_onset=days, episode=episode, red_flags=flags)

    def plans() -> None:
        for days, episode, flags in grid:
            build_plan(Scenario(days_since_onset=days, episode=episode, red_flags=flags), content)

    def plans_and_markdown() -> None:
        for days, episode, flags in grid:
            plan_to_markdown(build_plan(Scenario(days_since_onset=days, episode=episode, red_flags=flags), content))

    build_plan(Scenario(), content)  # build the per-content index once, outside the timings
    rows = []
    baseline_seconds = None
    for name, run in (
        ("baseline: Scenario() only", scenarios_only),
        ("build_plan", plans),
        ("build_plan + Markdown", plans_and_markdown),
    ):
        seconds = _best_of(repeat, run)
        baseline_seconds = baseline_seconds or seconds
        rows.append(
            {
                "step": name,
                "scenarios": len(grid),
                "seconds": seconds,
                "per_second": len(grid) / seconds,
                "times_baseline": seconds / baseline_seconds,
            }
        )
    return {
        "grid": {
            "days": f"{DAYS.start}-{DAYS.stop - 1}",
            "episodes": list(EPISODES),
            "flag_combinations": len(flag_combinations(content)),
            "scenarios": len(grid),
        },
        "repeat": repeat,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "rows": rows,
    }


def format_table(figures: dict[str, Any]) -> str:
    """The rows as a small aligned table."""
    header = ("step", "scenarios", "seconds", "per second", "x baseline time")
    lines = [
        (
            row["step"],
            f"{row['scenarios']:,}",
            f"{row['seconds']:.3f}",
            f"{row['per_second']:,.0f}",
            f"{row['times_baseline']:.1f}",
        )
        for row in figures["rows"]
    ]
    widths = [max(len(str(cells[column])) for cells in [header, *lines]) for column in range(len(header))]

    def join(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    grid = figures["grid"]
    title = (
        f"Plan throughput: days {grid['days']} x {len(grid['episodes'])} episodes x "
        f"{grid['flag_combinations']} flag combinations = {grid['scenarios']:,} scenarios "
        f"(best of {figures['repeat']}, one process, Python {figures['python']})"
    )
    rule = "  ".join("-" * width for width in widths)
    return "\n".join([title, "", join(header), rule, *(join(cells) for cells in lines)])


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print the table, and write the figures to ``--json PATH`` if given."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plan_throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes per row; the fastest counts (default: 3)")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures to PATH as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")

    start = time.perf_counter()
    content = load_content()
    load_seconds = time.perf_counter() - start

    figures = measure(content, repeat=args.repeat)
    figures["content_load_seconds"] = load_seconds
    print(format_table(figures))
    print(f"\nContent loaded once, in {load_seconds:.3f} s, from {content.directory}.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}.")
    return figures


if __name__ == "__main__":
    main()
