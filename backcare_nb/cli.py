"""Command line: ``backcare-nb plan ...`` prints a plan; ``backcare-nb dashboard`` serves the dashboard
(or, with ``--notebook quiz|evidence``, the self-check quiz or the evidence lens).

Bad arguments exit 2 with a one-line message, a content fault exits 1 with the ContentError
message; neither prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from backcare_nb import serve as _serve
from backcare_nb.content import CONTENT_DIR_ENV, ContentError, load_content
from backcare_nb.plan import build_plan
from backcare_nb.render import plan_to_dict, plan_to_html, plan_to_markdown, plan_to_text
from backcare_nb.scenario import EPISODES, MAX_DAYS, MAX_PAIN, Scenario

PROG = "backcare-nb"


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (no usage block) and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _bounded(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {value}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Teaching plans for acute and recurrent low back spasms.")
    parser.add_argument("--content", metavar="DIR", help="read content from DIR instead of the packaged data/")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    plan = commands.add_parser("plan", help="print the plan for one scenario")
    plan.add_argument("--days", required=True, type=_bounded(0, MAX_DAYS, "--days"), help="days since onset (0-365)")
    plan.add_argument("--episode", choices=EPISODES, default="first", help="first or recurrent (default: first)")
    plan.add_argument("--pain", type=_bounded(0, MAX_PAIN, "--pain"), default=5, help="pain 0-10 (default: 5)")
    plan.add_argument("--flag", action="append", default=[], metavar="ID", help="a red flag id (repeatable)")
    plan.add_argument("--caution", action="append", default=[], metavar="ID", help="a caution id (repeatable)")
    plan.add_argument("--format", choices=("text", "markdown", "html", "json"), default="text")

    dashboard = commands.add_parser(
        "dashboard",
        help="serve the Voila dashboard (see docs/deploy.md)",
        description="Serve notebooks/dashboard.ipynb (or the quiz or evidence notebook) with Voila and "
        "backcare_nb/voila_config/voila.json.",
    )
    dashboard.add_argument(
        "--notebook",
        choices=tuple(_serve.NOTEBOOKS),
        default=_serve.DEFAULT_NOTEBOOK,
        help="the one notebook to serve: dashboard, quiz or evidence (default: dashboard)",
    )
    dashboard.add_argument("--port", type=_bounded(1, 65535, "--port"), default=8866, help="port (default: 8866)")
    dashboard.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; 0.0.0.0 for every address)"
    )
    dashboard.add_argument(
        "--token",
        default=None,
        help=f"require ?token=... to open the page (default: ${_serve.TOKEN_ENV} if set, else no token)",
    )
    dashboard.add_argument("--theme", choices=_serve.THEMES, default="light", help="light or dark (default: light)")
    dashboard.add_argument(
        "--preheat",
        type=_bounded(0, 64, "--preheat"),
        default=0,
        metavar="N",
        help="keep N kernels started and the notebook run ahead of the viewers (default: 0, off)",
    )
    dashboard.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    dashboard.add_argument(
        "--cull-idle",
        type=_bounded(1, 7 * 24 * 3600, "--cull-idle"),
        default=None,
        metavar="SECONDS",
        help="shut a viewer's kernel down after SECONDS idle (default: voila.json's 1800)",
    )
    dashboard.add_argument(
        "--base-url", default="/", help="URL prefix when behind a proxy such as JupyterHub (default: /)"
    )
    return parser


def _dashboard(args: argparse.Namespace) -> int:
    token = args.token if args.token is not None else os.environ.get(_serve.TOKEN_ENV) or None
    if args.content:
        # The kernels read content through this variable (they cannot see our arguments).
        os.environ[CONTENT_DIR_ENV] = str(Path(args.content).resolve())
    options = _serve.ServeOptions(
        port=args.port,
        host=args.host,
        token=token,
        theme=args.theme,
        preheat=args.preheat,
        open_browser=not args.no_browser,
        cull_idle_seconds=args.cull_idle,
        base_url=args.base_url,
        notebook_name=args.notebook,
    )
    try:
        return _serve.serve(options)
    except FileNotFoundError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        content = load_content(args.content)
    except ContentError as error:
        print(f"{PROG}: content error: {error}", file=sys.stderr)
        return 1
    if args.command == "dashboard":
        return _dashboard(args)

    for option, given, known in (
        ("--flag", args.flag, content.red_flag_ids),
        ("--caution", args.caution, content.caution_ids),
    ):
        unknown = [value for value in given if value not in known]
        if unknown:
            parser.error(f"unknown {option} {unknown[0]!r}; choose from {', '.join(known)}")

    scenario = Scenario(
        days_since_onset=args.days,
        episode=args.episode,
        pain=args.pain,
        red_flags=tuple(args.flag),
        cautions=tuple(args.caution),
    )
    plan = build_plan(scenario, content)
    if args.format == "json":
        output = json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"
    else:
        output = {"text": plan_to_text, "markdown": plan_to_markdown, "html": plan_to_html}[args.format](plan)
    sys.stdout.write(output)
    return 0


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
