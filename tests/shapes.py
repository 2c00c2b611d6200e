"""The shapes a person installs the project in, made as they would make them, once per test session.

- :func:`build_distributions`: ``python -m build --no-isolation`` from the checkout, as a release is
  made: the sdist, then the wheel built from that sdist. ``--no-isolation`` uses the hatchling of
  the ``test`` extra, so no build backend is fetched at test time.
- :func:`installed_venv`: a fresh virtual environment with that wheel installed with one extra
  (``pip install 'backcare_nb-X.whl[serve]'``), from the machine's configured package index, as a
  new user installs it. Kept in ``build/shape-cache/<extra>-<digest>/`` by a digest of the wheel's
  bytes (hatchling's wheels are reproducible), so a second run with unchanged code reuses it.
- :func:`venv_environment`: the environment to run that venv's commands in: its bin/ first on the
  PATH, none of this checkout's variables (PYTHONPATH, content or class folders) leaking in.

tests/conftest.py makes these session fixtures; tests/test_packaging.py and
tests/browser/test_installed_shapes.py use them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHAPE_CACHE = REPO / "build" / "shape-cache"
#: Written last into a cached venv: a folder without it was interrupted and is made again.
COMPLETE = ".backcare-complete"
INSTALL_TIMEOUT_SECONDS = 900
#: Variables of the developer's shell that would make an installed copy read this checkout.
CHECKOUT_VARIABLES = ("PYTHONPATH", "VIRTUAL_ENV", "BACKCARE_CONTENT_DIR", "BACKCARE_CLASS_DB", "JUPYTER_PATH")


@dataclass(frozen=True)
class Distributions:
    """What ``python -m build`` made: the sdist and the wheel built from it."""

    sdist: Path
    wheel: Path


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    run = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS, **kwargs)
    if run.returncode != 0:
        output = run.stdout[-3000:] + run.stderr[-3000:]
        raise RuntimeError(f"{' '.join(command)} exited with {run.returncode}:\n{output}")
    return run


def build_distributions(out: Path, *formats: str) -> Distributions | Path:
    """``python -m build --no-isolation`` of the checkout into ``out``: by default the sdist and the
    wheel built from it; with ``"--wheel"`` only a wheel straight from the checkout (returned alone)."""
    _run([sys.executable, "-m", "build", "--no-isolation", *formats, "--outdir", str(out), str(REPO)])
    wheels = list(out.glob("backcare_nb-*.whl"))
    assert len(wheels) == 1, wheels
    if formats == ("--wheel",):
        return wheels[0]
    (sdist,) = out.glob("backcare_nb-*.tar.gz")
    return Distributions(sdist=sdist, wheel=wheels[0])


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def installed_venv(wheel: Path, extra: str, cache: Path = SHAPE_CACHE) -> Path:
    """A virtual environment with ``wheel[extra]`` installed and nothing else of this checkout.

    Reused from ``cache`` when the same wheel was installed with the same extra by the same Python;
    other venvs of the extra are removed then, so the cache holds one per shape.
    """
    key = hashlib.sha256(wheel.read_bytes() + f"{extra}|{sys.version}".encode()).hexdigest()[:16]
    venv = cache / f"{extra}-{key}"
    if (venv / COMPLETE).is_file():
        return venv
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"{extra}-*"):
        shutil.rmtree(old, ignore_errors=True)
    # A venv's scripts name their own path: it is made where it stays, and marked complete last.
    _run([sys.executable, "-m", "venv", str(venv)])
    _run(
        [str(venv_python(venv)), "-m", "pip", "install", "--quiet", f"{wheel}[{extra}]"],
        env=venv_environment(venv),
        cwd=cache,
    )
    (venv / COMPLETE).write_text(f"{wheel.name}[{extra}]\n")
    return venv


def venv_environment(venv: Path, **extra: str) -> dict[str, str]:
    """The environment to run ``venv``'s commands in, as a user who installed it would have it."""
    environment = {key: value for key, value in os.environ.items() if key not in CHECKOUT_VARIABLES}
    environment["PATH"] = os.pathsep.join([str(venv / "bin"), environment.get("PATH", "")])
    environment["VIRTUAL_ENV"] = str(venv)
    environment.update(extra)
    return environment


def run_in(venv: Path, script: str, cwd: Path, **environment: str) -> str:
    """Run a Python ``script`` with the venv's Python in ``cwd`` (outside the checkout); its stdout."""
    return _run([str(venv_python(venv)), "-c", script], cwd=cwd, env=venv_environment(venv, **environment)).stdout


def installed_modules(venv: Path, names: tuple[str, ...], cwd: Path) -> list[str]:
    """Which of ``names`` the venv's Python can import."""
    script = f"import importlib.util\nprint(' '.join(n for n in {names!r} if importlib.util.find_spec(n)))"
    return run_in(venv, script, cwd).split()
