"""Packaging: the wheel carries data/ and finds it from inside itself; the two dependency lists agree."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from this checkout (once for the module)."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)]
    if importlib.util.find_spec("hatchling") is not None:
        # Build offline with the hatchling already installed; otherwise pip fetches it into an
        # isolated build environment, as `pip install -e .` did when the checkout was set up.
        command.insert(4, "--no-build-isolation")
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    wheels = list(out.glob("backcare_nb-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_ships_every_content_table_inside_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(path.name for path in (REPO / "data").glob("*.csv"))
    assert "backcare_nb/data/interventions.csv" in names
    assert [name for name in shipped if f"backcare_nb/data/{name}" not in names] == []


def test_wheel_ships_what_the_dashboard_command_serves(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for notebook in ("dashboard", "quiz", "evidence"):  # `backcare-nb dashboard --notebook NAME`
        assert f"backcare_nb/notebooks/{notebook}.ipynb" in names
    assert "backcare_nb/voila_config/voila.json" in names
    assert "backcare_nb/share/jupyter/voila/templates/backcare/index.html.j2" in names


def test_wheel_declares_the_console_script(wheel):
    archive = zipfile.ZipFile(wheel)
    entry_points = next(name for name in archive.namelist() if name.endswith(".dist-info/entry_points.txt"))
    assert "backcare-nb = backcare_nb.cli:main_entry" in archive.read(entry_points).decode()


def _run_from_unzipped_wheel(wheel: Path, site: Path, script: str) -> dict:
    """Unzip the wheel into ``site`` and run ``script`` from another folder with only that copy of
    the package importable first; returns the JSON the script prints."""
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = site.parent / "somewhere_else"
    elsewhere.mkdir()
    # PYTHONPATH comes before site-packages, so the unzipped wheel wins over the checkout's
    # editable install; the callers' assertions check that it did.
    environment = {key: value for key, value in os.environ.items() if key != "BACKCARE_CONTENT_DIR"}
    environment["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_installed_wheel_reads_its_own_data_and_builds_a_plan(wheel, tmp_path):
    site = tmp_path / "site"
    report = _run_from_unzipped_wheel(
        wheel,
        site,
        "import json, backcare_nb\n"
        "content = backcare_nb.load_content()\n"
        "plan = backcare_nb.build_plan(backcare_nb.Scenario(days_since_onset=40, episode='recurrent'), content)\n"
        "print(json.dumps({'package': backcare_nb.__file__, 'directory': str(content.directory),\n"
        "                  'stage': plan.stage.id, 'items': list(plan.item_ids)}))\n",
    )
    assert Path(report["package"]).is_relative_to(site)
    assert Path(report["directory"]) == site / "backcare_nb" / "data"
    assert report["stage"] == "subacute_chronic"
    assert "romanian_deadlift" in report["items"]


# --- pyproject.toml and environment.yml stay in step ----------------------------------------------


def _requirement(text: str) -> tuple[str, str]:
    """("pandas", ">=2.2") from "pandas >= 2.2": name lower-cased, specifier without spaces."""
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*", text)
    assert match, text
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, ",".join(sorted(part.strip() for part in match.group(2).replace(" ", "").split(",") if part))


def _environment_dependencies(text: str) -> tuple[list[str], list[str]]:
    """The conda and the pip entries of environment.yml's ``dependencies`` (a simple YAML list)."""
    conda: list[str] = []
    pip: list[str] = []
    section = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            section = "dependencies" if line.strip() == "dependencies:" else None
            continue
        if section is None:
            continue
        entry = line.strip()
        if entry == "- pip:":
            section = "pip"
            continue
        if section == "pip" and indent <= 2:
            section = "dependencies"
        if entry.startswith("- "):
            value = entry[2:].strip().strip("'\"")
            (pip if section == "pip" else conda).append(value)
    return conda, pip


def test_environment_yml_lists_the_runtime_dependencies_of_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    conda, _ = _environment_dependencies((REPO / "environment.yml").read_text(encoding="utf-8"))
    extras = project["optional-dependencies"]
    # The conda route installs everything a server or JupyterLab needs: the core and both extras.
    runtime = sorted({_requirement(text) for text in [*project["dependencies"], *extras["serve"], *extras["lab"]]})
    listed = sorted(_requirement(text) for text in conda if _requirement(text)[0] not in ("python", "pip"))
    assert listed == runtime
    for required in ("jupyterlab", "ipywidgets", "pandas", "voila"):
        assert required in dict(runtime)


def test_core_requires_only_what_a_plan_and_the_widgets_need():
    """The static site's browser Python installs the core wheel: nothing it cannot run."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert sorted(_requirement(text)[0] for text in project["dependencies"]) == ["ipywidgets", "jinja2", "segno"]
    extras = project["optional-dependencies"]
    assert {"voila", "ipykernel"} <= {_requirement(text)[0] for text in extras["serve"]}
    assert {"jupyterlab", "pandas", "matplotlib"} <= {_requirement(text)[0] for text in extras["lab"]}


def test_environment_yml_matches_python_requirement_and_the_checkout_is_installed_with_pip():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    conda, pip = _environment_dependencies((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert dict(_requirement(text) for text in conda)["python"] == project["requires-python"]
    assert pip == []  # never a package from a remote branch; the checkout comes from pip, as below
    assert "pip install --no-deps -e ." in (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install --no-deps --no-cache-dir -e ." in (REPO / ".binder" / "postBuild").read_text(encoding="utf-8")
    assert (REPO / ".binder" / "environment.yml").resolve() == (REPO / "environment.yml").resolve()


def test_test_extra_holds_what_the_tests_need():
    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert {"pytest", "hypothesis", "nbval"} <= {_requirement(text)[0] for text in extras["test"]}


def test_requirement_parser_reads_specifiers_the_same_way_in_both_files():
    assert _requirement("voila >= 0.5.8, <0.6") == _requirement("voila>=0.5.8,<0.6") == ("voila", "<0.6,>=0.5.8")
    conda, pip = _environment_dependencies(
        "name: x\ndependencies:\n  - python>=3.11\n  - pandas>=2.2  # comment\n  - pip:\n      - -e .\nother: 1\n"
    )
    assert (conda, pip) == (["python>=3.11", "pandas>=2.2"], ["-e ."])


def test_installed_wheel_serves_its_own_notebooks(wheel, tmp_path):
    """`backcare-nb dashboard --notebook NAME` points Voila at the copy inside the installed package."""
    site = tmp_path / "site"
    served = _run_from_unzipped_wheel(
        wheel,
        site,
        "import json\n"
        "from backcare_nb import serve\n"
        "print(json.dumps({name: serve.voila_argv(serve.ServeOptions(notebook_name=name))[0]\n"
        "                  for name in ('dashboard', 'quiz', 'evidence')}))\n",
    )
    for name, path in served.items():
        assert Path(path) == site / "backcare_nb" / "notebooks" / f"{name}.ipynb"
