"""``python -m benchmarks`` (``make bench``): the dashboard against its one-slider baseline, then
the static site against the one-slider notebook's static site (benchmarks/static_site.py), the
plan throughput figures when benchmarks/plan_throughput.py is present, then a live class of 60
learners on SQLite and PostgreSQL (benchmarks/live_class.py).

Options (``--quick``, ``--viewers N``, ...) are those of benchmarks/dashboard.py; with ``--quick``
the plan throughput run makes one pass (``--repeat 1``). Both write JSON to benchmarks/results/.
Figures, not pass/fail: the exit status is 0 unless a run could not be made at all.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

from benchmarks import dashboard, static_site


def _plan_throughput(quick: bool) -> None:
    """Run benchmarks/plan_throughput.py (another module's figures) with its own options."""
    if importlib.util.find_spec("benchmarks.plan_throughput") is None:
        return
    module = importlib.import_module("benchmarks.plan_throughput")
    print("\n== plan throughput ==", flush=True)
    argv = ["--json", str(dashboard.RESULTS / "plan_throughput-latest.json")]
    module.main([*argv, "--repeat", "1"] if quick else argv)


def _live_class() -> None:
    """Run benchmarks/live_class.py: 60 learners answer one question, on SQLite and PostgreSQL."""
    from benchmarks import live_class

    print("\n== live class: 60 learners ==", flush=True)
    live_class.main([])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    print("== dashboard against the one-slider baseline ==", flush=True)
    status = dashboard.main(argv)
    print("\n== static site against the one-slider static site ==", flush=True)
    static_site.main(["--loads", "1", "--changes", "10"] if "--quick" in argv else [])
    _plan_throughput("--quick" in argv)
    _live_class()
    return status


if __name__ == "__main__":
    sys.exit(main())
