"""A live class under load: 60 learners answer one question within 10 s, on SQLite and on PostgreSQL.

Server-side, through the same code path as the learner's page: each simulated learner is a
:class:`backcare_nb.ui.live.ClassLearnerApp` with a store of its own (as each page's kernel has
its own connection), polling for the reveal every second, and answers by pressing a button
(``ClassLearnerApp.answer``). One :class:`~backcare_nb.ui.live.ClassPresenterApp` polls every
0.5 s as on the projector. The learners answer at random moments spread over
``--spread`` seconds (default 8, inside the 10 s of the issue), each from its own thread.

Reported per database:

- answers stored, lost (a learner told "your answer is in" whose answer the store lacks) and
  doubled (one device counted twice), from the store and from the presenter's chart;
- the time from the last answer stored to the presenter's chart showing all of them (the poll
  interval bounds it: 0.5 s plus one read);
- each answer's round trip (press to confirmation), median and p95.

PostgreSQL is Debian's server, started by tests/postgres.py in a temporary directory on a unix
socket; without it the PostgreSQL row says so. ``python -m benchmarks.live_class [--learners N]
[--json PATH]``; figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import random
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from backcare_nb import load_content
from backcare_nb.classroom import open_store
from backcare_nb.content import Content
from backcare_nb.ui.live import ClassLearnerApp, ClassPresenterApp

RESULTS = Path(__file__).resolve().parent / "results"
CASE = "desk_day2"
CHART_DEADLINE_SECONDS = 30.0


@contextlib.contextmanager
def sqlite_target() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="backcare-bench-class-") as directory:
        yield directory


@contextlib.contextmanager
def postgres_target() -> Iterator[str]:
    from tests.postgres import running_postgres  # the tests' own throwaway server

    with running_postgres() as server:
        yield server.url


def measure(target: str, content: Content, learners: int, spread: float, seed: int) -> dict[str, Any]:
    """One class of ``learners`` on the store at ``target``; the figures as a dict."""
    presenter = ClassPresenterApp(content, open_store(target), case_id=CASE)
    presenter._on_start()
    if presenter.view is None:
        raise RuntimeError(f"could not start a class: {presenter.message.value}")
    code = presenter.view.code
    pages = [ClassLearnerApp(content, open_store(target), code=code) for _ in range(learners)]
    question = presenter.view.question
    rng = random.Random(seed)
    labels = [rng.choice(question.options).label for _ in pages]
    delays = sorted(rng.uniform(0, spread) for _ in pages)
    round_trips: list[float] = [0.0] * learners
    stored_at: list[float] = [0.0] * learners
    start = time.perf_counter() + 0.5

    def answer(number: int) -> None:
        time.sleep(max(0.0, start + delays[number] - time.perf_counter()))
        began = time.perf_counter()
        pages[number].answer(labels[number])
        stored_at[number] = time.perf_counter()
        round_trips[number] = stored_at[number] - began

    threads = [threading.Thread(target=answer, args=(number,)) for number in range(learners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last_answer = max(stored_at)
    shown_all = None
    deadline = time.perf_counter() + CHART_DEADLINE_SECONDS
    while time.perf_counter() < deadline:
        if f'data-respondents="{learners}"' in presenter.chart.value:
            shown_all = time.perf_counter()
            break
        time.sleep(0.005)

    confirmed = sum("Your answer is in" in page.confirmation.value for page in pages)
    errors = [page.message.value for page in pages if page.message.value]
    store = open_store(target)
    rows = store.answers(code)
    devices = [row.device for row in rows]
    expected = {option.key: 0 for option in question.options}
    for label in labels:
        expected[next(option.key for option in question.options if option.label == label)] += 1
    chart_counts = {
        key: int(count) for key, count in re.findall(r'data-option="([^"]+)" data-count="(\d+)"', presenter.chart.value)
    }
    presenter.close()
    for page in pages:
        page.close()
    return {
        "learners": learners,
        "answered_within_s": round(last_answer - start, 2),
        "confirmed": confirmed,
        "stored": len(rows),
        "lost": max(0, confirmed - len(set(devices))),
        "doubled": len(devices) - len(set(devices)),
        "chart_counts_match": chart_counts == expected,
        "errors": errors[:3],
        "last_answer_to_chart_s": None if shown_all is None else round(shown_all - last_answer, 3),
        "round_trip_median_ms": round(statistics.median(round_trips) * 1000, 1),
        "round_trip_p95_ms": round(sorted(round_trips)[int(0.95 * (learners - 1))] * 1000, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_class", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--spread", type=float, default=8.0, help="seconds over which the answers arrive")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", type=Path, default=RESULTS / "live_class-latest.json")
    args = parser.parse_args(argv)
    content = load_content()
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": platform.node()}
    print(f"{args.learners} learners answer one question over {args.spread:g} s; the presenter polls every 0.5 s")
    header = ("database", "stored", "lost", "doubled", "chart ok", "last->chart", "round trip")
    print(
        f"{header[0]:<12}"
        + "".join(f"{text:>{width}}" for text, width in zip(header[1:], (8, 6, 9, 10, 13, 20), strict=True))
    )
    for name, target in (("sqlite", sqlite_target), ("postgresql", postgres_target)):
        try:
            with target() as where:
                figures = measure(where, content, args.learners, args.spread, args.seed)
        except FileNotFoundError as error:  # no PostgreSQL on this machine
            results[name] = {"skipped": str(error)}
            print(f"{name:<12}not measured: {error}")
            continue
        results[name] = figures
        chart = "n/a" if figures["last_answer_to_chart_s"] is None else f"{figures['last_answer_to_chart_s']:.2f} s"
        trip = f"{figures['round_trip_median_ms']:.0f} / {figures['round_trip_p95_ms']:.0f} ms"
        print(
            f"{name:<12}{figures['stored']:>8}{figures['lost']:>6}{figures['doubled']:>9}"
            f"{figures['chart_counts_match']!s:>10}{chart:>13}{trip:>20}"
        )
        if figures["errors"]:
            print(f"  errors on learners' pages: {figures['errors']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
