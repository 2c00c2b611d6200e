"""Notebooks are stored clean: outputs only on cells kept on purpose, and no widget state.

nbval (wired in pyproject.toml) runs every notebook in notebooks/ and compares the outputs that
are stored; these checks make sure the only stored outputs are the ones kept on purpose (tagged
``keep_output``), so nbval compares exactly those and a stray output never sneaks into a commit.
New notebooks in notebooks/ are picked up automatically.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
KEEP = "keep_output"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(notebook: dict) -> list[tuple[int, dict]]:
    return [(number, cell) for number, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"]


def _kept(cell: dict) -> bool:
    return KEEP in cell.get("metadata", {}).get("tags", [])


def test_the_notebooks_are_found():
    names = {path.name for path in NOTEBOOKS}
    assert {"dashboard.ipynb", "explore.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_only_kept_cells_carry_outputs(path):
    notebook = _load(path)
    for number, cell in _code_cells(notebook):
        if _kept(cell):
            continue
        assert cell.get("outputs") == [], f"{path.name} cell {number} has outputs but is not tagged {KEEP}"
        assert cell.get("execution_count") is None, f"{path.name} cell {number} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_kept_cells_really_have_outputs_for_nbval_to_compare(path):
    notebook = _load(path)
    for number, cell in _code_cells(notebook):
        if not _kept(cell):
            continue
        # nbval skips the comparison for a cell without an execution count, so both must be there.
        assert cell.get("outputs"), f"{path.name} cell {number} is tagged {KEEP} but has no outputs"
        assert cell.get("execution_count") is not None, f"{path.name} cell {number} has no execution count"
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"{path.name} cell {number} kept an error"
            data = output.get("data", {})
            assert "application/vnd.jupyter.widget-view+json" not in data, f"{path.name} cell {number} kept a widget"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_no_widget_state_is_stored(path):
    notebook = _load(path)
    assert "widgets" not in notebook.get("metadata", {}), f"{path.name} stores widget state"


def test_the_explore_tour_keeps_some_outputs_for_nbval():
    notebook = _load(REPO / "notebooks" / "explore.ipynb")
    kept = [cell for _, cell in _code_cells(notebook) if _kept(cell)]
    assert len(kept) >= 2
    # The JSON stores multi-line text as a list of lines; rich displays keep their HTML and plain text.
    shown = "".join("".join(output.get("data", {}).get("text/html", "")) for cell in kept for output in cell["outputs"])
    assert "Acute stage (0-7 days)" in shown and "Sub-acute and chronic stage" in shown  # the day-range table
    assert "Level of concern: Assessment within a week" in shown  # the red-flag cell


def test_the_dashboard_notebook_is_thin_and_ends_with_the_app():
    notebook = _load(REPO / "notebooks" / "dashboard.ipynb")
    assert notebook["cells"][0]["cell_type"] == "markdown"
    assert "not medical advice" in "".join(notebook["cells"][0]["source"])
    cells = _code_cells(notebook)
    assert sum(len("".join(cell["source"]).splitlines()) for _, cell in cells) <= 6
    assert "".join(cells[-1][1]["source"]).strip() == "page.widget"


def test_pytest_runs_the_notebooks_with_nbval_and_the_sanitize_file():
    options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "notebooks" in options["testpaths"]
    addopts = options["addopts"].split()
    assert "--nbval" in addopts and "--nbval-current-env" in addopts
    sanitize = addopts[addopts.index("--nbval-sanitize-with") + 1]
    assert "regex: " in (REPO / sanitize).read_text(encoding="utf-8")
