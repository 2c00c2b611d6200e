"""Arguments a user (or a script) can get wrong, and output that cannot be written: the command line
answers with one readable line and status 2 (1 when the output cannot be written), never a
traceback; deep links with the same mistakes still draw a plan."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare_nb import limits
from backcare_nb.cli import main
from backcare_nb.content import load_content
from backcare_nb.plan import build_plan
from backcare_nb.render import plan_to_text
from backcare_nb.scenario import scenario_from_query

PROGRAM = [sys.executable, "-m", "backcare_nb"]
HUGE = "9" * 100_000


def run(*arguments: str, **kwargs) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "BACKCARE_CONTENT_DIR"}
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([*PROGRAM, *arguments], env=environment, timeout=120, **streams)


def one_line_refusal(result: subprocess.CompletedProcess) -> str:
    """The error line, after checking it is the only output, on stderr, with status 2."""
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 2, stderr
    assert result.stdout == b""
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert "Traceback" not in stderr
    return stderr


@pytest.mark.parametrize("option", ["--days", "--pain", "--episode", "--format"])
def test_a_double_dash_as_a_value_is_refused(option):
    arguments = ["plan", f"{option}=--"] if option == "--days" else ["plan", "--days", "3", f"{option}=--"]
    line = one_line_refusal(run(*arguments))
    assert f"argument {option}: expected a value" in line


@pytest.mark.parametrize("digits", ["1_0", "\u0663", "\uff13", "\u0967", " 3", "3.0", "0x3", "+"])
def test_days_and_pain_take_plain_ascii_digits_only(digits):
    line = one_line_refusal(run("plan", "--days", digits))
    assert "--days must be a whole number" in line
    line = one_line_refusal(run("plan", "--days", "3", "--pain", digits))
    assert "--pain must be a whole number" in line


@pytest.mark.parametrize(
    "arguments",
    [
        ["plan", "--days", HUGE],
        ["plan", "--days", "x" * 100_000],
        ["plan", "--days", "3", "--flag", "f" * 100_000],
        ["plan", "--days", "3", "--format", "h" * 100_000],
        ["plan", "--days", "3", "--surplus", "s" * 100_000],
        ["dashboard", "--no-browser", "--port", HUGE],
    ],
)
def test_a_100_kilobyte_value_is_not_echoed_in_full(arguments):
    line = one_line_refusal(run(*arguments))
    assert len(line) < 600
    assert "..." in line


def test_control_characters_in_a_value_stay_on_one_line():
    line = one_line_refusal(run("plan", "--days", "3", "--flag", "bad\nflag\x1b[31m"))
    assert "bad\\nflag\\x1b[31m" in line


def test_a_full_disk_exits_1_with_one_line():
    with open("/dev/full", "wb") as full:
        result = run("plan", "--days", "3", stdout=full, stderr=subprocess.PIPE)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert stderr == "backcare-nb: could not write the plan: No space left on device\n"


@pytest.mark.parametrize(("arguments", "status"), [(["plan", "--days", "3", "--format", "html"], 1), (["--help"], 0)])
def test_a_closed_pipe_exits_quietly(arguments, status):
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the first byte, as with `| head -c0`
    try:
        result = run(*arguments, stdout=writer, stderr=subprocess.PIPE)
    finally:
        os.close(writer)
    # The plan was not delivered (1); argparse's help already ignores a closed pipe (0).
    assert result.returncode == status
    assert result.stderr == b""


def test_the_console_script_handles_a_closed_pipe_too():
    script = os.path.join(os.path.dirname(sys.executable), "backcare-nb")
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run([script, "plan", "--days", "3"], stdout=writer, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (1, b"")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "teach.example.org"])
def test_a_non_loopback_host_without_a_token_refuses_to_start(host):
    environment = {key: value for key, value in os.environ.items() if key != "BACKCARE_TOKEN"}
    result = subprocess.run(
        [*PROGRAM, "dashboard", "--no-browser", "--host", host], capture_output=True, env=environment, timeout=120
    )
    line = one_line_refusal(result)
    assert f"refusing to serve on --host {host} without a token" in line
    assert "--token" in line and "--no-token-i-know" in line


def test_a_token_or_the_explicit_flag_lifts_the_refusal():
    assert limits.host_without_token_refusal("0.0.0.0", None, accept_risk=False)
    assert limits.host_without_token_refusal("0.0.0.0", "s3cret", accept_risk=False) is None
    assert limits.host_without_token_refusal("0.0.0.0", None, accept_risk=True) is None
    for loopback in ("127.0.0.1", "localhost", "::1", "127.0.1.1"):
        assert limits.host_without_token_refusal(loopback, None, accept_risk=False) is None


# --- fuzzing: the command line in-process, deep links through the parser --------------------------

CONTENT = load_content()
OPTION_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["--", "-1", "0", "365", "366", "1_0", "\u0663", "\uff13", "text", "json", "first", "recurrent"]),
    st.sampled_from(CONTENT.red_flag_ids + CONTENT.caution_ids),
    st.integers(-(10**20), 10**20).map(str),
)
OPTIONS = st.sampled_from(["--days", "--pain", "--episode", "--format", "--flag", "--caution", "--content", "-x"])
ARGUMENT = st.one_of(
    st.tuples(OPTIONS, OPTION_VALUES).map(lambda pair: [f"{pair[0]}={pair[1]}"]),
    st.tuples(OPTIONS, OPTION_VALUES).map(list),
    OPTION_VALUES.map(lambda value: [value]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ARGUMENT, max_size=6).map(lambda parts: ["plan", *[part for pair in parts for part in pair]]))
def test_fuzzed_arguments_exit_0_or_2_without_a_traceback(arguments):
    arguments = [argument for argument in arguments if not argument.startswith("--content")]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(arguments)
        except SystemExit as leaving:
            status = leaving.code
    assert status in (0, 2), (arguments, stderr.getvalue())
    assert "Traceback" not in stderr.getvalue()
    if status == 2:
        assert stderr.getvalue().count("\n") == 1 and len(stderr.getvalue()) < 600
    else:
        assert stdout.getvalue().startswith("Day ") or stdout.getvalue().lstrip().startswith(("{", "#", "<"))


QUERY_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["1_0", "\u0663", "\uff13\uff10", "%D9%A3", "%EF%BC%93", "%C3%A9", "%FF%FE", "\u00c3\u00a9", "--"]),
    st.integers(-(10**40), 10**40).map(str),
    st.sampled_from(CONTENT.red_flag_ids + CONTENT.caution_ids + ("first", "recurrent")),
)
QUERY_KEYS = st.sampled_from(["days", "pain", "episode", "flags", "cautions", "case", "token", "voila-x", "DAYS", "x"])


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.lists(st.tuples(QUERY_KEYS, QUERY_VALUES), max_size=8).map(
            lambda pairs: "&".join(f"{key}={quote(value, safe='%')}" for key, value in pairs)
        ),
        st.lists(st.tuples(QUERY_KEYS, QUERY_VALUES), max_size=8).map(
            lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
        ),
        st.text(max_size=200),
    )
)
def test_every_fuzzed_deep_link_draws_a_plan(query):
    scenario, notices = scenario_from_query(query, CONTENT)
    plan = build_plan(scenario, CONTENT)
    assert plan_to_text(plan).startswith(f"Day {scenario.days_since_onset}")
    for notice in notices:
        assert "\n" not in notice and len(notice) < 200


@pytest.mark.parametrize("days", ["1_0", "\u0663", "%D9%A3", "\uff13", "%EF%BC%93"])
def test_deep_links_take_plain_ascii_digits_only(days):
    scenario, notices = scenario_from_query(f"days={days}&pain=4", CONTENT)
    assert scenario.days_since_onset == 2 and scenario.pain == 4
    assert len(notices) == 1 and notices[0].startswith("Ignored days=")


def test_raw_utf8_in_a_link_reads_as_the_letters_typed():
    # tornado hands Voila the raw query as Latin-1, so an unescaped "é" arrives as "Ã©".
    raw = "episode=récurrent".encode().decode("latin-1")
    assert scenario_from_query(raw, CONTENT)[1] == ["Ignored episode='récurrent': expected first or recurrent."]
    assert scenario_from_query("episode=r%C3%A9current", CONTENT)[1] == [
        "Ignored episode='récurrent': expected first or recurrent."
    ]
    # A byte that is not UTF-8 becomes the replacement character, not a different letter.
    assert scenario_from_query("episode=%FF", CONTENT)[1] == ["Ignored episode='\ufffd': expected first or recurrent."]


def test_a_huge_number_in_a_link_is_clamped_and_shortened():
    scenario, notices = scenario_from_query("days=" + "9" * 1500, CONTENT)
    assert scenario.days_since_onset == 365
    assert notices[0].startswith("days=999999") and notices[0].endswith("is outside 0-365; used 365.")
    assert len(notices[0]) < 100
