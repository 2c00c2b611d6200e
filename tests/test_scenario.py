"""Scenario: strict when built from code, lenient (never raising) when parsed from a deep link."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_nb import Scenario, scenario_from_case, scenario_from_query
from backcare_nb.scenario import MAX_QUERY_LENGTH

# --- Scenario from code: wrong values are bugs and raise ----------------------------------------------


def test_defaults_are_a_day_2_first_episode():
    assert Scenario() == Scenario(days_since_onset=2, episode="first", pain=5, red_flags=(), cautions=(), case=None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"days_since_onset": -1}, "days_since_onset must be 0 to 365, not -1"),
        ({"days_since_onset": 366}, "days_since_onset must be 0 to 365, not 366"),
        ({"days_since_onset": "3"}, "days_since_onset must be a whole number, not '3'"),
        ({"days_since_onset": 2.5}, "days_since_onset must be a whole number, not 2.5"),
        ({"days_since_onset": True}, "days_since_onset must be a whole number, not True"),
        ({"episode": "second"}, "episode must be 'first' or 'recurrent', not 'second'"),
        ({"episode": "First"}, "episode must be 'first' or 'recurrent', not 'First'"),
        ({"pain": 11}, "pain must be a whole number 0 to 10, not 11"),
        ({"pain": -1}, "pain must be a whole number 0 to 10, not -1"),
        ({"pain": 4.0}, "pain must be a whole number 0 to 10, not 4.0"),
        ({"pain": False}, "pain must be a whole number 0 to 10, not False"),
    ],
)
def test_bad_values_from_code_raise_value_error(arguments, message):
    with pytest.raises(ValueError) as caught:
        Scenario(**arguments)
    assert str(caught.value) == message


@pytest.mark.parametrize("days", [0, 7, 8, 365])
def test_edge_days_are_accepted(days):
    assert Scenario(days_since_onset=days).days_since_onset == days


def test_flags_and_cautions_are_sorted_without_repeats():
    scenario = Scenario(red_flags=("night_pain", "fever", "night_pain"), cautions=["opioids", "age_65_plus"])
    assert scenario.red_flags == ("fever", "night_pain")
    assert scenario.cautions == ("age_65_plus", "opioids")
    assert scenario == Scenario(red_flags=("fever", "night_pain"), cautions=("opioids", "age_65_plus"))


def test_to_query_writes_every_field_that_is_set():
    scenario = Scenario(days_since_onset=40, episode="recurrent", pain=3, red_flags=("fever",), cautions=("opioids",))
    assert scenario.to_query() == "days=40&episode=recurrent&pain=3&flags=fever&cautions=opioids"
    assert Scenario().to_query() == "days=2&episode=first&pain=5"


# --- scenario_from_case ---------------------------------------------------------------------------------


def test_case_sets_every_field(content):
    scenario = scenario_from_case("older_anticoagulant", content)
    assert scenario == Scenario(
        days_since_onset=3,
        episode="recurrent",
        pain=6,
        cautions=("age_65_plus", "anticoagulant"),
        case="older_anticoagulant",
    )


def test_unknown_case_is_a_key_error(content):
    with pytest.raises(KeyError):
        scenario_from_case("no_such_case", content)


# --- scenario_from_query: lenient, with notices ----------------------------------------------------------


def test_good_query(content):
    scenario, notices = scenario_from_query(
        "days=40&episode=recurrent&pain=3&flags=buttock_pain&cautions=age_65_plus", content
    )
    assert scenario == Scenario(
        days_since_onset=40, episode="recurrent", pain=3, red_flags=("buttock_pain",), cautions=("age_65_plus",)
    )
    assert notices == []


def test_leading_question_mark_and_key_case_are_accepted(content):
    assert scenario_from_query("?Days=9&EPISODE=Recurrent", content) == (
        Scenario(days_since_onset=9, episode="recurrent"),
        [],
    )


def test_empty_query_gives_the_default_and_no_notices(content):
    assert scenario_from_query("", content) == (Scenario(), [])
    assert scenario_from_query("?", content) == (Scenario(), [])


def test_a_given_default_fills_what_the_query_leaves_out(content):
    default = Scenario(days_since_onset=50, pain=2)
    assert scenario_from_query("episode=recurrent", content, default=default) == (
        Scenario(days_since_onset=50, episode="recurrent", pain=2),
        [],
    )


def test_case_sets_everything(content):
    scenario, notices = scenario_from_query("case=saddle_numbness", content)
    assert scenario == scenario_from_case("saddle_numbness", content)
    assert scenario.red_flags == ("bladder_change", "saddle_numbness")
    assert scenario.case == "saddle_numbness"
    assert notices == []


def test_case_then_override(content):
    scenario, notices = scenario_from_query("days=3&case=golfer_recurrent", content)
    assert (scenario.days_since_onset, scenario.episode, scenario.pain) == (3, "recurrent", 4)
    assert scenario.case is None  # edited away from the case, so no longer presented as it
    assert notices == []


def test_case_with_a_setting_equal_to_the_case_stays_that_case(content):
    scenario, _ = scenario_from_query("case=golfer_recurrent&days=40", content)
    assert scenario.case == "golfer_recurrent"


def test_unknown_case_is_ignored_with_a_notice(content):
    assert scenario_from_query("case=nobody&days=4", content) == (
        Scenario(days_since_onset=4),
        ["Ignored unknown case 'nobody'."],
    )


def test_days_that_are_not_a_number_are_ignored(content):
    assert scenario_from_query("days=abc&pain=7", content) == (
        Scenario(pain=7),
        ["Ignored days='abc': expected a whole number from 0 to 365."],
    )


@pytest.mark.parametrize(
    ("query", "field", "value", "notice"),
    [
        ("days=900", "days_since_onset", 365, "days=900 is outside 0-365; used 365."),
        ("days=-4", "days_since_onset", 0, "days=-4 is outside 0-365; used 0."),
        ("pain=-3", "pain", 0, "pain=-3 is outside 0-10; used 0."),
        ("pain=12", "pain", 10, "pain=12 is outside 0-10; used 10."),
    ],
)
def test_out_of_range_values_are_clamped_with_a_notice(content, query, field, value, notice):
    scenario, notices = scenario_from_query(query, content)
    assert getattr(scenario, field) == value
    assert notices == [notice]


def test_decimal_pain_is_ignored(content):
    scenario, notices = scenario_from_query("pain=6.5", content)
    assert scenario.pain == 5
    assert notices == ["Ignored pain='6.5': expected a whole number from 0 to 10."]


def test_bad_episode_is_ignored(content):
    assert scenario_from_query("episode=third", content) == (
        Scenario(),
        ["Ignored episode='third': expected first or recurrent."],
    )


def test_unknown_flag_is_ignored_and_known_ones_kept(content):
    scenario, notices = scenario_from_query("flags=fever,broken_toe", content)
    assert scenario.red_flags == ("fever",)
    assert notices == ["Ignored unknown red flag 'broken_toe'."]


def test_unknown_caution_is_ignored(content):
    scenario, notices = scenario_from_query("cautions=opioids;pregnancy", content)
    assert scenario.cautions == ()
    assert notices == ["Ignored unknown caution 'opioids;pregnancy'."]


def test_unknown_key_is_named_but_voila_and_token_keys_pass_silently(content):
    scenario, notices = scenario_from_query("days=5&colour=blue&voila-template=lab&token=abc", content)
    assert scenario == Scenario(days_since_onset=5)
    assert notices == ["Ignored unknown setting 'colour'."]


def test_percent_encoded_values_are_decoded(content):
    scenario, notices = scenario_from_query("flags=fever%2Cnight_pain&episode=%20recurrent%20&days=%31%30", content)
    assert scenario == Scenario(days_since_onset=10, episode="recurrent", red_flags=("fever", "night_pain"))
    assert notices == []


def test_plus_is_a_space_and_bad_escapes_do_not_raise(content):
    scenario, notices = scenario_from_query("days=+12+&flags=%ZZfever&cautions=%FF", content)
    assert scenario.days_since_onset == 12
    assert notices[0] == "Ignored unknown red flag '%ZZfever'."
    assert notices[1].startswith("Ignored unknown caution ")


def test_repeated_flags_are_merged_and_deduplicated(content):
    scenario, notices = scenario_from_query("flags=fever&flags=night_pain&flags=fever,,", content)
    assert scenario.red_flags == ("fever", "night_pain")
    assert notices == []


def test_the_last_of_repeated_days_wins(content):
    assert scenario_from_query("days=3&days=30", content)[0].days_since_onset == 30


def test_blank_flags_clear_the_flags_of_a_case(content):
    scenario, notices = scenario_from_query("case=night_pain_weight_loss&flags=", content)
    assert scenario.red_flags == ()
    assert scenario.case is None
    assert notices == []


def test_very_long_query_is_truncated_with_a_notice(content):
    query = "days=20&" + "&".join(f"flags=fever{n}" for n in range(400))
    assert len(query) > MAX_QUERY_LENGTH
    scenario, notices = scenario_from_query(query, content)
    assert scenario.days_since_onset == 20
    assert notices[0] == f"The link was longer than {MAX_QUERY_LENGTH} characters; only the start was read."
    assert len(notices) < 250  # only the start was read, so at most about 2000/9 flags were judged


def test_long_bad_values_are_shortened_in_notices(content):
    _, notices = scenario_from_query("days=" + "x" * 500, content)
    assert notices == [f"Ignored days='{'x' * 30}...': expected a whole number from 0 to 365."]


def test_round_trip_through_the_query(content):
    scenario = Scenario(
        days_since_onset=85,
        episode="recurrent",
        pain=9,
        red_flags=("fever", "buttock_pain"),
        cautions=("age_65_plus", "opioids"),
    )
    assert scenario_from_query(scenario.to_query(), content) == (scenario, [])


# --- never raises ---------------------------------------------------------------------------------------

KEYS = st.sampled_from(["days", "pain", "episode", "flags", "cautions", "case", "Days", "colour", "voila", "", "="])
VALUES = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["first", "recurrent", "fever", "age_65_plus", "desk_day2", "%2C", "%", "%FF", "+", ",", ""]),
    st.text(max_size=40),
)


@settings(max_examples=200, deadline=None)
@given(query=st.text(max_size=300))
def test_arbitrary_text_never_raises(content, query):
    scenario, notices = scenario_from_query(query, content)
    assert isinstance(scenario, Scenario)
    assert all(isinstance(notice, str) and len(notice) < 200 for notice in notices)


@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(st.tuples(KEYS, VALUES), max_size=8))
def test_query_shaped_text_never_raises_and_stays_in_range(content, pairs):
    query = "&".join(f"{key}={value}" for key, value in pairs)
    scenario, notices = scenario_from_query(query, content)
    assert 0 <= scenario.days_since_onset <= 365
    assert 0 <= scenario.pain <= 10
    assert set(scenario.red_flags) <= set(content.red_flag_ids)
    assert set(scenario.cautions) <= set(content.caution_ids)
    assert all(len(notice) < 200 for notice in notices)


@settings(max_examples=200, deadline=None)
@given(
    days=st.integers(0, 365),
    episode=st.sampled_from(["first", "recurrent"]),
    pain=st.integers(0, 10),
    flags=st.sets(st.sampled_from(["fever", "night_pain", "saddle_numbness", "buttock_pain"])),
    cautions=st.sets(st.sampled_from(["age_65_plus", "opioids", "pregnancy_20_weeks"])),
)
def test_every_scenario_survives_the_round_trip(content, days, episode, pain, flags, cautions):
    scenario = Scenario(days, episode, pain, tuple(flags), tuple(cautions))
    assert scenario_from_query(scenario.to_query(), content) == (scenario, [])
