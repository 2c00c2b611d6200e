"""Shared fixtures: the shipped content, loaded once, and editable copies of data/ to break on purpose.

Fixtures other test modules may use:

- ``content``: the validated content from the repository's data/ (session scope, read-only).
- ``data_dir``: the path of the repository's data/ folder.
- ``content_copy``: a :class:`ContentCopy` of data/ in the test's ``tmp_path``, with helpers to
  change one cell, line or column, so a test can break exactly one thing and load it again.
- ``distributions`` (session): the sdist and wheel ``python -m build`` makes (tests/shapes.py).
- ``serve_venv`` and ``site_venv`` (session): fresh virtual environments with that wheel installed
  with only ``[serve]`` or only ``[site]``, cached in build/shape-cache/ by the wheel's digest.
- ``static_site`` (session): the static site, built once by ``backcare-nb build-site`` run from
  ``site_venv`` (cached in build/site-cache/, which ``make site`` shares), in build/site.
"""

from __future__ import annotations

import ast
import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backcare_nb import Content, load_content
from backcare_nb.content import CONTENT_DIR_ENV
from tests.shapes import Distributions, build_distributions, installed_venv, venv_environment

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "data"

# The tests judge the content shipped in this checkout, not a clinician's copy that the shell
# running pytest may point at; tests that need the variable set it with monkeypatch.
os.environ.pop(CONTENT_DIR_ENV, None)


#: Libraries a dashboard or lens kernel must not import: each costs a viewer load time and memory.
HEAVY_MODULES = ("pandas", "numpy", "matplotlib")


def heavy_modules_after(script: str) -> list[str]:
    """Run ``script`` in a fresh Python (it must succeed) and name the :data:`HEAVY_MODULES` it imported."""
    probe = f"{script}\nimport sys\nprint(sorted(name for name in {HEAVY_MODULES!r} if name in sys.modules))\n"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    return ast.literal_eval(run.stdout.strip().splitlines()[-1])


class ContentCopy:
    """A copy of data/ that a test may edit, addressing rows by their 1-based line in the file.

    Every edit keeps the other lines byte for byte, so the line numbers a test expects in a
    ContentError are the line numbers a clinician would see in an editor.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, table: str) -> Path:
        return self.directory / f"{table}.csv"

    def lines(self, table: str) -> list[str]:
        """The file's lines without line endings; ``lines(t)[0]`` is line 1 (the header)."""
        return self.path(table).read_text(encoding="utf-8").splitlines()

    def write_lines(self, table: str, lines: list[str]) -> None:
        self.path(table).write_text("\n".join(lines) + "\n", encoding="utf-8")

    def header(self, table: str) -> list[str]:
        return next(csv.reader([self.lines(table)[0]]))

    def line_of(self, table: str, row_id: str) -> int:
        """The 1-based line of the first row whose first cell is ``row_id``."""
        for number, line in enumerate(self.lines(table), start=1):
            if number > 1 and next(csv.reader([line]), [""])[0] == row_id:
                return number
        raise LookupError(f"{row_id!r} not in {table}.csv")

    def cell(self, table: str, line: int, column: str) -> str:
        return next(csv.reader([self.lines(table)[line - 1]]))[self.header(table).index(column)]

    def set_cell(self, table: str, line: int, column: str, value: str) -> None:
        """Replace one cell (``line`` is 1-based, counting the header as line 1)."""
        lines = self.lines(table)
        cells = next(csv.reader([lines[line - 1]]))
        cells[self.header(table).index(column)] = value
        lines[line - 1] = _csv_line(cells)
        self.write_lines(table, lines)

    def replace_line(self, table: str, line: int, text: str) -> None:
        lines = self.lines(table)
        lines[line - 1] = text
        self.write_lines(table, lines)

    def append_line(self, table: str, text: str) -> int:
        """Add a line at the end; returns its 1-based line number."""
        lines = self.lines(table)
        lines.append(text)
        self.write_lines(table, lines)
        return len(lines)

    def drop_column(self, table: str, column: str) -> None:
        position = self.header(table).index(column)
        rows = [next(csv.reader([line])) for line in self.lines(table)]
        self.write_lines(table, [_csv_line(row[:position] + row[position + 1 :]) for row in rows])

    def rename_column(self, table: str, old: str, new: str) -> None:
        header = self.header(table)
        header[header.index(old)] = new
        self.replace_line(table, 1, _csv_line(header))

    def load(self) -> Content:
        return load_content(self.directory)


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def copy_content(destination: Path) -> ContentCopy:
    """Copy the repository's data/ into ``destination`` (created) and return it as a ContentCopy."""
    shutil.copytree(DATA_DIR, destination)
    return ContentCopy(destination)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The repository's data/ folder (read it, never write to it)."""
    return DATA_DIR


@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped content, loaded once per test session. Treat it as read-only."""
    return load_content()


@pytest.fixture
def content_copy(tmp_path: Path) -> ContentCopy:
    """A fresh, valid copy of data/ under ``tmp_path/data`` for a test to edit (and usually break)."""
    return copy_content(tmp_path / "data")


# --- the shapes people install (tests/shapes.py) --------------------------------------------------

#: Where the session's static site is built, as `make site` builds it; and the cache both share.
STATIC_SITE = REPO / "build" / "site"
SITE_CACHE = REPO / "build" / "site-cache"


@pytest.fixture(scope="session")
def distributions(tmp_path_factory) -> Distributions:
    """The sdist and the wheel built from it, once per session."""
    return build_distributions(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def serve_venv(distributions) -> Path:
    """The wheel installed with only the ``serve`` extra, as `pip install 'backcare-nb[serve]'` does."""
    return installed_venv(distributions.wheel, "serve")


@pytest.fixture(scope="session")
def site_venv(distributions) -> Path:
    """The wheel installed with only the ``site`` extra, as `pip install 'backcare-nb[site]'` does."""
    return installed_venv(distributions.wheel, "site")


@pytest.fixture(scope="session")
def static_site(site_venv, tmp_path_factory) -> Path:
    """The static site, built once per session by the installed package's `backcare-nb build-site`,
    run outside the checkout; a build with unchanged inputs comes from the shared cache."""
    elsewhere = tmp_path_factory.mktemp("build-site-from-the-wheel")
    command = [str(site_venv / "bin" / "backcare-nb"), "build-site", str(STATIC_SITE), "--cache", str(SITE_CACHE)]
    run = subprocess.run(
        command, cwd=elsewhere, env=venv_environment(site_venv), capture_output=True, text=True, timeout=1800
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return STATIC_SITE
