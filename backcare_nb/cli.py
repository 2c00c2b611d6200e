"""Command line: ``backcare-nb plan ...`` prints a plan; ``backcare-nb dashboard`` serves the dashboard
(or, with ``--notebook quiz|evidence``, the self-check quiz or the evidence lens); ``backcare-nb
build-site OUT`` builds the static site (backcare_nb/site).

Bad arguments exit 2 with a one-line message (values shortened and control characters escaped), a
content fault exits 1 with the ContentError message, output that cannot be written (a full disk, a
closed pipe) exits 1; none prints a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from backcare_nb import __version__, limits
from backcare_nb import serve as _serve
from backcare_nb.content import CONTENT_DIR_ENV, ContentError, load_content
from backcare_nb.plan import build_plan
from backcare_nb.render import plan_to_dict, plan_to_html, plan_to_markdown, plan_to_patient_html, plan_to_text
from backcare_nb.scenario import EPISODES, MAX_DAYS, MAX_PAIN, WHOLE_NUMBER, Scenario, parse_whole_number

PROG = "backcare-nb"
#: Longest run of a value echoed in an error message; longer ones are cut with "...".
ECHO_LENGTH = 40
#: Longest error message; argparse may list every unrecognised argument.
MESSAGE_LENGTH = 400
_LONG_RUN = re.compile(rf"\S{{{ECHO_LENGTH + 1},}}")


def _readable(message: str) -> str:
    """``message`` on one readable line: control and undecodable characters escaped, long runs
    (a pasted 100 kB value) cut to :data:`ECHO_LENGTH` characters, the whole to MESSAGE_LENGTH."""
    escaped = "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode() for c in message
    )
    shortened = _LONG_RUN.sub(lambda run: run.group()[:ECHO_LENGTH] + "...", escaped)
    return shortened if len(shortened) <= MESSAGE_LENGTH else shortened[:MESSAGE_LENGTH] + "..."


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (no usage block) and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {_readable(message)} (see --help)\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # --help into a closed pipe (`| head -c0`) is no failure. Newer Pythons' argparse ignores the
        # closed pipe itself; Debian's 3.11.2 raises BrokenPipeError here, which exited 1.
        with contextlib.suppress(OSError):
            super()._print_message(message, file)

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> object:
        # "--days=--" reaches here as ["--"], which argparse drops, storing [] without running the
        # type check or the choices; the plan would then fail with a traceback.
        if action.option_strings and action.nargs is None and [s for s in arg_strings if s != "--"] == []:
            self.error(f"argument {'/'.join(action.option_strings)}: expected a value")
        return super()._get_values(action, arg_strings)


def _bounded(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        # Plain ASCII digits only (int() would take "1_0", "٣" or "３"); a long run of digits is
        # out of range without converting it (int() refuses over 4300 digits).
        if len(text) > 12 and WHOLE_NUMBER.fullmatch(text):
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {_echo(text)}")
        value = parse_whole_number(text)
        if value is None:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {_echo(text)}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {value}")
        return value

    return parse


def _echo(text: str) -> str:
    return repr(text if len(text) <= ECHO_LENGTH else text[:ECHO_LENGTH] + "...")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Teaching plans for acute and recurrent low back spasms.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--content", metavar="DIR", help="read content from DIR instead of the packaged data/")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    plan = commands.add_parser("plan", help="print the plan for one scenario")
    plan.add_argument("--days", required=True, type=_bounded(0, MAX_DAYS, "--days"), help="days since onset (0-365)")
    plan.add_argument("--episode", choices=EPISODES, default="first", help="first or recurrent (default: first)")
    plan.add_argument("--pain", type=_bounded(0, MAX_PAIN, "--pain"), default=5, help="pain 0-10 (default: 5)")
    plan.add_argument("--flag", action="append", default=[], metavar="ID", help="a red flag id (repeatable)")
    plan.add_argument("--caution", action="append", default=[], metavar="ID", help="a caution id (repeatable)")
    plan.add_argument(
        "--format",
        choices=("text", "markdown", "html", "patient", "json"),
        default="text",
        help="text, markdown, html (the clinician summary), patient (the patient handout) or json",
    )

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
    dashboard.add_argument(
        "--max-kernels",
        type=_bounded(1, 10_000, "--max-kernels"),
        default=None,
        metavar="N",
        help="most viewers' kernels at once, a preheated pool included; the next viewer is asked to come "
        f"back in a minute (default: sized to this machine's memory, here {limits.default_max_kernels()})",
    )
    dashboard.add_argument(
        "--kernel-memory",
        type=_bounded(0, 1_000_000, "--kernel-memory"),
        default=limits.DEFAULT_KERNEL_MEMORY_MB,
        metavar="MB",
        help=f"address-space limit of each kernel; a kernel past it is stopped with a message "
        f"(default: {limits.DEFAULT_KERNEL_MEMORY_MB}; 0 for none)",
    )
    dashboard.add_argument(
        "--public-url",
        default=None,
        metavar="URL",
        help="the address viewers use (e.g. https://teach.example.org/); the server answers to its host "
        "name and the handouts link to it (default: $BACKCARE_PUBLIC_URL)",
    )
    dashboard.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer to this host name (repeatable; default: loopback names and the --host address)",
    )
    dashboard.add_argument(
        "--class-db",
        default=None,
        metavar="DIR_OR_URL",
        help="where a live class's answers meet: a directory for SQLite, or a postgresql:// URL for kernels "
        "on several machines (default: $BACKCARE_CLASS_DB, else ~/.local/share/backcare-nb; see docs/live-class.md)",
    )
    dashboard.add_argument(
        "--no-token-i-know",
        action="store_true",
        help="serve on a non-loopback --host without a token (only on a network you trust)",
    )
    site = commands.add_parser(
        "build-site",
        help="build the static site (no server needed; see docs/static-site.md)",
        description="Build the dashboard, quiz and evidence lens as a static site (Voici + Pyodide) into OUT, "
        "from pinned PyPI and npm packages, from a checkout or an installed backcare-nb[site]; a rebuild with "
        "unchanged inputs reuses the cache.",
    )
    site.add_argument("out", metavar="OUT", help="the folder to write (replaced if it holds an earlier site)")
    site.add_argument(
        "--cache",
        metavar="DIR",
        default=None,
        help="build cache (default: build/site-cache in a checkout, else ~/.cache/backcare-nb/site-cache)",
    )
    return parser


def _build_site(args: argparse.Namespace) -> int:
    out = Path(args.out)
    # Refuse to replace a folder that is not an earlier build: OUT is deleted before the copy.
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "jupyter-lite.json").is_file())):
        print(
            f"{PROG}: error: {_readable(str(out))} exists and is not an earlier site; choose another OUT",
            file=sys.stderr,
        )
        return 2
    from backcare_nb import site  # the build's imports only when building

    try:
        site.build_site(out, **({"cache": Path(args.cache)} if args.cache else {}))
    except (site.SiteBuildError, OSError) as error:
        print(f"{PROG}: could not build the site: {_readable(str(error))}", file=sys.stderr)
        return 1
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    token = args.token if args.token is not None else os.environ.get(_serve.TOKEN_ENV) or None
    refusal = limits.host_without_token_refusal(args.host, token, args.no_token_i_know)
    if refusal:
        print(f"{PROG}: {_readable(refusal)}", file=sys.stderr)
        return 2
    public_url = args.public_url or os.environ.get("BACKCARE_PUBLIC_URL") or None
    class_db = args.class_db or os.environ.get("BACKCARE_CLASS_DB") or None
    if class_db and not class_db.startswith(("postgresql://", "postgres://")):
        class_db = str(Path(class_db).expanduser().resolve())  # kernels run in the notebook's folder
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
        max_kernels=args.max_kernels,
        kernel_memory_mb=args.kernel_memory,
        allowed_hosts=tuple(args.allow_host),
        public_url=public_url,
        class_db=class_db,
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
    if args.command == "build-site":
        return _build_site(args)

    for option, given, known in (
        ("--flag", args.flag, content.red_flag_ids),
        ("--caution", args.caution, content.caution_ids),
    ):
        unknown = [value for value in given if value not in known]
        if unknown:
            parser.error(f"unknown {option} {_echo(unknown[0])}; choose from {', '.join(known)}")

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
        formats = {
            "text": plan_to_text,
            "markdown": plan_to_markdown,
            "html": plan_to_html,
            "patient": plan_to_patient_html,
        }
        output = formats[args.format](plan)
    return _write(output)


def _write(output: str) -> int:
    """Write the plan to stdout; 0, or 1 with a one-line reason when it cannot be written."""
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()  # the reader left (``| head``): nothing to say, and nobody to say it to
        return 1
    except OSError as error:
        _silence_stdout()
        reason = os.strerror(error.errno) if error.errno else str(error)
        print(f"{PROG}: could not write the plan: {reason}", file=sys.stderr)
        return 1
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what is left cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main_entry() -> None:
    """Console-script entry point."""
    try:
        status = main()
    except BrokenPipeError:  # a message into a closed pipe that argparse does not catch
        _silence_stdout()
        status = 1
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EPIPE, errno.EIO):
            raise
        _silence_stdout()
        status = 1
    sys.exit(status)
