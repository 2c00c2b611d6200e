"""The command line, run as a user would: `python -m backcare_nb ...` and the `backcare-nb` script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcare_nb.render import DISCLAIMER


def run(*arguments: str, cwd: Path | None = None, program: list[str] | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "BACKCARE_CONTENT_DIR"}
    return subprocess.run(
        [*(program or [sys.executable, "-m", "backcare_nb"]), *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
    )


def test_text_format_is_the_default(tmp_path):
    result = run("plan", "--days", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Day 2: Acute stage (0-7 days) in the article; Acute (under 4 weeks)")
    assert "- Heat: 20 minutes at a time." in result.stdout
    assert DISCLAIMER in result.stdout
    assert result.stderr == ""


def test_markdown_format():
    result = run("plan", "--days", "40", "--episode", "recurrent", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Low back spasms: plan for this scenario\n")
    assert "| Bent-over row | 2-3 times a week, 2-3 sets of 10 reps." in result.stdout
    assert "## When to get help" in result.stdout


def test_patient_format_prints_the_patient_handout():
    result = run("plan", "--days", "3", "--caution", "age_65_plus", "--format", "patient")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "<title>Your back: what to do now (day 3)</title>" in result.stdout
    assert "Ask a pharmacist or doctor before you take this." in result.stdout
    assert "A teaching example, not medical advice." in result.stdout


def test_html_format():
    result = run("plan", "--days", "5", "--caution", "pregnancy_20_weeks", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "Not advised for this person" in result.stdout
    assert "<script" not in result.stdout


def test_json_format_with_flags_cautions_and_pain():
    result = run(
        "plan",
        "--days",
        "3",
        "--episode",
        "recurrent",
        "--pain",
        "9",
        "--flag",
        "sciatica_one_leg",
        "--caution",
        "age_65_plus",
        "--caution",
        "opioids",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["stage"] == {"id": "acute", "label": "Acute stage (0-7 days)"}
    assert data["guideline_band"]["id"] == "guideline_acute"
    assert data["gate"]["level"] == "watchful"
    assert data["gate"]["time_frame"] == "Review at an agreed date"
    assert data["gate"]["action"].startswith("Carry on with the self-care plan with a safety net")
    assert data["gate"]["reasons"][0]["text"].startswith(
        "Pain below the knee in one leg is sciatica, not a sign of serious"
    )
    assert all(item["origin"]["label"] for item in data["items"])
    assert data["scenario"]["cautions"] == ["age_65_plus", "opioids"]
    items = {item["id"]: item for item in data["items"]}
    assert items["nsaids"]["status"] == "check_first"
    assert items["muscle_relaxants"]["status"] == "avoid"
    assert {"category", "title", "dose"} <= set(items["heat"])
    assert data["warnings"][0]["text"].startswith("Pain is 9/10")
    assert isinstance(data["takeaways"], list) and data["takeaways"]


def test_emergency_flag_on_the_command_line_prints_only_the_emergency_message():
    result = run("plan", "--days", "3", "--flag", "saddle_numbness", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [item["title"] for item in json.loads(result.stdout)["items"]] == ["Emergency: get help now"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["plan"], "the following arguments are required: --days"),
        (["plan", "--days", "400"], "--days must be from 0 to 365, not 400"),
        (["plan", "--days", "abc"], "--days must be a whole number, not 'abc'"),
        (["plan", "--days", "3", "--pain", "11"], "--pain must be from 0 to 10, not 11"),
        (["plan", "--days", "3", "--episode", "other"], "invalid choice: 'other'"),
        (["plan", "--days", "3", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["plan", "--days", "3", "--flag", "unknown"], "unknown --flag 'unknown'; choose from bladder_change"),
        (["plan", "--days", "3", "--caution", "pregnant"], "unknown --caution 'pregnant'; choose from"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: command"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_no_traceback(arguments, message):
    result = run(*arguments)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("backcare-nb")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_content_exits_1_with_the_content_error(content_copy):
    line = content_copy.line_of("interventions", "bent_over_row")
    content_copy.set_cell("interventions", line, "sets_min", "4")
    result = run("--content", str(content_copy.directory), "plan", "--days", "40")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"backcare-nb: content error: {content_copy.directory / 'interventions.csv'}, line {line}, "
        "column 8 (sets_min): expected sets_min <= sets_max, found 4 > 3\n"
    )


def test_missing_content_folder_exits_1(tmp_path):
    result = run("--content", str(tmp_path / "nowhere"), "plan", "--days", "2")
    assert result.returncode == 1
    assert result.stderr == f"backcare-nb: content error: {tmp_path / 'nowhere'}: content folder not found\n"


def test_content_option_reads_a_clinicians_copy(content_copy):
    content_copy.set_cell("interventions", content_copy.line_of("interventions", "ice"), "title", "Cold pack")
    result = run("--content", str(content_copy.directory), "plan", "--days", "2")
    assert result.returncode == 0, result.stderr
    assert "- Cold pack: 20 minutes at a time." in result.stdout


def test_console_script_works_from_another_directory(tmp_path):
    script = Path(sys.executable).with_name("backcare-nb")
    assert script.is_file(), f"{script} is installed with the package (pip install -e .)"
    result = run("plan", "--days", "100", "--format", "json", cwd=tmp_path, program=[str(script)])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["guideline_band"]["id"] == "guideline_chronic"


def test_console_script_rejects_bad_arguments_the_same_way():
    script = Path(sys.executable).with_name("backcare-nb")
    result = run("plan", "--days", "-1", program=[str(script)])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
