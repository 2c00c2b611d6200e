"""The static site: the app as a folder of files that runs in the browser (Voici, JupyterLite, Pyodide).

``backcare-nb build-site OUT`` (``make site``) builds it from registry packages only, with pinned
versions (``requirements.txt`` and ``pyodide/package-lock.json`` beside this file, and the ``site``
extra's pins of the build tools), and no request at run time outside the site's own origin:

- the Pyodide runtime from the npm package ``pyodide`` (the version the kernel expects), with a lock
  file that names only the site's own wheels (:func:`lock_file`), all preloaded at start-up
  (:func:`lite_config`), so the kernel never installs anything and never reaches for a CDN;
- pure-Python wheels from PyPI, MarkupSafe made pure from its sdist (:func:`pure_wheel`), and empty
  stand-ins for ``sqlite3`` and ``jedi``, which the kernel loads but the app never uses;
- the project's own wheel, packed from the running package's files (:func:`package_files`): the
  same build works from a checkout and from an installed ``backcare-nb[site]``, whose wheel ships
  the content, templates and notebooks inside the package;
- one page, ``notebooks/dashboard.ipynb``: its router opens the quiz and the evidence lens from the
  query string, which the ``backcare`` template passes to Python as ``QUERY_STRING`` (as Voilà does);
- only the two lab extensions the page needs, no source maps.

The slow part (downloads, the JupyterLite build) is cached in ``<cache>/<digest>/`` by a digest of
every input (:func:`inputs_digest`), so a second build copies the cached folder; the cache is the
checkout's ``build/site-cache/``, or for an installed package ``~/.cache/backcare-nb/site-cache``
(:func:`default_cache`).
Everything here but :func:`build_site` and its helpers is a pure function, tested in tests/test_site.py.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from email.parser import Parser
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = SITE_DIR.parent
#: The checkout around the package, when it is one (see :func:`default_cache`).
REPO = PACKAGE_DIR.parent
REQUIREMENTS = SITE_DIR / "requirements.txt"
NPM_DIR = SITE_DIR / "pyodide"
#: The distribution's name, as the site's lock file and the installed package's metadata spell it.
DISTRIBUTION = "backcare-nb"
#: The Python the wheels are chosen for: Pyodide 0.29's CPython.
BROWSER_PYTHON = "3.13"
#: MarkupSafe (Jinja2's escaping, for the handouts) publishes no pure wheel; its sdist's Python
#: fallback is complete, so the build packs that as one.
MARKUPSAFE = ("markupsafe", "3.0.3")
#: Packages the kernel loads at start-up that the app never uses: shipped as empty wheels.
STAND_INS = {"sqlite3": "1.0.0", "jedi": "0.0.0"}
#: Of the kernel extension's own wheels, the ones the kernel loads (widgetsnbextension for ipywidgets 8).
KERNEL_WHEELS = ("ipykernel-", "piplite-", "pyodide_kernel-", "widgetsnbextension-4.")
#: Pygments' lexers that IPython's own lexers and tracebacks import; the other 300-odd (1 MB of the
#: first visit) are left out of the site's copy of Pygments.
PYGMENTS_LEXERS = frozenset(
    {"__init__", "_mapping", "_css_builtins", "_lilypond_builtins", "_scheme_builtins", "css", "data", "html"}
    | {"javascript", "jvm", "lilypond", "lisp", "markup", "perl", "python", "ruby", "shell"}
)
#: Standard-library modules of Pyodide's python_stdlib.zip that nothing in the page imports (mail, FTP
#: and XML-RPC clients, processes a browser cannot start): 0.22 MB less on the first visit. unittest
#: stays (the kernel's piplite imports unittest.mock), pydoc (help()) and _pyrepl (site.py imports it
#: at start-up: without it the kernel never starts).
STDLIB_UNUSED = frozenset(
    {"doctest.py", "ftplib.py", "imaplib.py", "mailbox.py", "multiprocessing", "poplib.py", "smtplib.py"}
    | {"tomllib", "wsgiref", "xmlrpc"}
)
#: The page each notebook becomes, relative to the site's root.
NOTEBOOK = "dashboard.ipynb"
PAGE = "voici/render/dashboard.html"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: Runtime files of the npm package the page fetches (the rest: TypeScript types, the Node loader).
RUNTIME_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
#: What the page says while Python starts; measured on the 2-core development machine (README).
START_SECONDS = 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9.]+")
_PIP_DOWNLOAD = (sys.executable, "-m", "pip", "download", "--quiet", "--no-deps")


class SiteBuildError(RuntimeError):
    """A step of the build failed; the message names the step and ends with its output."""


# --- pure functions -------------------------------------------------------------------------------


def canonical_name(name: str) -> str:
    """A package name as Pyodide's lock file and ``loadPackage`` compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text: str) -> list[tuple[str, str]]:
    """``name==version`` lines (comments and blank lines skipped) as (name, version) pairs.

    Raises ValueError for a line that is not an exact pin: the build must be repeatable.
    """
    pins = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition("==")
        if not separator or not name.strip() or not re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version.strip()):
            raise ValueError(f"line {number}: {raw.strip()!r} is not an exact pin (name==version)")
        pins.append((name.strip(), version.strip()))
    return pins


def inputs_digest(files: Mapping[str, bytes], extra: Mapping[str, str] | None = None) -> str:
    """A short digest of the build's inputs: each file's relative path and bytes, then ``extra``
    (tool versions, options), both in sorted order so the digest never depends on listing order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    for key, value in sorted((extra or {}).items()):
        digest.update(f"{key}={value}\0".encode())
    return digest.hexdigest()[:16]


def wheel_file_name(name: str, version: str) -> str:
    """The file name of a pure wheel (``py3-none-any``)."""
    return f"{_SAFE_NAME.sub('_', name)}-{version}-py3-none-any.whl"


def pure_wheel(name: str, version: str, files: Mapping[str, bytes], summary: str = "") -> bytes:
    """The bytes of a ``py3-none-any`` wheel holding ``files`` (archive path -> bytes), with the
    metadata, WHEEL and RECORD files a wheel needs. With no files it is a stand-in: it installs,
    and importing it fails as if it were absent."""
    dist_info = f"{_SAFE_NAME.sub('_', name)}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n".encode()
    wheel = b"Wheel-Version: 1.0\nGenerator: backcare_nb.site\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    contents = {**files, f"{dist_info}/METADATA": metadata, f"{dist_info}/WHEEL": wheel}
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data in contents.items():
        hashed = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([path, f"sha256={hashed}", len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    contents[f"{dist_info}/RECORD"] = record.getvalue().encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            # A fixed date: the same inputs make the same bytes (and the same sha256 in the lock).
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def filtered_zip(data: bytes, keep: Callable[[str], bool], wheel: bool = False) -> bytes:
    """A copy of the zip archive ``data`` with only the members ``keep`` accepts; for a wheel
    (``wheel=True``) its RECORD lists only what is left, so installers check what they unpack."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        kept = [info for info in source.infolist() if keep(info.filename)]
        for info in kept:
            content = source.read(info)
            if wheel and info.filename.endswith(".dist-info/RECORD"):
                lines = content.decode("utf-8").splitlines(keepends=True)
                names = {other.filename for other in kept}
                content = "".join(line for line in lines if line.split(",", 1)[0] in names).encode("utf-8")
            target.writestr(info, content)
    return buffer.getvalue()


def keep_pygments_member(path: str) -> bool:
    """Whether a file of the Pygments wheel goes into the site (every one but unused lexers)."""
    if not path.startswith("pygments/lexers/"):
        return True
    return path.removeprefix("pygments/lexers/").removesuffix(".py") in PYGMENTS_LEXERS


def keep_stdlib_member(path: str) -> bool:
    """Whether a file of Pyodide's python_stdlib.zip goes into the site."""
    return path.split("/", 1)[0] not in STDLIB_UNUSED


def wheel_lock_entry(file_name: str, data: bytes) -> dict:
    """The lock-file entry of a pure wheel: its name and version from its metadata, its top-level
    import names, and the sha256 Pyodide checks the download against. No dependencies: every wheel
    of the site is preloaded by name (:func:`lite_config`), so none is resolved at run time."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        metadata_path = next(n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_path).decode("utf-8"))
    tops = sorted(
        {
            path.split("/", 1)[0].removesuffix(".py")
            for path in names
            if not path.split("/", 1)[0].endswith((".dist-info", ".data")) and (path.endswith(".py") or "/" in path)
        }
    )
    return {
        "name": canonical_name(metadata["Name"]),
        "version": metadata["Version"],
        "file_name": file_name,
        "install_dir": "site",
        "sha256": hashlib.sha256(data).hexdigest(),
        "package_type": "package",
        "imports": tops,
        "depends": [],
        "unvendored_tests": False,
        "shared_library": False,
    }


def lock_file(runtime_lock: Mapping, entries: Iterable[dict]) -> dict:
    """Pyodide's lock file for the site: the runtime's own ``info`` (Python and platform) and only
    the site's wheels, so nothing the page asks for can fall through to a package it does not have."""
    return {"info": dict(runtime_lock["info"]), "packages": {entry["name"]: entry for entry in entries}}


def lite_config(packages: Iterable[str], start_seconds: int = START_SECONDS) -> dict:
    """The build's jupyter-lite.json: the local Pyodide, every wheel preloaded, no PyPI fallback.

    ``pyodideUrl`` is relative to the site's root (the build rewrites it relative to each page); the
    page's template makes it absolute at run time, and sets the base URL from the page's own address
    (Voici renders pages with a base URL of "/", which breaks a site served from a sub-folder).
    ``backcareStartSeconds`` is the figure the page's progress message gives.
    """
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "backcareStartSeconds": start_seconds,
            "litePluginSettings": {
                KERNEL_PLUGIN: {
                    "pyodideUrl": "static/pyodide/pyodide.js",
                    "disablePyPIFallback": True,
                    "loadPyodideOptions": {"packages": sorted(packages)},
                }
            },
        },
    }


def kernel_preload_names(entries: Iterable[dict]) -> list[str]:
    """The names to preload: every wheel, plus the spellings the kernel checks for literally
    (``pyodide_kernel``) before it would install a package itself."""
    names = {entry["name"] for entry in entries}
    return sorted(names | {"pyodide_kernel"} if "pyodide-kernel" in names else names)


def prune_site(root: Path) -> list[Path]:
    """Delete what the page never loads: source maps, licence texts of bundles, the doit database,
    and the JupyterLite apps other than Voici's. Returns the removed paths."""
    removed = []
    patterns = ("*.map", "*.js.LICENSE.txt", ".jupyterlite.doit.db")
    for pattern in patterns:
        for path in root.rglob(pattern):
            path.unlink()
            removed.append(path)
    return removed


# --- the build ------------------------------------------------------------------------------------


def _run(step: str, command: list[str], **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SiteBuildError(f"{step} failed ({' '.join(command)}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def _shipped(path: Path, root: Path) -> bool:
    """Whether a file under ``root`` belongs in the wheel: not compiled, not hidden, no npm install."""
    parts = path.relative_to(root).parts
    return path.is_file() and not any(
        part == "__pycache__" or part == "node_modules" or part.startswith(".") for part in parts
    )


def package_files(package: Path = PACKAGE_DIR) -> dict[str, bytes]:
    """The project's files as its wheel holds them (archive path -> bytes): the package, with the
    content and the notebooks inside it as ``backcare_nb/data`` and ``backcare_nb/notebooks``.

    An installed package has them there already (pyproject.toml's force-include); a checkout keeps
    them beside the package, in data/ and notebooks/. Either way the same files give the same bytes,
    so the site's wheel (and the build's digest) is the same from a checkout and from the wheel.
    """
    files = {
        f"{package.name}/{path.relative_to(package).as_posix()}": path.read_bytes()
        for path in sorted(package.rglob("*"))
        if _shipped(path, package)
    }
    for folder in ("data", "notebooks"):
        if (package / folder).is_dir():
            continue  # installed: already inside the package
        beside = package.parent / folder
        for path in sorted(beside.rglob("*")):
            if _shipped(path, beside):
                files[f"{package.name}/{folder}/{path.relative_to(beside).as_posix()}"] = path.read_bytes()
    return dict(sorted(files.items()))  # one order for both layouts: the wheel's bytes are the same


def project_version() -> str:
    """The version of the running package, from its installed metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError as error:
        raise SiteBuildError(f"{DISTRIBUTION} is not installed (pip install '.[site]', or make install)") from error


def project_wheel(package: Path = PACKAGE_DIR, version: str | None = None) -> tuple[str, bytes]:
    """The project's wheel for the browser's Python, packed from :func:`package_files`: its file
    name and bytes. No build backend runs, so it works the same in a checkout and when installed."""
    version = version or project_version()
    summary = "backcare_nb for the static site: the package, its content and notebooks"
    return wheel_file_name("backcare_nb", version), pure_wheel(DISTRIBUTION, version, package_files(package), summary)


def default_cache() -> Path:
    """Where built sites are kept: ``build/site-cache`` in a checkout (beside the package, with its
    pyproject.toml), else ``$XDG_CACHE_HOME/backcare-nb/site-cache`` (``~/.cache`` by default)."""
    if (REPO / "pyproject.toml").is_file() and (REPO / "data").is_dir():
        return REPO / "build" / "site-cache"
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "backcare-nb" / "site-cache"


def page_notebook() -> Path:
    """The notebook the site is built from (the dashboard), in the package or beside it."""
    from backcare_nb.serve import notebook_path

    return notebook_path("dashboard")


def tool_versions() -> dict[str, str]:
    """Versions of the build tools (the ``site`` extra): a change of any rebuilds the site."""
    from importlib.metadata import version

    return {name: version(name) for name in ("voici-core", "jupyterlite-core", "jupyterlite-pyodide-kernel", "voila")}


def _pip_download(into: Path, pins: list[tuple[str, str]]) -> None:
    _run(
        "downloading the browser's wheels",
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            BROWSER_PYTHON,
            "--platform",
            "any",
            "--implementation",
            "py",
            "--abi",
            "none",
            "--dest",
            str(into),
            *[f"{name}=={version}" for name, version in pins],
        ],
    )


def _markupsafe_wheel(work: Path) -> tuple[str, bytes]:
    name, version = MARKUPSAFE
    _run(
        "downloading the MarkupSafe sdist",
        [*_PIP_DOWNLOAD, "--no-binary=:all:", "--dest", str(work), f"{name}=={version}"],
    )
    sdist = next(work.glob(f"{name}-{version}.tar.gz"))
    files = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            parts = member.name.split("/")
            if member.isfile() and parts[1:3] == ["src", "markupsafe"] and parts[-1].endswith((".py", ".typed")):
                files["markupsafe/" + parts[-1]] = archive.extractfile(member).read()
    return wheel_file_name(name, version), pure_wheel("MarkupSafe", version, files, "MarkupSafe, pure Python")


def _labextension(name: str) -> Path:
    for prefix in (Path(sys.prefix), *map(Path, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))):
        candidate = prefix / "share" / "jupyter" / "labextensions" / name
        if candidate.is_dir():
            return candidate
    raise SiteBuildError(f"the lab extension {name} is not installed in {sys.prefix} (make install)")


def _assemble(work: Path, project: tuple[str, bytes], notebook: Path) -> Path:
    """Build the site of ``notebook`` into ``work/site``; returns that folder."""
    wheels = work / "wheels"
    wheels.mkdir(parents=True)
    _pip_download(wheels, read_pins(REQUIREMENTS.read_text(encoding="utf-8")))
    name, data = _markupsafe_wheel(work)
    (wheels / name).write_bytes(data)
    for stand_in, version in STAND_INS.items():
        (wheels / wheel_file_name(stand_in, version)).write_bytes(pure_wheel(stand_in, version, {}, "stand-in"))
    kernel_extension = _labextension("@jupyterlite/pyodide-kernel-extension")
    for wheel in (kernel_extension / "static" / "pypi").glob("*.whl"):
        if wheel.name.startswith(KERNEL_WHEELS):
            shutil.copy2(wheel, wheels / wheel.name)
    (wheels / project[0]).write_bytes(project[1])
    for pygments in wheels.glob("pygments-*.whl"):
        pygments.write_bytes(filtered_zip(pygments.read_bytes(), keep_pygments_member, wheel=True))

    npm = work / "npm"
    npm.mkdir()
    for file_name in ("package.json", "package-lock.json"):
        shutil.copy2(NPM_DIR / file_name, npm / file_name)
    _run(
        "installing the Pyodide runtime (npm ci)", ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=npm
    )
    runtime = npm / "node_modules" / "pyodide"

    entries = [wheel_lock_entry(path.name, path.read_bytes()) for path in sorted(wheels.glob("*.whl"))]
    lite = work / "lite"
    pyodide_dir = lite / "static" / "pyodide"
    pyodide_dir.mkdir(parents=True)
    for file_name in RUNTIME_FILES:
        shutil.copy2(runtime / file_name, pyodide_dir / file_name)
    stdlib = pyodide_dir / "python_stdlib.zip"
    stdlib.write_bytes(filtered_zip(stdlib.read_bytes(), keep_stdlib_member))
    for path in wheels.glob("*.whl"):
        shutil.copy2(path, pyodide_dir / path.name)
    runtime_lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock_file(runtime_lock, entries), indent=1))
    (lite / "jupyter-lite.json").write_text(json.dumps(lite_config(kernel_preload_names(entries)), indent=2))
    content = work / "content"
    content.mkdir()
    shutil.copy2(notebook, content / notebook.name)

    output = work / "site"
    environment = {**os.environ, "JUPYTER_PATH": str(PACKAGE_DIR / "share" / "jupyter")}
    # voici_core's own __main__ imports the full `voici` package (which needs conda kernels): call its app.
    voici = [sys.executable, "-c", "from voici_core.app import main; main()", "build"]
    voici += ["--lite-dir", str(lite), "--output-dir", str(output)]
    options = ["--contents", str(content / notebook.name), "--template", "backcare", "--strip_sources=True"]
    options += ["--no-sourcemaps", "--no-unused-shared-packages", "--ignore-sys-prefix"]
    for extension in ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager"):
        options.append(f"--LiteBuildConfig.federated_extensions={_labextension(extension)}")
    _run("building the site (voici build)", voici + options, cwd=work, env=environment)
    prune_site(output)
    return output


def site_digest(project: tuple[str, bytes], notebook: Path) -> str:
    """The digest of a build's inputs: the project's wheel (:func:`project_wheel`), the Pyodide pins,
    the page's notebook and the build tools' versions. Equal digests make the same site, whether
    the package runs from a checkout or is installed."""
    return inputs_digest(
        {
            f"wheel/{project[0]}": project[1],
            **{f"site/{p.name}": p.read_bytes() for p in NPM_DIR.glob("package*.json")},
            f"page/{notebook.name}": notebook.read_bytes(),
        },
        tool_versions(),
    )


def build_site(
    out: Path,
    cache: Path | None = None,
    package: Path = PACKAGE_DIR,
    log: Callable[[str], object] = print,
    notebook: Path | None = None,
) -> Path:
    """Build the static site into ``out`` (replaced if it exists), reusing ``cache/<digest>/site``
    when every input is unchanged (``cache`` defaults to :func:`default_cache`). Returns ``out``;
    the page is ``voici/render/<notebook's stem>.html``. ``notebook`` defaults to the dashboard (the
    benchmark builds its one-slider baseline the same way). Raises :class:`SiteBuildError`."""
    notebook = notebook or page_notebook()
    cache = cache or default_cache()
    project = project_wheel(package)
    digest = site_digest(project, notebook)
    cached = cache / digest / "site"
    if cached.is_dir():
        log(f"Reusing the cached build {cached}")
    else:
        log(f"Building the static site (inputs {digest}); the first build takes a few minutes")
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache, prefix="work-") as temporary:
            built = _assemble(Path(temporary), project, notebook)
            cached.parent.mkdir(parents=True, exist_ok=True)
            # Moved into place only when complete: a half-built folder is never reused.
            built.rename(cached)
    out = Path(out)
    if out.resolve() != cached.resolve():
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(cached, out)
    log(
        f"The static site is in {out}: serve it with `python -m http.server -d {out}` "
        f"and open /voici/render/{notebook.stem}.html"
    )
    return out
