"""Packaging: the wheel carries data/ and finds it from inside itself; the sdist builds the same wheel;
twine accepts both; the installed shapes hold what they should; the two dependency lists agree."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import HEAVY_MODULES, SITE_CACHE
from tests.shapes import build_distributions, installed_modules, run_in, venv_environment

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(distributions) -> Path:
    """The session's wheel (``python -m build``, from the sdist): one build shared by every test."""
    return distributions.wheel


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


# --- what python -m build makes, and what the installed shapes can do -------------------------------


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def _version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_the_sdist_builds_the_same_wheel_as_the_checkout(distributions, tmp_path):
    from_checkout = build_distributions(tmp_path, "--wheel")
    assert from_checkout.name == distributions.wheel.name == f"backcare_nb-{_version()}-py3-none-any.whl"
    assert _members(from_checkout) == _members(distributions.wheel)  # every file, byte for byte
    assert distributions.sdist.name == f"backcare_nb-{_version()}.tar.gz"


def test_twine_accepts_the_wheel_and_the_sdist(distributions):
    command = [sys.executable, "-m", "twine", "check", "--strict", str(distributions.sdist), str(distributions.wheel)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("PASSED") == 2, run.stdout


def test_the_installed_command_prints_the_version_the_changelog_starts_with(serve_venv, tmp_path):
    run = subprocess.run(
        [str(serve_venv / "bin" / "backcare-nb"), "--version"],
        cwd=tmp_path,
        env=venv_environment(serve_venv),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (run.returncode, run.stdout) == (0, f"backcare-nb {_version()}\n")
    releases = re.findall(r"^## (\S+)", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert releases and releases[0] == _version()


def test_the_serving_extra_brings_voila_and_no_pandas_matplotlib_or_numpy(serve_venv, tmp_path):
    """The shape tests/browser/test_installed_shapes.py serves from: it must really lack them."""
    assert installed_modules(serve_venv, HEAVY_MODULES, tmp_path) == []
    assert installed_modules(serve_venv, ("voila", "ipykernel", "segno", "backcare_nb"), tmp_path) == [
        "voila",
        "ipykernel",
        "segno",
        "backcare_nb",
    ]
    located = run_in(serve_venv, "import backcare_nb; print(backcare_nb.__file__)", tmp_path).strip()
    assert Path(located).is_relative_to(serve_venv)  # the installed copy, not this checkout


def test_build_site_runs_from_the_installed_wheel_and_packs_its_own_files(static_site, site_venv, tmp_path):
    from backcare_nb import site

    # The site's wheel holds the installed package's files: the content, templates and notebooks too.
    (packed,) = (static_site / "static" / "pyodide").glob("backcare_nb-*.whl")
    names = set(_members(packed))
    for shipped in ("backcare_nb/data/red_flags.csv", "backcare_nb/templates/handout_patient.html.j2"):
        assert shipped in names
    assert "backcare_nb/notebooks/dashboard.ipynb" in names
    # The same inputs as a checkout's `make site`: one build, shared through the cache.
    script = "from backcare_nb import site\nprint(site.site_digest(site.project_wheel(), site.page_notebook()))"
    installed_digest = run_in(site_venv, script, tmp_path).strip()
    assert installed_digest == site.site_digest(site.project_wheel(), site.page_notebook())
    assert (SITE_CACHE / installed_digest / "site" / "jupyter-lite.json").is_file()
    assert (static_site / site.PAGE).is_file()
