"""The static site's pure functions (backcare_nb.site): pins, digests, wheels, the lock and the config."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from backcare_nb import site
from backcare_nb.cli import main


def test_pins_are_exact_and_a_range_is_refused():
    assert site.read_pins("# comment\nipywidgets==8.1.9  # widgets\n\nsegno==1.6.6\n") == [
        ("ipywidgets", "8.1.9"),
        ("segno", "1.6.6"),
    ]
    with pytest.raises(ValueError, match="line 2"):
        site.read_pins("segno==1.6.6\nipywidgets>=8\n")


def test_the_shipped_pins_parse_and_name_what_the_app_imports():
    names = {name for name, _ in site.read_pins(site.REQUIREMENTS.read_text(encoding="utf-8"))}
    assert {"ipywidgets", "jinja2", "segno", "ipython", "comm", "micropip"} <= names
    assert "jedi" not in names  # a stand-in ships instead


def test_digest_changes_with_any_input_and_not_with_order():
    files = {"a.py": b"1", "b.csv": b"2"}
    digest = site.inputs_digest(files, {"voici-core": "0.10.0"})
    assert digest == site.inputs_digest(dict(reversed(files.items())), {"voici-core": "0.10.0"})
    assert digest != site.inputs_digest({**files, "b.csv": b"3"}, {"voici-core": "0.10.0"})
    assert digest != site.inputs_digest(files, {"voici-core": "0.10.1"})
    assert digest != site.inputs_digest({"a.py": b"1", "c.csv": b"2"}, {"voici-core": "0.10.0"})


def test_pure_wheel_is_a_valid_wheel_with_its_files_and_a_stable_hash():
    data = site.pure_wheel("MarkupSafe", "3.0.3", {"markupsafe/__init__.py": b"x = 1\n"})
    assert data == site.pure_wheel("MarkupSafe", "3.0.3", {"markupsafe/__init__.py": b"x = 1\n"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        record = archive.read("MarkupSafe-3.0.3.dist-info/RECORD").decode()
    assert "markupsafe/__init__.py" in names
    assert "markupsafe/__init__.py,sha256=" in record
    assert site.wheel_file_name("MarkupSafe", "3.0.3") == "MarkupSafe-3.0.3-py3-none-any.whl"


def test_lock_entry_reads_name_version_imports_and_hash():
    data = site.pure_wheel("Stack_Data", "0.6.3", {"stack_data/__init__.py": b"", "top.py": b""})
    entry = site.wheel_lock_entry("stack_data-0.6.3-py3-none-any.whl", data)
    assert entry["name"] == "stack-data"
    assert entry["version"] == "0.6.3"
    assert entry["imports"] == ["stack_data", "top"]
    assert entry["depends"] == []
    assert len(entry["sha256"]) == 64
    stand_in = site.wheel_lock_entry("jedi.whl", site.pure_wheel("jedi", "0.0.0", {}))
    assert stand_in["imports"] == []


def test_lock_file_keeps_the_runtime_info_and_only_the_sites_wheels():
    runtime = {"info": {"python": "3.13.2", "version": "0.29.0"}, "packages": {"numpy": {}}}
    entry = {"name": "segno", "version": "1.6.6"}
    assert site.lock_file(runtime, [entry]) == {"info": runtime["info"], "packages": {"segno": entry}}


def test_lite_config_preloads_every_wheel_from_the_local_runtime_without_pypi():
    entries = [{"name": "pyodide-kernel"}, {"name": "ipywidgets"}]
    names = site.kernel_preload_names(entries)
    assert names == ["ipywidgets", "pyodide-kernel", "pyodide_kernel"]
    config = site.lite_config(names, start_seconds=25)["jupyter-config-data"]
    kernel = config["litePluginSettings"][site.KERNEL_PLUGIN]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"] == "static/pyodide/pyodide.js"
    assert kernel["loadPyodideOptions"]["packages"] == names
    assert config["backcareStartSeconds"] == 25
    json.dumps(config)  # what the build writes


def test_prune_site_removes_source_maps_and_the_doit_database(tmp_path):
    (tmp_path / "build").mkdir()
    for name in ("build/a.js", "build/a.js.map", "build/a.js.LICENSE.txt", ".jupyterlite.doit.db"):
        (tmp_path / name).write_text("x")
    removed = site.prune_site(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in removed) == [
        ".jupyterlite.doit.db",
        "build/a.js.LICENSE.txt",
        "build/a.js.map",
    ]
    assert (tmp_path / "build" / "a.js").is_file()


def test_build_site_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("keep me")
    assert main(["build-site", str(tmp_path)]) == 2
    assert "is not an earlier site" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_build_site_without_a_folder_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["build-site"])
    assert exit_info.value.code == 2
    assert "OUT" in capsys.readouterr().err


def test_filtered_wheel_drops_members_and_their_record_lines():
    data = site.pure_wheel("pygments", "2.21.0", {"pygments/lexers/python.py": b"", "pygments/lexers/rust.py": b""})
    slim = site.filtered_zip(data, site.keep_pygments_member, wheel=True)
    with zipfile.ZipFile(io.BytesIO(slim)) as archive:
        names = archive.namelist()
        record = archive.read("pygments-2.21.0.dist-info/RECORD").decode()
    assert "pygments/lexers/python.py" in names
    assert "pygments/lexers/rust.py" not in names
    assert "rust.py" not in record
    assert "pygments/lexers/python.py," in record


def test_stdlib_keeps_what_the_kernel_imports():
    assert site.keep_stdlib_member("unittest/mock.py")  # piplite
    assert site.keep_stdlib_member("_pyrepl/readline.py")  # site.py
    assert site.keep_stdlib_member("email/parser.py")  # micropip
    assert not site.keep_stdlib_member("xmlrpc/client.py")
    assert not site.keep_stdlib_member("smtplib.py")


def test_the_project_wheel_is_the_same_from_a_checkout_and_from_an_installed_package(tmp_path):
    def write(path, text: str = "x") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    checkout = tmp_path / "checkout"  # content and notebooks beside the package
    for name in ("backcare_nb/__init__.py", "data/red_flags.csv", "notebooks/dashboard.ipynb"):
        write(checkout / name, name)
    write(checkout / "backcare_nb" / "__pycache__" / "x.pyc")  # never shipped
    write(checkout / "notebooks" / ".ipynb_checkpoints" / "dashboard.ipynb")
    installed = tmp_path / "site-packages" / "backcare_nb"  # the wheel's layout: inside the package
    write(installed / "__init__.py", "backcare_nb/__init__.py")
    write(installed / "data" / "red_flags.csv", "data/red_flags.csv")
    write(installed / "notebooks" / "dashboard.ipynb", "notebooks/dashboard.ipynb")

    files = site.package_files(checkout / "backcare_nb")
    assert list(files) == [
        "backcare_nb/__init__.py",
        "backcare_nb/data/red_flags.csv",
        "backcare_nb/notebooks/dashboard.ipynb",
    ]
    assert site.package_files(installed) == files
    name, data = site.project_wheel(checkout / "backcare_nb", version="9.9.9")
    assert (name, data) == site.project_wheel(installed, version="9.9.9")
    assert name == "backcare_nb-9.9.9-py3-none-any.whl"
    assert site.wheel_lock_entry(name, data)["imports"] == ["backcare_nb"]
