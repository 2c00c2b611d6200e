"""Load and validate the content tables in data/.

Every sentence a clinician might want to edit lives in a CSV file, one fact a row. The loader is
deliberately loud: any fault raises :class:`ContentError` naming the file, the 1-based line, the
column and what was expected, and nothing is returned until every table and every cross-reference
checks out (never a partial load).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import re
import string
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Environment variable that points the loader at a clinician's own copy of data/.
CONTENT_DIR_ENV = "BACKCARE_CONTENT_DIR"

ARTICLE_STAGES = ("acute", "subacute_chronic")
EPISODES = ("first", "recurrent")
#: Levels of concern, lowest first (IFOMPT 2020); data/concern_levels.csv says what each one means.
LEVELS = ("clear", "watchful", "routine", "soon", "urgent", "emergency")
CERTAINTY = ("high", "moderate", "low", "very_low", "not_graded")
STANCES = (
    "recommends",
    "supports",
    "option",
    "small_effect",
    "no_difference",
    "insufficient",
    "no_recommendation",
    "convention",
    "against",
)
#: How the article stands against a source. ``added`` is for items the article never mentions (the
#: project adds them from a guideline), where "agrees" or "goes beyond" would misread the article.
VERDICTS = ("agrees", "goes_beyond", "conflicts", "added")
#: What a caution does to an item: a prescriber's check first, not advised, or a note beside it.
CAUTION_EFFECTS = ("check_first", "avoid", "note")
MEDICINES = ("nsaid", "muscle_relaxant")
#: How the quiz uses an item: a right or wrong answer (blank: scored), never a wrong answer (an item
#: guidelines support at every stage, such as staying active), or never on the checklist (prescription only).
QUIZ_USES = ("", "scored", "not_a_distractor", "unscored")
#: How an item goes on the weekly schedule.
SCHEDULES = ("daily", "per_week", "as_needed", "none")
#: The reference id of the source article; every other reference must carry a link.
ARTICLE_SOURCE = "ARTICLE"
#: Keys data/about.csv must give: the content's version and its review dates.
ABOUT_KEYS = ("version", "reviewed", "next_review")


class ContentError(ValueError):
    """A content file is missing or malformed; the message names file, line and column."""

    def __init__(self, file: Path | str, line: int, column: int | str, problem: str) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.problem = problem
        # Line 0 means the fault is not inside the file (a missing file or folder): no line to name.
        where = f"{self.file}, line {line}, column {column}" if line else self.file
        super().__init__(f"{where}: {problem}")


def default_content_dir() -> Path:
    """The data/ folder: ``$BACKCARE_CONTENT_DIR`` if set, else the copy shipped with the package.

    The package finds its data from its own location, never from the working directory (Voilà runs
    a notebook in the notebook's folder). In a checkout it is the repository's data/; in a wheel
    the same folder is shipped as ``backcare_nb/data``.
    """
    override = os.environ.get(CONTENT_DIR_ENV)
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    return packaged if packaged.is_dir() else here.parent / "data"


# --- column kinds -------------------------------------------------------------------------------
# A parser takes the cell text and returns the value, or raises _CellError with what was expected.


class _CellError(Exception):
    pass


def _text(value: str) -> str:
    if not value.strip():
        raise _CellError("expected some text, found an empty cell")
    return value.strip()


def _optional_text(value: str) -> str:
    return value.strip()


def _optional_identifier(value: str) -> str:
    return _identifier(value) if value.strip() else ""


def _identifier(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", value):
        raise _CellError(f"expected an id of letters, digits, '_' or '-', found {value!r}")
    return value


_ASCII_WHOLE = re.compile(r"[+-]?[0-9]+")
_ASCII_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _whole(low: int, high: int, optional: bool = False) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
        value = value.strip()
        if not value and optional:
            return None
        # int() also reads "1_0" and non-ASCII digits; a content file holds plain digits only.
        if not _ASCII_WHOLE.fullmatch(value):
            raise _CellError(f"expected a whole number from {low} to {high}, found {value!r}")
        number = int(value)
        if not low <= number <= high:
            raise _CellError(f"expected a whole number from {low} to {high}, found {number}")
        return number

    return parse


def _decimal(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    if not _ASCII_DECIMAL.fullmatch(value):
        raise _CellError(f"expected a number, found {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise _CellError(f"expected a number, found {value!r}")
    if number < 0:
        raise _CellError(f"expected a number of 0 or more, found {number}")
    return number


def _choice(options: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(options)

    def parse(value: str) -> str:
        value = value.strip()
        if value not in allowed:
            raise _CellError(f"expected one of {', '.join(allowed)}, found {value!r}")
        return value

    return parse


def _choices(options: Iterable[str], optional: bool = False) -> Callable[[str], tuple[str, ...]]:
    allowed = tuple(options)

    def parse(value: str) -> tuple[str, ...]:
        items = _split(value, ";")
        if not items and not optional:
            raise _CellError(f"expected one or more of {', '.join(allowed)} separated by ';'")
        wrong = [item for item in items if item not in allowed]
        if wrong:
            raise _CellError(f"expected values from {', '.join(allowed)}, found {wrong[0]!r}")
        return items

    return parse


def _split(value: str, separator: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(separator) if part.strip())


def _id_list(value: str) -> tuple[str, ...]:
    return tuple(_identifier(part) for part in _split(value, ";"))


def _points(value: str) -> tuple[str, ...]:
    points = _split(value, "|")
    if not 1 <= len(points) <= 6:
        raise _CellError("expected 1 to 6 learning points separated by '|'")
    return points


def _signs(value: str) -> tuple[str, ...]:
    signs = _split(value, "|")
    if not signs:
        raise _CellError("expected one or more signs separated by '|'")
    return signs


def _yes_no(value: str) -> bool:
    value = value.strip()
    if value not in ("yes", "no"):
        raise _CellError(f"expected yes or no, found {value!r}")
    return value == "yes"


def _link(value: str) -> str:
    value = value.strip()
    if value and not re.fullmatch(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s\"'<>]*)?", value):
        raise _CellError(f"expected a link starting https:// (a DOI, PubMed or official page), found {value!r}")
    return value


#: Numbers a patient sentence may name, filled from the row's dose columns ("{sets} sets of {reps}").
PATIENT_PLACEHOLDERS = ("minutes", "sets", "reps", "per_week")


def _patient_words(value: str) -> str:
    value = value.strip()
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as error:
        raise _CellError(f"expected text with {{placeholders}} such as {{minutes}}, found {error}") from None
    unknown = [name for name in names if name not in PATIENT_PLACEHOLDERS]
    if unknown:
        raise _CellError(f"expected placeholders from {', '.join(PATIENT_PLACEHOLDERS)}, found {{{unknown[0]}}}")
    return value


def _picture_path(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"exercises/[A-Za-z0-9_\-]+\.svg", value):
        raise _CellError(f"expected a picture file such as exercises/name.svg, found {value!r}")
    return value


def _expected_items(value: str) -> tuple[str, ...]:
    items = _split(value, ";")
    for item in items:
        item_id, _, status = item.partition(":")
        _identifier(item_id)
        if status and status not in ("advised", "check_first", "avoid"):
            raise _CellError(f"expected ':advised', ':check_first' or ':avoid', found {item!r}")
    return items


@dataclass(frozen=True)
class _Column:
    name: str
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[_Column, ...]
    key: tuple[str, ...]  # columns whose values together must be unique
    ranges: tuple[tuple[str, str], ...] = ()  # (min column, max column) pairs: min <= max

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


def _cols(**parsers: Callable[[str], Any]) -> tuple[_Column, ...]:
    return tuple(_Column(name, parse) for name, parse in parsers.items())


_day = _whole(0, 365)
_optional_count = _whole(0, 100, optional=True)

TABLES: tuple[_Table, ...] = (
    _Table(
        "about",
        _cols(key=_choice(ABOUT_KEYS), value=_text),
        key=("key",),
    ),
    _Table(
        "references",
        _cols(
            id=_identifier,
            short=_text,
            citation=_text,
            year=_whole(1900, 2100, optional=True),
            link=_link,
        ),
        key=("id",),
    ),
    _Table(
        "categories",
        _cols(id=_identifier, label=_text, order=_whole(1, 99), for_patients=_yes_no, held_words=_optional_text),
        key=("id",),
    ),
    _Table(
        "stages",
        _cols(
            id=_identifier,
            scheme=_choice(("article", "guideline")),
            label=_text,
            day_min=_day,
            day_max=_day,
            summary=_text,
        ),
        key=("id",),
        ranges=(("day_min", "day_max"),),
    ),
    _Table(
        "interventions",
        _cols(
            id=_identifier,
            category=_identifier,
            title=_text,
            stages=_choices(ARTICLE_STAGES),
            episodes=_choices(EPISODES),
            medicine=_choice(("", *MEDICINES)),
            minutes=_optional_count,
            sets_min=_optional_count,
            sets_max=_optional_count,
            reps_min=_optional_count,
            reps_max=_optional_count,
            per_week_min=_whole(0, 7, optional=True),
            per_week_max=_whole(0, 7, optional=True),
            day_from=_whole(0, 365, optional=True),
            day_to=_whole(0, 365, optional=True),
            pain_max=_whole(0, 10, optional=True),
            waits_while=_id_list,
            wait_note=_optional_text,
            schedule=_choice(SCHEDULES),
            dose_note=_optional_text,
            timing=_text,
            rationale=_text,
            patient_words=_patient_words,
            patient_safety=_optional_text,
            patient_safety_source=_optional_identifier,
            quiz=_choice(QUIZ_USES),
            source_id=_identifier,
        ),
        key=("id",),
        ranges=(
            ("sets_min", "sets_max"),
            ("reps_min", "reps_max"),
            ("per_week_min", "per_week_max"),
            ("day_from", "day_to"),
        ),
    ),
    _Table(
        "exercises",
        _cols(
            intervention_id=_identifier,
            phase=_choice(("mobility", "strengthening")),
            how_to=_text,
            stop_if=_text,
            stop_source_id=_identifier,
            picture=_picture_path,
            alt_text=_text,
        ),
        key=("intervention_id",),
    ),
    _Table(
        "evidence",
        _cols(
            intervention_id=_identifier,
            source_id=_identifier,
            stance=_choice(STANCES),
            verdict=_choice(VERDICTS),
            certainty=_choice(CERTAINTY),
            finding=_text,
            outcome=_optional_text,
            effect=_decimal,
            ci_low=_decimal,
            ci_high=_decimal,
            mid=_decimal,
        ),
        key=("intervention_id", "source_id", "outcome"),
        ranges=(("ci_low", "ci_high"),),
    ),
    _Table(
        "concern_levels",
        _cols(
            level=_choice(LEVELS),
            rank=_whole(0, 9),
            title=_text,
            action=_text,
            time_frame=_text,
            replaces_plan=_yes_no,
            holds=_id_list,
            meanwhile=_optional_text,
            source_id=_identifier,
        ),
        key=("level",),
    ),
    _Table(
        "red_flags",
        _cols(
            id=_identifier,
            group=_text,
            label=_text,
            min_days=_whole(0, 365, optional=True),
            early_tick=_choice(("", "warn", "ignore")),
            source_id=_identifier,
        ),
        key=("id",),
    ),
    _Table(
        "concern_rules",
        _cols(
            id=_identifier,
            all_of=_id_list,
            any_of=_id_list,
            at_least=_whole(0, 20),
            and_any_of=_id_list,
            with_caution=_id_list,
            level=_choice(LEVELS[1:]),
            holds=_id_list,
            reason=_text,
            action=_optional_text,
            source_id=_identifier,
        ),
        key=("id",),
    ),
    _Table(
        "cautions",
        _cols(
            id=_identifier,
            label=_text,
            applies_to=_identifier,
            effect=_choice(CAUTION_EFFECTS),
            reason=_text,
            source_id=_identifier,
        ),
        key=("id", "applies_to"),
    ),
    _Table(
        "caution_combinations",
        _cols(
            id=_identifier,
            any_of=_id_list,
            at_least=_whole(2, 20),
            applies_to=_identifier,
            effect=_choice(CAUTION_EFFECTS),
            reason=_text,
            source_id=_identifier,
        ),
        key=("id",),
    ),
    _Table(
        "alternatives",
        _cols(
            id=_identifier,
            applies_to=_identifier,
            when_caution=_id_list,
            unless_caution=_id_list,
            for_patients=_yes_no,
            text=_text,
            source_id=_identifier,
        ),
        key=("id",),
    ),
    _Table(
        "safety_nets",
        _cols(
            id=_identifier,
            when_caution=_id_list,
            when_flag=_id_list,
            unless_caution=_id_list,
            unless_flag=_id_list,
            covers=_id_list,
            level=_choice(LEVELS[1:]),
            title=_text,
            signs=_signs,
            action=_text,
            source_id=_identifier,
        ),
        key=("id",),
    ),
    _Table(
        "takeaways",
        _cols(
            id=_identifier,
            stages=_choices(ARTICLE_STAGES),
            episodes=_choices(EPISODES),
            needs=_id_list,
            unless_usable=_id_list,
            text=_text,
            source_id=_identifier,
        ),
        key=("id",),
    ),
    _Table(
        "related_topics",
        _cols(id=_identifier, title=_text, why=_text),
        key=("id",),
    ),
    _Table(
        "cases",
        _cols(
            id=_identifier,
            title=_text,
            days=_day,
            episode=_choice(EPISODES),
            pain=_whole(0, 10),
            red_flags=_id_list,
            cautions=_id_list,
            scenario=_text,
            learning_points=_points,
            expected_stage=_choice(ARTICLE_STAGES),
            expected_level=_choice(LEVELS),
            expected_items=_expected_items,
        ),
        key=("id",),
    ),
)

# (table, column) -> (table, column) that its values must be found in.
_REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("interventions", "category", "categories", "id"),
    ("interventions", "source_id", "references", "id"),
    ("exercises", "intervention_id", "interventions", "id"),
    ("exercises", "stop_source_id", "references", "id"),
    ("evidence", "intervention_id", "interventions", "id"),
    ("evidence", "source_id", "references", "id"),
    ("red_flags", "source_id", "references", "id"),
    ("concern_levels", "source_id", "references", "id"),
    ("concern_rules", "all_of", "red_flags", "id"),
    ("concern_rules", "any_of", "red_flags", "id"),
    ("concern_rules", "and_any_of", "red_flags", "id"),
    ("concern_rules", "with_caution", "cautions", "id"),
    ("concern_rules", "source_id", "references", "id"),
    ("cautions", "source_id", "references", "id"),
    ("caution_combinations", "any_of", "cautions", "id"),
    ("caution_combinations", "source_id", "references", "id"),
    ("alternatives", "when_caution", "cautions", "id"),
    ("alternatives", "unless_caution", "cautions", "id"),
    ("alternatives", "source_id", "references", "id"),
    ("safety_nets", "when_caution", "cautions", "id"),
    ("safety_nets", "when_flag", "red_flags", "id"),
    ("safety_nets", "unless_caution", "cautions", "id"),
    ("safety_nets", "unless_flag", "red_flags", "id"),
    ("interventions", "waits_while", "red_flags", "id"),
    ("safety_nets", "covers", "red_flags", "id"),
    ("safety_nets", "source_id", "references", "id"),
    ("takeaways", "needs", "interventions", "id"),
    ("takeaways", "unless_usable", "interventions", "id"),
    ("takeaways", "source_id", "references", "id"),
    ("cases", "red_flags", "red_flags", "id"),
    ("cases", "cautions", "cautions", "id"),
    ("cases", "expected_items", "interventions", "id"),
)


@dataclass(frozen=True)
class _Rows:
    """One table as read: parsed rows (each with its ``_line``) and the file's column order."""

    header: tuple[str, ...]  # as in the file, so a fault names the right column position
    columns: tuple[str, ...]  # as declared in TABLES
    rows: tuple[dict[str, Any], ...]

    def column(self, name: str) -> list[Any]:
        return [row[name] for row in self.rows]


def _table_frame(name: str) -> cached_property:
    def frame(self: Content) -> pd.DataFrame:
        return _to_frame(self._rows[name])

    frame.__doc__ = f"The {name} table as a DataFrame, with a ``_line`` column (built on first use)."
    frame.__name__ = name
    return cached_property(frame)


class Content:
    """All content tables, validated, plus where they were read from.

    Each table is a DataFrame attribute (``content.interventions``) with a ``_line`` column holding
    the row's 1-based line in its file, so later checks can point a clinician at the right place.
    The DataFrames are built on first use: the plan engine and the dashboard read :attr:`records`,
    so a dashboard kernel never imports pandas while its page is loading. Content is read-only by
    convention: build a new one with :func:`load_content` after editing the files.
    """

    def __init__(self, directory: Path, rows: Mapping[str, _Rows], pictures: Mapping[str, str] | None = None) -> None:
        self.directory = directory
        self._rows = dict(rows)
        #: Exercise id -> the SVG markup of its start and end picture (read and checked by the loader).
        self.pictures: dict[str, str] = dict(pictures or {})

    references = _table_frame("references")
    categories = _table_frame("categories")
    stages = _table_frame("stages")
    interventions = _table_frame("interventions")
    exercises = _table_frame("exercises")
    evidence = _table_frame("evidence")
    about = _table_frame("about")
    concern_levels = _table_frame("concern_levels")
    red_flags = _table_frame("red_flags")
    concern_rules = _table_frame("concern_rules")
    cautions = _table_frame("cautions")
    caution_combinations = _table_frame("caution_combinations")
    alternatives = _table_frame("alternatives")
    safety_nets = _table_frame("safety_nets")
    takeaways = _table_frame("takeaways")
    related_topics = _table_frame("related_topics")
    cases = _table_frame("cases")

    def __repr__(self) -> str:
        return f"Content(directory={str(self.directory)!r})"

    def table(self, name: str) -> pd.DataFrame:
        """A table by its file name without ``.csv`` (``"interventions"``), without ``_line``."""
        return getattr(self, name).drop(columns="_line")

    def table_summary(self) -> list[tuple[str, int, str]]:
        """(name, rows, columns) of every table, in the loader's order."""
        return [(name, len(table.rows), ", ".join(table.columns)) for name, table in self._rows.items()]

    def tables(self) -> pd.DataFrame:
        """Every table with its number of rows and its columns: what ``content.show(name)`` can show."""
        import pandas as pd

        return pd.DataFrame(self.table_summary(), columns=["table", "rows", "columns"]).set_index("table")

    def tidy(self, name: str) -> pd.DataFrame:
        """A table as a reader wants it: lists joined with "; ", empty cells blank, every value text."""
        frame = self.table(name).astype(object)
        for column in frame.columns:
            frame[column] = [_cell_text(value) for value in frame[column]]
        return frame

    def show(self, name: str) -> Any:
        """A table for a notebook: :meth:`tidy`, with long text wrapped instead of cut."""
        return (
            self.tidy(name)
            .style.format(escape="html")
            .set_properties(**{"white-space": "pre-wrap", "text-align": "left", "vertical-align": "top"})
            .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
        )

    def _repr_html_(self) -> str:
        from backcare_nb.display import content_html

        return content_html(self)

    @cached_property
    def records(self) -> dict[str, tuple[dict[str, Any], ...]]:
        """Every table as a tuple of plain dicts (``_line`` first, then the declared columns; a
        blank optional cell is ``None``). The plan engine reads these, not DataFrames, because
        row access on DataFrames would cost more than the whole plan."""
        return {
            name: tuple({column: row[column] for column in ("_line", *table.columns)} for row in table.rows)
            for name, table in self._rows.items()
        }

    @property
    def version_info(self) -> dict[str, str]:
        """The content's version and review dates, from data/about.csv."""
        return {row["key"]: row["value"] for row in self._rows["about"].rows}

    @property
    def review_line(self) -> str:
        """What the footer and the handout print: "Content 3.0, reviewed 2026-12-02, next review 2027-12"."""
        about = self.version_info
        return f"Content {about['version']}, reviewed {about['reviewed']}, next review {about['next_review']}"

    @property
    def red_flag_ids(self) -> tuple[str, ...]:
        return tuple(self._rows["red_flags"].column("id"))

    @property
    def caution_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self._rows["cautions"].column("id")))

    @property
    def case_ids(self) -> tuple[str, ...]:
        return tuple(self._rows["cases"].column("id"))


def _cell_text(value: Any) -> str:
    if isinstance(value, tuple):
        return "; ".join(str(part) for part in value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ == "NAType":  # pandas' missing value in nullable columns
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def load_content(directory: str | Path | None = None) -> Content:
    """Read and validate every table in ``directory`` (default: :func:`default_content_dir`).

    Parameters
    ----------
    directory
        A folder holding the CSV files named in :data:`TABLES`.

    Returns
    -------
    Content
        Every table, as plain records and (built on first use) as a DataFrame with typed columns.

    Raises
    ------
    ContentError
        On the first fault found: a missing file or column, a malformed row, a value of the wrong
        kind or range, a duplicate id, a min above its max, or a reference that does not resolve.
    """
    folder = Path(directory) if directory is not None else default_content_dir()
    if not folder.is_dir():
        raise ContentError(folder, 0, "-", "content folder not found")
    tables = {table.name: _read_table(folder / table.file_name, table) for table in TABLES}
    for source_table, source_column, target_table, target_column in _REFERENCES:
        _check_references(folder, tables, source_table, source_column, target_table, target_column)
    _check_consistency(folder, tables)
    return Content(folder, tables, _read_pictures(folder, tables))


def _read_table(path: Path, table: _Table) -> _Rows:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(path, 0, "-", f"file not found (the {table.name} table is required)") from None
    except IsADirectoryError:
        raise ContentError(path, 0, "-", f"expected a file, found a folder (the {table.name} table)") from None
    except OSError as error:  # permissions, a broken disk: name the file, never a traceback
        raise ContentError(path, 0, "-", f"could not be read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ContentError(path, line, column, "expected UTF-8 text") from None

    nul = text.find("\0")
    if nul >= 0:  # csv would read it into a cell; no content needs it
        line = text.count("\n", 0, nul) + 1
        raise ContentError(path, line, nul - (text.rfind("\n", 0, nul) + 1) + 1, "unexpected NUL character")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ContentError(path, 1, 1, "file is empty; expected a header row") from None
    except csv.Error as error:
        raise ContentError(path, 1, 1, f"malformed CSV ({error})") from None
    header = [name.strip() for name in header]
    expected = [column.name for column in table.columns]
    for position, name in enumerate(header, start=1):
        if name not in expected:
            raise ContentError(path, 1, position, f"unknown column {name!r}; expected {', '.join(expected)}")
        if name in header[: position - 1]:
            raise ContentError(path, 1, position, f"column {name!r} appears twice in the header")
    for name in expected:
        if name not in header:
            raise ContentError(path, 1, len(header) + 1, f"missing column {name!r}")

    parsers = {column.name: column.parse for column in table.columns}
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ContentError(path, start, 1, f"malformed CSV ({error})") from None
        line = start
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are allowed, for readability
        if len(cells) != len(header):
            raise ContentError(
                path,
                line,
                min(len(cells), len(header)) + 1,
                f"expected {len(header)} fields, found {len(cells)}",
            )
        row: dict[str, Any] = {"_line": line}
        for position, (name, cell) in enumerate(zip(header, cells, strict=True), start=1):
            try:
                row[name] = parsers[name](cell)
            except _CellError as error:
                raise ContentError(path, line, f"{position} ({name})", str(error)) from None
        for low, high in table.ranges:
            if row[low] is not None and row[high] is not None and row[low] > row[high]:
                position = header.index(low) + 1
                raise ContentError(
                    path,
                    line,
                    f"{position} ({low})",
                    f"expected {low} <= {high}, found {row[low]} > {row[high]}",
                )
        key = tuple(row[name] for name in table.key)
        if key in seen:
            position = header.index(table.key[0]) + 1
            raise ContentError(
                path,
                line,
                f"{position} ({table.key[0]})",
                f"duplicate {'/'.join(table.key)} {'/'.join(map(str, key))!r} (first on line {seen[key]})",
            )
        seen[key] = line
        rows.append(row)
    if not rows:
        raise ContentError(path, 2, 1, "expected at least one row")
    return _Rows(header=tuple(header), columns=tuple(expected), rows=tuple(rows))


def _to_frame(table: _Rows) -> pd.DataFrame:
    """The table as a DataFrame with typed columns (pandas is imported here, on first use)."""
    import pandas as pd

    frame = pd.DataFrame(list(table.rows), columns=["_line", *table.columns], dtype=object)
    frame.attrs["header"] = list(table.header)
    # Whole-number columns with blanks would turn into floats; keep them as nullable integers.
    for name in table.columns:
        values = [value for value in frame[name] if value is not None]
        if values and all(isinstance(value, int) for value in values):
            frame[name] = frame[name].astype("Int64")
        elif values and all(isinstance(value, float) for value in values):
            frame[name] = frame[name].astype("Float64")
        elif values and all(isinstance(value, str) for value in values):
            frame[name] = frame[name].astype(str)
    frame["_line"] = frame["_line"].astype(int)
    return frame


def _location(folder: Path, tables: dict[str, _Rows], table: str, column: str, line: int) -> tuple[Path, int, str]:
    header = tables[table].header
    return folder / f"{table}.csv", line, f"{header.index(column) + 1} ({column})"


def _check_references(
    folder: Path,
    tables: dict[str, _Rows],
    source_table: str,
    source_column: str,
    target_table: str,
    target_column: str,
) -> None:
    known = set(tables[target_table].column(target_column))
    for row in tables[source_table].rows:
        line, value = row["_line"], row[source_column]
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            item_id = item.partition(":")[0] if source_column == "expected_items" else item
            if item_id not in known:
                raise ContentError(
                    *_location(folder, tables, source_table, source_column, line),
                    f"{item_id!r} is not an {target_column} in {target_table}.csv",
                )


def _check_consistency(folder: Path, tables: dict[str, _Rows]) -> None:
    """Checks that span rows: labels agree, medicine items name a medicine, gate tiers complete."""
    first_label: dict[str, str] = {}
    for row in tables["cautions"].rows:
        if first_label.setdefault(row["id"], row["label"]) != row["label"]:
            raise ContentError(
                *_location(folder, tables, "cautions", "label", row["_line"]),
                f"caution {row['id']!r} has two labels; expected the same label on each of its rows",
            )
    for row in tables["interventions"].rows:
        if (row["category"] == "medicines") != bool(row["medicine"]):
            raise ContentError(
                *_location(folder, tables, "interventions", "medicine", row["_line"]),
                "expected a medicine (nsaid or muscle_relaxant) exactly on rows of category medicines",
            )
    _check_patient_words(folder, tables)
    _check_pain_gates(folder, tables)
    _check_evidence(folder, tables)
    _check_levels(folder, tables)
    _check_rules(folder, tables)
    _check_targets(folder, tables)
    for row in tables["references"].rows:
        if not row["link"] and row["id"] != ARTICLE_SOURCE:
            raise ContentError(
                *_location(folder, tables, "references", "link", row["_line"]),
                "expected a link (a DOI, PubMed or official page) for every source but the article",
            )
    _check_about(folder, tables)
    stages = tables["stages"]
    for stage_id in ARTICLE_STAGES:
        if stage_id not in set(stages.column("id")):
            last = max(stages.column("_line")) + 1
            raise ContentError(*_location(folder, tables, "stages", "id", last), f"missing article stage {stage_id!r}")
    for scheme in ("article", "guideline"):
        _check_day_coverage(folder, tables, [row for row in stages.rows if row["scheme"] == scheme], scheme)


def _check_day_coverage(folder: Path, tables: dict[str, _Rows], stages: list[dict[str, Any]], scheme: str) -> None:
    """Each scheme's stages must cover days 0-365 without gaps or overlaps, so every day has a label."""
    expected_start = 0
    for row in sorted(stages, key=lambda row: row["day_min"]):
        if row["day_min"] != expected_start:
            raise ContentError(
                *_location(folder, tables, "stages", "day_min", row["_line"]),
                f"expected the {scheme} stages to continue at day {expected_start}, found {row['day_min']}",
            )
        expected_start = row["day_max"] + 1
    if expected_start != 366:
        last = max((row["_line"] for row in stages), default=max(tables["stages"].column("_line")))
        raise ContentError(
            *_location(folder, tables, "stages", "day_max", last),
            f"expected the {scheme} stages to reach day 365, found {expected_start - 1}",
        )


def _check_levels(folder: Path, tables: dict[str, _Rows]) -> None:
    """Every level of concern is defined once, and the ranks put them in the order of LEVELS."""
    levels = tables["concern_levels"]
    defined = {row["level"]: row for row in levels.rows}
    missing = [level for level in LEVELS if level not in defined]
    if missing:
        last = max(levels.column("_line")) + 1
        raise ContentError(*_location(folder, tables, "concern_levels", "level", last), f"missing level {missing[0]!r}")
    for lower, higher in itertools.pairwise(LEVELS):
        if defined[higher]["rank"] <= defined[lower]["rank"]:
            raise ContentError(
                *_location(folder, tables, "concern_levels", "rank", defined[higher]["_line"]),
                f"expected the rank of {higher!r} to be above that of {lower!r}",
            )


def _check_rules(folder: Path, tables: dict[str, _Rows]) -> None:
    """Each rule can match, and every red flag takes part in at least one rule (so a tick counts)."""
    used: set[str] = set()
    for row in tables["concern_rules"].rows:
        where = _location(folder, tables, "concern_rules", "at_least", row["_line"])
        if not row["all_of"] and not row["any_of"]:
            raise ContentError(*where, "expected flags in all_of or any_of")
        if row["any_of"] and not 1 <= row["at_least"] <= len(row["any_of"]):
            raise ContentError(*where, f"expected at_least from 1 to {len(row['any_of'])} (the flags in any_of)")
        if not row["any_of"] and row["at_least"] != 0:
            raise ContentError(*where, "expected at_least 0 when any_of is empty")
        used.update(row["all_of"], row["any_of"], row["and_any_of"])
    groups_seen: list[str] = []
    for row in tables["red_flags"].rows:
        if groups_seen and row["group"] != groups_seen[-1] and row["group"] in groups_seen:
            raise ContentError(
                *_location(folder, tables, "red_flags", "group", row["_line"]),
                f"expected the rows of group {row['group']!r} together (the page would show the group twice)",
            )
        if not groups_seen or row["group"] != groups_seen[-1]:
            groups_seen.append(row["group"])
        if row["id"] not in used:
            raise ContentError(
                *_location(folder, tables, "red_flags", "id", row["_line"]),
                f"red flag {row['id']!r} is in no rule of concern_rules.csv, so ticking it would change nothing",
            )
    for row in tables["caution_combinations"].rows:
        if row["at_least"] > len(row["any_of"]):
            raise ContentError(
                *_location(folder, tables, "caution_combinations", "at_least", row["_line"]),
                f"expected at_least from 2 to {len(row['any_of'])} (the cautions in any_of)",
            )


def _check_targets(folder: Path, tables: dict[str, _Rows]) -> None:
    """A level holds categories or items; a caution or an alternative applies to a medicine class or an item."""
    targets = set(MEDICINES) | set(tables["interventions"].column("id"))
    holdable = set(tables["categories"].column("id")) | set(tables["interventions"].column("id"))
    for table in ("concern_levels", "concern_rules"):
        for row in tables[table].rows:
            for held in row["holds"]:
                if held not in holdable:
                    raise ContentError(
                        *_location(folder, tables, table, "holds", row["_line"]),
                        f"expected category or intervention ids, found {held!r}",
                    )
    for table in ("cautions", "caution_combinations", "alternatives"):
        for row in tables[table].rows:
            if row["applies_to"] not in targets:
                raise ContentError(
                    *_location(folder, tables, table, "applies_to", row["_line"]),
                    f"expected a medicine ({', '.join(MEDICINES)}) or an intervention id, found {row['applies_to']!r}",
                )


def _check_about(folder: Path, tables: dict[str, _Rows]) -> None:
    about = tables["about"]
    values = {row["key"]: row for row in about.rows}
    for key in ABOUT_KEYS:
        if key not in values:
            last = max(about.column("_line")) + 1
            raise ContentError(*_location(folder, tables, "about", "key", last), f"missing key {key!r}")
    patterns = {"reviewed": r"\d{4}-\d{2}-\d{2}", "next_review": r"\d{4}-\d{2}(-\d{2})?"}
    for key, pattern in patterns.items():
        row = values[key]
        if not re.fullmatch(pattern, row["value"], flags=re.ASCII):
            raise ContentError(
                *_location(folder, tables, "about", "value", row["_line"]),
                f"expected {key} as a date ({pattern.replace(chr(92) + 'd', '9')}), found {row['value']!r}",
            )


_SVG = "{http://www.w3.org/2000/svg}"


def _read_pictures(folder: Path, tables: dict[str, _Rows]) -> dict[str, str]:
    """Each exercise's picture, checked: an SVG file with a viewBox, a title, and nothing that runs
    or loads (no script, no external reference), so the page and the handout stay self-contained."""
    pictures = {}
    for row in tables["exercises"].rows:
        where = _location(folder, tables, "exercises", "picture", row["_line"])
        path = folder / row["picture"]
        try:
            text = path.read_text(encoding="utf-8")
            root = ElementTree.fromstring(text)
        except FileNotFoundError:
            raise ContentError(*where, f"picture {row['picture']!r} not found") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ContentError(*where, f"picture {row['picture']!r} could not be read ({error})") from None
        except ElementTree.ParseError as error:
            raise ContentError(*where, f"picture {row['picture']!r} is not well-formed SVG ({error})") from None
        problem = _svg_problem(root)
        if problem:
            raise ContentError(*where, f"picture {row['picture']!r} {problem}")
        pictures[row["intervention_id"]] = text[text.index("<svg") :].strip()
    return pictures


def _svg_problem(root: ElementTree.Element) -> str:
    if root.tag != f"{_SVG}svg":
        return "is not an SVG picture (expected an <svg> root in the SVG namespace)"
    if not root.get("viewBox"):
        return "has no viewBox, so it cannot scale"
    if root.find(f"{_SVG}title") is None:
        return "has no <title> (its accessible name)"
    for element in root.iter():
        if element.tag in (f"{_SVG}script", f"{_SVG}image", f"{_SVG}foreignObject"):
            return f"contains <{element.tag.split('}')[-1]}>, which a self-contained picture must not"
        for name, value in element.attrib.items():
            if name == "id":
                return "has an id, which would repeat when several pictures share a page"
            if name.endswith("href") and not value.startswith("#"):
                return "links to an outside resource"
            if name.startswith("on"):
                return "contains an event handler"
    return ""


#: The dose columns each patient placeholder is filled from.
_PLACEHOLDER_COLUMNS = {"minutes": "minutes", "sets": "sets_min", "reps": "reps_min", "per_week": "per_week_min"}


def _check_patient_words(folder: Path, tables: dict[str, _Rows]) -> None:
    """Items a patient reads have plain words, and every number they name is in the row."""
    for_patients = {row["id"] for row in tables["categories"].rows if row["for_patients"]}
    for row in tables["interventions"].rows:
        where = _location(folder, tables, "interventions", "patient_words", row["_line"])
        if row["category"] in for_patients and not row["patient_words"]:
            raise ContentError(*where, "expected plain words for the patient handout (this category is for patients)")
        for _, name, _, _ in string.Formatter().parse(row["patient_words"]):
            if name and row[_PLACEHOLDER_COLUMNS[name]] is None:
                raise ContentError(*where, f"{{{name}}} needs a number in {_PLACEHOLDER_COLUMNS[name]}")


def _check_pain_gates(folder: Path, tables: dict[str, _Rows]) -> None:
    """An item that waits (for the pain to come down, or while a flag is ticked) says so in words
    (``wait_note``), and a patient safety line names its source."""
    known = set(tables["references"].column("id"))
    for row in tables["interventions"].rows:
        if bool(row["patient_safety"]) != bool(row["patient_safety_source"]) or (
            row["patient_safety_source"] and row["patient_safety_source"] not in known
        ):
            raise ContentError(
                *_location(folder, tables, "interventions", "patient_safety_source", row["_line"]),
                "expected a source id from references.csv exactly when patient_safety is set",
            )
        waits = row["pain_max"] is not None or bool(row["waits_while"])
        if waits != bool(row["wait_note"]):
            raise ContentError(
                *_location(folder, tables, "interventions", "wait_note", row["_line"]),
                "expected wait_note exactly when pain_max or waits_while is set (the words saying why the item waits)",
            )


def _check_evidence(folder: Path, tables: dict[str, _Rows]) -> None:
    """Verdicts fit the item's origin, and a confidence interval surrounds its effect."""
    origins = {row["id"]: row["source_id"] for row in tables["interventions"].rows}
    for row in tables["evidence"].rows:
        from_article = origins[row["intervention_id"]] == ARTICLE_SOURCE
        if from_article == (row["verdict"] == "added"):
            expected = "agrees, goes_beyond or conflicts" if from_article else "added"
            raise ContentError(
                *_location(folder, tables, "evidence", "verdict", row["_line"]),
                f"expected {expected}: {row['intervention_id']!r} is "
                + ("the article's" if from_article else "not in the article (added from a guideline)"),
            )
        low, high, effect = row["ci_low"], row["ci_high"], row["effect"]
        if (low is None) != (high is None) or (low is not None and effect is None):
            raise ContentError(
                *_location(folder, tables, "evidence", "ci_low", row["_line"]),
                "expected both ci_low and ci_high, with an effect, or neither",
            )
        if low is not None and not low <= effect <= high:
            raise ContentError(
                *_location(folder, tables, "evidence", "effect", row["_line"]),
                f"expected the effect inside its confidence interval {low}-{high}, found {effect}",
            )
