"""The content loader: the shipped tables load, and every kind of fault is reported precisely.

Each broken-content test breaks one thing in a copy of data/ and checks the message a clinician
would read: the file name, the 1-based line as an editor shows it, the column, and what was expected.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd
import pytest

from backcare_nb import ContentError, Scenario, build_plan, default_content_dir, load_content
from backcare_nb.content import CONTENT_DIR_ENV, TABLES

DOCUMENTED_COLUMNS = {
    "about": ["key", "value"],
    "references": ["id", "short", "citation", "year", "link"],
    "categories": ["id", "label", "order", "for_patients", "held_words"],
    "stages": ["id", "scheme", "label", "day_min", "day_max", "summary"],
    "interventions": [
        "id",
        "category",
        "title",
        "stages",
        "episodes",
        "medicine",
        "minutes",
        "sets_min",
        "sets_max",
        "reps_min",
        "reps_max",
        "per_week_min",
        "per_week_max",
        "day_from",
        "day_to",
        "pain_max",
        "waits_while",
        "wait_note",
        "schedule",
        "dose_note",
        "timing",
        "rationale",
        "patient_words",
        "patient_safety",
        "patient_safety_source",
        "quiz",
        "source_id",
    ],
    "exercises": ["intervention_id", "phase", "how_to", "stop_if", "stop_source_id", "picture", "alt_text"],
    "evidence": [
        "intervention_id",
        "source_id",
        "stance",
        "verdict",
        "certainty",
        "finding",
        "outcome",
        "effect",
        "ci_low",
        "ci_high",
        "mid",
    ],
    "concern_levels": [
        "level",
        "rank",
        "title",
        "action",
        "time_frame",
        "replaces_plan",
        "holds",
        "meanwhile",
        "source_id",
    ],
    "red_flags": ["id", "group", "label", "min_days", "early_tick", "source_id"],
    "concern_rules": [
        "id",
        "all_of",
        "any_of",
        "at_least",
        "and_any_of",
        "with_caution",
        "level",
        "holds",
        "reason",
        "action",
        "source_id",
    ],
    "cautions": ["id", "label", "applies_to", "effect", "reason", "source_id"],
    "caution_combinations": ["id", "any_of", "at_least", "applies_to", "effect", "reason", "source_id"],
    "alternatives": ["id", "applies_to", "when_caution", "unless_caution", "for_patients", "text", "source_id"],
    "safety_nets": [
        "id",
        "when_caution",
        "when_flag",
        "unless_caution",
        "unless_flag",
        "covers",
        "level",
        "title",
        "signs",
        "action",
        "source_id",
    ],
    "takeaways": ["id", "stages", "episodes", "needs", "unless_usable", "text", "source_id"],
    "related_topics": ["id", "title", "why"],
    "cases": [
        "id",
        "title",
        "days",
        "episode",
        "pain",
        "red_flags",
        "cautions",
        "scenario",
        "learning_points",
        "expected_stage",
        "expected_level",
        "expected_items",
    ],
}


# --- the shipped content ----------------------------------------------------------------------------


def test_shipped_content_loads_from_the_repository_data_folder(content, data_dir):
    assert content.directory.resolve() == data_dir.resolve()
    rows = (data_dir / "interventions.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert content.interventions["id"].tolist() == [row.split(",")[0] for row in rows]


@pytest.mark.parametrize("table", sorted(DOCUMENTED_COLUMNS))
def test_each_table_has_its_documented_columns(content, table):
    assert list(content.table(table).columns) == DOCUMENTED_COLUMNS[table]
    assert len(content.table(table)) > 0


def test_every_table_the_loader_knows_is_documented_here():
    assert sorted(table.name for table in TABLES) == sorted(DOCUMENTED_COLUMNS)


def test_table_rows_remember_their_line_in_the_file(content, data_dir):
    lines = (data_dir / "interventions.csv").read_text(encoding="utf-8").splitlines()
    heat = content.interventions[content.interventions["id"] == "heat"]
    assert heat["_line"].tolist() == [1 + next(n for n, line in enumerate(lines) if line.startswith("heat,"))]


def test_whole_number_columns_are_numbers_and_blanks_are_missing(content):
    row = content.table("interventions").set_index("id").loc["bent_over_row"]
    assert (row["sets_min"], row["sets_max"], row["reps_min"], row["per_week_max"]) == (2, 3, 10, 3)
    heat = content.table("interventions").set_index("id").loc["heat"]
    assert heat["minutes"] == 20
    assert pd.isna(heat["sets_min"])


def test_list_columns_are_split_into_tuples(content):
    cases = content.table("cases").set_index("id")
    assert cases.loc["older_anticoagulant", "cautions"] == ("age_65_plus", "anticoagulant")
    assert cases.loc["desk_day2", "red_flags"] == ()
    interventions = content.table("interventions").set_index("id")
    assert interventions.loc["childs_pose", "stages"] == ("acute", "subacute_chronic")


def test_records_hold_the_same_rows_as_the_tables(content):
    # The plan engine reads records and notebooks read DataFrames: both must show the same content.
    for name, records in content.records.items():
        frame = getattr(content, name)
        assert len(records) == len(frame)
        for record, (_, row) in zip(records, frame.iterrows(), strict=True):
            assert list(record) == list(frame.columns)
            for column, value in record.items():
                assert (value is None and pd.isna(row[column])) or value == row[column], (name, column)


def test_id_shortcuts_list_known_ids_once(content):
    assert "saddle_numbness" in content.red_flag_ids
    assert content.caution_ids.count("age_65_plus") == 1  # two rows in cautions.csv, one id
    assert "golfer_recurrent" in content.case_ids


# --- one broken-content fixture per fault kind -------------------------------------------------------
# Each breaker edits a ContentCopy (see conftest.py) and returns (file name, line, column text, words
# of the problem).


def _missing_column(copy):
    copy.drop_column("interventions", "sets_min")
    return "interventions.csv", 1, "27", "missing column 'sets_min'"


def _unknown_column(copy):
    copy.rename_column("interventions", "sets_min", "set_minimum")
    return "interventions.csv", 1, "8", "unknown column 'set_minimum'"


def _too_few_fields(copy):
    line = copy.line_of("interventions", "nsaids")
    copy.replace_line("interventions", line, "nsaids,medicines,NSAIDs,acute")
    return "interventions.csv", line, "5", "expected 27 fields, found 4"


def _too_many_fields(copy):
    line = copy.line_of("red_flags", "fever")
    copy.replace_line("red_flags", line, copy.lines("red_flags")[line - 1] + ",extra")
    return "red_flags.csv", line, "7", "expected 6 fields, found 7"


def _not_a_whole_number(copy):
    line = copy.line_of("interventions", "childs_pose")
    copy.set_cell("interventions", line, "sets_min", "three")
    return "interventions.csv", line, "8 (sets_min)", "expected a whole number from 0 to 100, found 'three'"


def _decimal_where_whole_number_expected(copy):
    line = copy.line_of("interventions", "heat")
    copy.set_cell("interventions", line, "minutes", "20.5")
    return "interventions.csv", line, "7 (minutes)", "expected a whole number from 0 to 100, found '20.5'"


def _negative_sets(copy):
    line = copy.line_of("interventions", "superman")
    copy.set_cell("interventions", line, "sets_min", "-2")
    return "interventions.csv", line, "8 (sets_min)", "expected a whole number from 0 to 100, found -2"


def _day_out_of_range(copy):
    line = copy.line_of("cases", "desk_day2")
    copy.set_cell("cases", line, "days", "400")
    return "cases.csv", line, "3 (days)", "expected a whole number from 0 to 365, found 400"


def _negative_effect(copy):
    line = next(n for n, text in enumerate(copy.lines("evidence"), start=1) if ",7.3,3.6,11.0,10" in text)
    copy.set_cell("evidence", line, "effect", "-7.3")
    return "evidence.csv", line, "8 (effect)", "expected a number of 0 or more, found -7.3"


def _effect_not_a_number(copy):
    line = next(n for n, text in enumerate(copy.lines("evidence"), start=1) if ",7.3,3.6,11.0,10" in text)
    copy.set_cell("evidence", line, "effect", "nan")
    return "evidence.csv", line, "8 (effect)", "expected a number, found 'nan'"


def _sets_min_above_max(copy):
    line = copy.line_of("interventions", "bent_over_row")
    copy.set_cell("interventions", line, "sets_min", "4")
    return "interventions.csv", line, "8 (sets_min)", "expected sets_min <= sets_max, found 4 > 3"


def _reps_min_above_max(copy):
    line = copy.line_of("interventions", "childs_pose")
    copy.set_cell("interventions", line, "reps_min", "12")
    return "interventions.csv", line, "10 (reps_min)", "expected reps_min <= reps_max, found 12 > 10"


def _duplicate_id(copy):
    first = copy.line_of("red_flags", "fever")
    line = copy.append_line("red_flags", "fever,Infection,Fever again,,,IFOMPT-RF2020")
    return "red_flags.csv", line, "1 (id)", f"duplicate id 'fever' (first on line {first})"


def _evidence_source_not_in_references(copy):
    line = 2
    copy.set_cell("evidence", line, "source_id", "NOBODY2099")
    return "evidence.csv", line, "2 (source_id)", "'NOBODY2099' is not an id in references.csv"


def _case_red_flag_not_in_red_flags(copy):
    line = copy.line_of("cases", "night_pain_weight_loss")
    copy.set_cell("cases", line, "red_flags", "night_pain;back_of_knee_itch")
    return "cases.csv", line, "6 (red_flags)", "'back_of_knee_itch' is not an id in red_flags.csv"


def _case_expected_item_not_an_intervention(copy):
    line = copy.line_of("cases", "pregnant_24_weeks")
    copy.set_cell("cases", line, "expected_items", "nsaids:avoid;yoga")
    return "cases.csv", line, "12 (expected_items)", "'yoga' is not an id in interventions.csv"


def _intervention_category_unknown(copy):
    line = copy.line_of("interventions", "walking")
    copy.set_cell("interventions", line, "category", "leisure")
    return "interventions.csv", line, "2 (category)", "'leisure' is not an id in categories.csv"


def _bad_level(copy):
    line = copy.line_of("concern_rules", "fever")
    copy.set_cell("concern_rules", line, "level", "critical")
    return "concern_rules.csv", line, "7 (level)", "expected one of watchful, routine, soon, urgent, emergency"


def _rule_names_an_unknown_flag(copy):
    line = copy.line_of("concern_rules", "fever")
    copy.set_cell("concern_rules", line, "any_of", "fever;sneezing")
    return "concern_rules.csv", line, "3 (any_of)", "'sneezing' is not an id in red_flags.csv"


def _rule_threshold_above_its_flags(copy):
    line = copy.line_of("concern_rules", "several_cancer_indicators")
    copy.set_cell("concern_rules", line, "at_least", "8")
    return "concern_rules.csv", line, "4 (at_least)", "expected at_least from 1 to 7"


def _flag_in_no_rule(copy):
    line = copy.append_line("red_flags", "itchy_knee,Other,An itchy knee,,,IFOMPT-RF2020")
    return "red_flags.csv", line, "1 (id)", "red flag 'itchy_knee' is in no rule"


def _level_ranks_out_of_order(copy):
    line = copy.line_of("concern_levels", "soon")
    copy.set_cell("concern_levels", line, "rank", "9")
    urgent = copy.line_of("concern_levels", "urgent")
    return "concern_levels.csv", urgent, "2 (rank)", "expected the rank of 'urgent' to be above that of 'soon'"


def _reference_without_a_link(copy):
    line = copy.line_of("references", "NICE-NG59")
    copy.set_cell("references", line, "link", "")
    return "references.csv", line, "5 (link)", "expected a link (a DOI, PubMed or official page)"


def _reference_with_a_plain_http_link(copy):
    line = copy.line_of("references", "NICE-NG59")
    copy.set_cell("references", line, "link", "http://example.org/ng59")
    return "references.csv", line, "5 (link)", "expected a link starting https://"


def _caution_applies_to_nothing(copy):
    line = copy.line_of("cautions", "opioids")
    copy.set_cell("cautions", line, "applies_to", "aspirin")
    return "cautions.csv", line, "3 (applies_to)", "expected a medicine (nsaid, muscle_relaxant) or an intervention id"


def _combination_of_unknown_caution(copy):
    line = copy.line_of("caution_combinations", "stomach_bleeding_risks")
    copy.set_cell("caution_combinations", line, "any_of", "age_65_plus;coffee")
    return "caution_combinations.csv", line, "2 (any_of)", "'coffee' is not an id in cautions.csv"


def _safety_net_without_signs(copy):
    line = copy.line_of("safety_nets", "cauda_equina")
    copy.set_cell("safety_nets", line, "signs", " | ")
    return "safety_nets.csv", line, "9 (signs)", "expected one or more signs"


def _review_date_not_a_date(copy):
    line = copy.line_of("about", "reviewed")
    copy.set_cell("about", line, "value", "last autumn")
    return "about.csv", line, "2 (value)", "expected reviewed as a date"


def _takeaway_needs_an_unknown_item(copy):
    line = copy.line_of("takeaways", "calm_symptoms")
    copy.set_cell("takeaways", line, "needs", "aspirin")
    return "takeaways.csv", line, "4 (needs)", "'aspirin' is not an id in interventions.csv"


def _duplicate_header_column(copy):
    copy.rename_column("red_flags", "label", "group")
    return "red_flags.csv", 1, "3", "column 'group' appears twice in the header"


def _nul_byte_in_a_cell(copy):
    line = copy.line_of("red_flags", "fever")
    copy.set_cell("red_flags", line, "label", "Fe\0ver")
    return "red_flags.csv", line, "19", "unexpected NUL character"


def _underscored_digits(copy):
    line = copy.line_of("interventions", "heat")
    copy.set_cell("interventions", line, "minutes", "2_0")
    return "interventions.csv", line, "7 (minutes)", "expected a whole number from 0 to 100, found '2_0'"


def _non_ascii_digits(copy):
    line = copy.line_of("cases", "desk_day2")
    copy.set_cell("cases", line, "days", "\u0662")  # ARABIC-INDIC DIGIT TWO: int() would read it as 2
    return "cases.csv", line, "3 (days)", "expected a whole number from 0 to 365"


def _full_width_decimal(copy):
    line = next(n for n, text in enumerate(copy.lines("evidence"), start=1) if ",7.3,3.6,11.0,10" in text)
    copy.set_cell("evidence", line, "effect", "\uff17.3")
    return "evidence.csv", line, "8 (effect)", "expected a number"


def _bad_certainty(copy):
    copy.set_cell("evidence", 3, "certainty", "medium")
    return "evidence.csv", 3, "5 (certainty)", "found 'medium'"


def _bad_stage_in_list(copy):
    line = copy.line_of("interventions", "heat")
    copy.set_cell("interventions", line, "stages", "acute;chronic")
    return "interventions.csv", line, "4 (stages)", "found 'chronic'"


def _empty_title(copy):
    line = copy.line_of("interventions", "ice")
    copy.set_cell("interventions", line, "title", "   ")
    return "interventions.csv", line, "3 (title)", "expected some text, found an empty cell"


def _empty_list(copy):
    line = copy.line_of("takeaways", "keep_moving")
    copy.set_cell("takeaways", line, "episodes", "")
    return "takeaways.csv", line, "3 (episodes)", "expected one or more of first, recurrent"


def _bad_id(copy):
    line = copy.line_of("exercises", "superman")
    copy.set_cell("exercises", line, "intervention_id", "super man")
    return "exercises.csv", line, "1 (intervention_id)", "expected an id of letters, digits"


def _too_many_learning_points(copy):
    line = copy.line_of("cases", "desk_day2")
    copy.set_cell("cases", line, "learning_points", "|".join(f"Point {n}." for n in range(7)))
    return "cases.csv", line, "9 (learning_points)", "expected 1 to 6 learning points"


def _medicine_on_non_medicine_row(copy):
    line = copy.line_of("interventions", "walking")
    copy.set_cell("interventions", line, "medicine", "nsaid")
    return "interventions.csv", line, "6 (medicine)", "expected a medicine (nsaid or muscle_relaxant) exactly"


def _caution_with_two_labels(copy):
    lines = [n for n, text in enumerate(copy.lines("cautions"), start=1) if text.startswith("age_65_plus,")]
    copy.set_cell("cautions", lines[1], "label", "Aged 70 or over")
    return "cautions.csv", lines[1], "2 (label)", "caution 'age_65_plus' has two labels"


def _stage_day_gap(copy):
    line = copy.line_of("stages", "guideline_subacute")
    copy.set_cell("stages", line, "day_min", "29")
    return "stages.csv", line, "4 (day_min)", "expected the guideline stages to continue at day 28, found 29"


def _stage_overlap(copy):
    line = copy.line_of("stages", "subacute_chronic")
    copy.set_cell("stages", line, "day_min", "7")
    return "stages.csv", line, "4 (day_min)", "expected the article stages to continue at day 8, found 7"


def _stages_stop_short(copy):
    line = copy.line_of("stages", "guideline_chronic")
    copy.set_cell("stages", line, "day_max", "364")
    return "stages.csv", line, "5 (day_max)", "expected the guideline stages to reach day 365, found 364"


def _missing_picture(copy):
    (copy.directory / "exercises" / "superman.svg").unlink()
    line = copy.line_of("exercises", "superman")
    return "exercises.csv", line, "6 (picture)", "picture 'exercises/superman.svg' not found"


def _malformed_picture(copy):
    (copy.directory / "exercises" / "superman.svg").write_text("<svg><g></svg>", encoding="utf-8")
    line = copy.line_of("exercises", "superman")
    return "exercises.csv", line, "6 (picture)", "is not well-formed SVG"


def _picture_with_a_script(copy):
    path = copy.directory / "exercises" / "superman.svg"
    path.write_text(path.read_text(encoding="utf-8").replace("</svg>", "<script>alert(1)</script></svg>"))
    line = copy.line_of("exercises", "superman")
    return "exercises.csv", line, "6 (picture)", "contains <script>"


def _picture_path_outside(copy):
    line = copy.line_of("exercises", "superman")
    copy.set_cell("exercises", line, "picture", "../../etc/passwd")
    return "exercises.csv", line, "6 (picture)", "expected a picture file such as exercises/name.svg"


def _patient_words_unknown_placeholder(copy):
    line = copy.line_of("interventions", "heat")
    copy.set_cell("interventions", line, "patient_words", "Use heat for {hours} hours.")
    return "interventions.csv", line, "23 (patient_words)", "found {hours}"


def _pain_gate_without_words(copy):
    line = copy.line_of("interventions", "walking")
    copy.set_cell("interventions", line, "pain_max", "4")
    return "interventions.csv", line, "18 (wait_note)", "expected wait_note exactly when pain_max or waits_while"


def _safety_words_without_a_source(copy):
    line = copy.line_of("interventions", "nsaids")
    copy.set_cell("interventions", line, "patient_safety_source", "")
    return "interventions.csv", line, "25 (patient_safety_source)", "expected a source id from references.csv"


def _added_item_judged_against_the_article(copy):
    line = next(n for n, text in enumerate(copy.lines("evidence"), start=1) if text.startswith("imaging,NICE-NG59"))
    copy.set_cell("evidence", line, "verdict", "goes_beyond")
    return "evidence.csv", line, "4 (verdict)", "expected added: 'imaging' is not in the article"


def _article_item_marked_as_added(copy):
    line = next(n for n, text in enumerate(copy.lines("evidence"), start=1) if text.startswith("heat,ACP2017"))
    copy.set_cell("evidence", line, "verdict", "added")
    return "evidence.csv", line, "4 (verdict)", "expected agrees, goes_beyond or conflicts: 'heat' is the article's"


def _effect_outside_its_interval(copy):
    line = next(n for n, text in enumerate(copy.lines("evidence"), start=1) if ",7.3,3.6,11.0,10" in text)
    copy.set_cell("evidence", line, "ci_high", "5")
    return "evidence.csv", line, "8 (effect)", "expected the effect inside its confidence interval 3.6-5.0, found 7.3"


def _interval_without_its_other_end(copy):
    line = next(n for n, text in enumerate(copy.lines("evidence"), start=1) if ",7.3,3.6,11.0,10" in text)
    copy.set_cell("evidence", line, "ci_high", "")
    return "evidence.csv", line, "9 (ci_low)", "expected both ci_low and ci_high"


def _red_flag_group_split(copy):
    line = copy.append_line("red_flags", "night_sweats,Infection,Night sweats,,,IFOMPT-RF2020")
    return "red_flags.csv", line, "2 (group)", "expected the rows of group 'Infection' together"


def _rule_needs_an_unknown_caution(copy):
    line = copy.line_of("concern_rules", "pregnancy_infection_signs")
    copy.set_cell("concern_rules", line, "with_caution", "pregnant")
    return "concern_rules.csv", line, "6 (with_caution)", "'pregnant' is not an id in cautions.csv"


def _net_covers_an_unknown_flag(copy):
    line = copy.line_of("safety_nets", "same_day")
    copy.set_cell("safety_nets", line, "covers", "new_leg_weakness;shivers")
    return "safety_nets.csv", line, "6 (covers)", "'shivers' is not an id in red_flags.csv"


def _missing_level(copy):
    lines = copy.lines("concern_levels")
    copy.write_lines("concern_levels", [line for line in lines if not line.startswith("routine,")])
    return "concern_levels.csv", len(lines), "1 (level)", "missing level 'routine'"


def _non_utf8_bytes(copy):
    path = copy.path("references")
    raw = path.read_bytes()
    line = copy.line_of("references", "ACP2017")
    start = sum(len(text) + 1 for text in raw.split(b"\n")[: line - 1])
    # "Qaseem" spelled with a Latin-1 byte where UTF-8 is expected, at byte 12 of the line.
    path.write_bytes(raw[: start + 11] + b"\xe4" + raw[start + 12 :])
    return "references.csv", line, "12", "expected UTF-8 text"


def _empty_file(copy):
    copy.path("related_topics").write_bytes(b"")
    return "related_topics.csv", 1, "1", "file is empty"


def _header_only(copy):
    copy.write_lines("related_topics", copy.lines("related_topics")[:1])
    return "related_topics.csv", 2, "1", "expected at least one row"


def _unclosed_quote(copy):
    line = copy.line_of("related_topics", "golfers")
    copy.replace_line("related_topics", line, 'golfers,"Low back exercises for golfers,Why')
    return "related_topics.csv", line, "1", "malformed CSV"


FAULTS = {
    "missing column": _missing_column,
    "unknown column": _unknown_column,
    "too few fields": _too_few_fields,
    "too many fields": _too_many_fields,
    "not a whole number": _not_a_whole_number,
    "decimal where a whole number is expected": _decimal_where_whole_number_expected,
    "negative sets": _negative_sets,
    "day out of range": _day_out_of_range,
    "negative effect size": _negative_effect,
    "effect size that is not a number": _effect_not_a_number,
    "sets_min above sets_max": _sets_min_above_max,
    "reps_min above reps_max": _reps_min_above_max,
    "duplicate id": _duplicate_id,
    "evidence source not in references": _evidence_source_not_in_references,
    "case red flag not in red_flags": _case_red_flag_not_in_red_flags,
    "case expected item not an intervention": _case_expected_item_not_an_intervention,
    "unknown category": _intervention_category_unknown,
    "bad level": _bad_level,
    "rule names an unknown flag": _rule_names_an_unknown_flag,
    "rule threshold above its flags": _rule_threshold_above_its_flags,
    "flag in no rule": _flag_in_no_rule,
    "level ranks out of order": _level_ranks_out_of_order,
    "reference without a link": _reference_without_a_link,
    "reference with a plain http link": _reference_with_a_plain_http_link,
    "caution applies to nothing": _caution_applies_to_nothing,
    "combination of an unknown caution": _combination_of_unknown_caution,
    "safety net without signs": _safety_net_without_signs,
    "review date not a date": _review_date_not_a_date,
    "takeaway needs an unknown item": _takeaway_needs_an_unknown_item,
    "duplicate header column": _duplicate_header_column,
    "NUL byte in a cell": _nul_byte_in_a_cell,
    "underscored digits": _underscored_digits,
    "non-ASCII digits": _non_ascii_digits,
    "full-width decimal": _full_width_decimal,
    "missing picture": _missing_picture,
    "malformed picture": _malformed_picture,
    "picture with a script": _picture_with_a_script,
    "picture path outside exercises": _picture_path_outside,
    "patient words with an unknown number": _patient_words_unknown_placeholder,
    "bad certainty": _bad_certainty,
    "pain gate without its words": _pain_gate_without_words,
    "patient safety words without a source": _safety_words_without_a_source,
    "added item judged against the article": _added_item_judged_against_the_article,
    "article item marked as added": _article_item_marked_as_added,
    "effect outside its interval": _effect_outside_its_interval,
    "interval without its other end": _interval_without_its_other_end,
    "red flag group split": _red_flag_group_split,
    "rule needs an unknown caution": _rule_needs_an_unknown_caution,
    "net covers an unknown flag": _net_covers_an_unknown_flag,
    "bad stage in a list": _bad_stage_in_list,
    "empty required text": _empty_title,
    "empty required list": _empty_list,
    "malformed id": _bad_id,
    "too many learning points": _too_many_learning_points,
    "medicine on a non-medicine row": _medicine_on_non_medicine_row,
    "caution with two labels": _caution_with_two_labels,
    "stage day gap": _stage_day_gap,
    "stage day overlap": _stage_overlap,
    "stages stop short of day 365": _stages_stop_short,
    "missing level": _missing_level,
    "non-UTF-8 bytes": _non_utf8_bytes,
    "empty file": _empty_file,
    "header only": _header_only,
    "unclosed quote": _unclosed_quote,
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_each_fault_names_file_line_and_column(content_copy, fault):
    file_name, line, column, problem = FAULTS[fault](content_copy)
    with pytest.raises(ContentError) as caught:
        content_copy.load()
    message = str(caught.value)
    assert message.startswith(str(content_copy.directory / file_name))
    assert f"{file_name}, line {line}, column {column}: " in message
    assert problem in message
    assert (Path(caught.value.file).name, caught.value.line) == (file_name, line)


def test_missing_file_names_the_file_and_the_table(content_copy):
    content_copy.path("interventions").unlink()
    with pytest.raises(ContentError) as caught:
        content_copy.load()
    assert str(caught.value) == (
        f"{content_copy.directory / 'interventions.csv'}: file not found (the interventions table is required)"
    )


def test_a_folder_where_a_table_should_be_is_a_content_error(content_copy):
    path = content_copy.path("takeaways")
    path.unlink()
    path.mkdir()
    with pytest.raises(ContentError, match=r"takeaways\.csv: expected a file, found a folder"):
        load_content(content_copy.directory)


def test_an_unreadable_table_is_a_content_error_naming_the_file(content_copy, monkeypatch):
    path = content_copy.path("cases")
    real = Path.read_bytes

    def refuse(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ContentError, match=r"cases\.csv: could not be read \(Permission denied\)"):
        load_content(content_copy.directory)


def test_content_carries_its_version_and_review_dates(content):
    assert content.review_line == "Content 3.0, reviewed 2026-12-02, next review 2027-12"


def test_every_reference_but_the_article_has_a_link(content):
    for row in content.records["references"]:
        assert row["link"].startswith("https://") or row["id"] == "ARTICLE", row["id"]
        assert "data/README" not in row["citation"]


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(ContentError, match="nowhere: content folder not found"):
        load_content(tmp_path / "nowhere")


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(content_copy):
    # A blank line and a quoted cell spanning two lines sit above the fault: the reported line is
    # still the one an editor shows.
    lines = content_copy.lines("related_topics")
    lines.insert(1, "")
    lines.insert(2, 'hips,"Hip pain","Two-line\nreason"')
    lines.append("knees,Knee pain,")
    content_copy.write_lines("related_topics", lines)
    with pytest.raises(ContentError, match=r"related_topics\.csv, line 8, column 3 \(why\): expected some text"):
        content_copy.load()


def test_columns_may_come_in_any_order_and_faults_still_point_at_the_right_column(content_copy, content):
    # interventions.csv with its first two columns swapped: category first, then id.
    rows = [next(csv.reader([line])) for line in content_copy.lines("interventions")]
    content_copy.write_lines("interventions", [_join([row[1], row[0], *row[2:]]) for row in rows])
    reordered = content_copy.load()
    assert reordered.table("interventions").equals(content.table("interventions"))

    # Now a reference that does not resolve must point at column 1, where category now is.
    line = content_copy.line_of("interventions", "symptom_relief")  # first cell is the category now
    content_copy.set_cell("interventions", line, "category", "comfort")
    with pytest.raises(ContentError, match=rf"interventions\.csv, line {line}, column 1 \(category\): 'comfort'"):
        content_copy.load()
    # And a reference checked from another table still names its own column.
    content_copy.set_cell("interventions", line, "category", "symptom_relief")
    day_line = content_copy.line_of("stages", "guideline_chronic")
    stage_rows = [next(csv.reader([text])) for text in content_copy.lines("stages")]
    content_copy.write_lines("stages", [_join([*row[:3], row[4], row[3], row[5]]) for row in stage_rows])
    content_copy.set_cell("stages", day_line, "day_min", "86")
    with pytest.raises(ContentError, match=rf"stages\.csv, line {day_line}, column 5 \(day_min\): expected the"):
        content_copy.load()


def _join(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def test_a_fault_in_the_last_table_means_nothing_is_returned(content_copy):
    # Never a partial load: every earlier table is fine, but load_content gives no Content at all.
    line = content_copy.line_of("cases", "runner_week10")
    content_copy.set_cell("cases", line, "expected_stage", "chronic")
    with pytest.raises(ContentError, match=rf"cases\.csv, line {line}, column 10 \(expected_stage\)"):
        content_copy.load()


def test_content_error_is_a_value_error_with_its_parts(content_copy):
    _sets_min_above_max(content_copy)
    with pytest.raises(ValueError) as caught:
        content_copy.load()
    error = caught.value
    assert isinstance(error, ContentError)
    assert (error.line, error.column) == (content_copy.line_of("interventions", "bent_over_row"), "8 (sets_min)")
    assert error.problem == "expected sets_min <= sets_max, found 4 > 3"


# --- where the content comes from --------------------------------------------------------------------


def test_loads_from_any_working_directory(tmp_path, monkeypatch, content, data_dir):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()  # a decoy data/ folder in the working directory must not be read
    loaded = load_content()
    assert loaded.directory.resolve() == data_dir.resolve()
    assert loaded.table("interventions").equals(content.table("interventions"))


def test_environment_variable_points_at_a_clinicians_copy(content_copy, monkeypatch):
    line = content_copy.line_of("interventions", "heat")
    content_copy.set_cell("interventions", line, "title", "Warm pack")
    monkeypatch.setenv(CONTENT_DIR_ENV, str(content_copy.directory))
    assert default_content_dir() == content_copy.directory
    plan = build_plan(Scenario(days_since_onset=2), load_content())
    assert plan.item("heat").title == "Warm pack"


def test_explicit_path_points_at_a_clinicians_copy(content_copy, content):
    line = content_copy.line_of("interventions", "walking")
    content_copy.set_cell("interventions", line, "dose_note", "Around the block twice.")
    copy = load_content(str(content_copy.directory))
    assert copy.directory == content_copy.directory
    assert build_plan(Scenario(days_since_onset=2), copy).item("walking").dose == "Around the block twice."
    assert build_plan(Scenario(days_since_onset=2), content).item("walking").dose.startswith("Short distances")


def test_environment_variable_pointing_at_a_broken_copy_fails_loudly(content_copy, monkeypatch):
    _bad_level(content_copy)
    monkeypatch.setenv(CONTENT_DIR_ENV, os.fspath(content_copy.directory))
    with pytest.raises(ContentError, match=r"concern_rules\.csv, line \d+, column 7 \(level\)"):
        load_content()
