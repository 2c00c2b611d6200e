"""Turn a scenario and the content into a plan: stage, guideline band, level of concern, items.

Pure functions over the validated content: no file access, no widgets. The ticked red flags give a
level of concern through the rules in data/concern_rules.csv; only a level that replaces the plan
(the emergency) takes the self-care plan away, lower levels keep it and may hold some categories
until the person has been assessed. Medicine cautions then change the items they apply to. Every
item, note and takeaway carries its origin: the article, or the guideline or review it was added from.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from backcare_nb.content import ARTICLE_SOURCE, Content
from backcare_nb.scenario import Scenario

if TYPE_CHECKING:  # compare_plans imports pandas when called; plans and compare_rows need none of it
    import pandas as pd

#: Status of an item: what the viewer is told to do with it.
ADVISED, CHECK_FIRST, AVOID, HELD = "advised", "check_first", "avoid", "held"
STATUS_TEXT = {
    ADVISED: "",
    CHECK_FIRST: "Check with a prescriber or pharmacist first",
    AVOID: "Not advised for this person",
    HELD: "Wait until a clinician has assessed the person",
}
#: The dose line of an item the cautions rule out.
AVOID_MEDICINE = "Not advised for this person (see the cautions). Ask a prescriber about other options."
AVOID_OTHER = "Not advised for this person (see the cautions and what to do instead)."
#: Statuses under which an item is still something the person does.
USABLE = (ADVISED, CHECK_FIRST)
#: The strength of each caution effect: the strongest one on an item decides its status.
_EFFECT_STATUS = {"note": ADVISED, "check_first": CHECK_FIRST, "avoid": AVOID}
_STATUS_RANK = {ADVISED: 0, CHECK_FIRST: 1, AVOID: 2}
SEVERE_PAIN = 8  # on 0-10: a convention for prompting review, not a red flag by itself
REVIEW_AFTER_DAYS = 30  # "no improvement after a month" is a red flag in data/red_flags.csv
#: The source behind the plan's own notes on severe pain and on a month without improvement.
WARNING_SOURCE = "IFOMPT-RF2020"


@dataclass(frozen=True)
class Origin:
    """Where a piece of advice comes from: the article, or a guideline or review added to it."""

    source_id: str
    short: str  # the source's short name, e.g. "NICE NG59"

    @property
    def from_article(self) -> bool:
        return self.source_id == ARTICLE_SOURCE

    @property
    def kind(self) -> str:
        """``"article"`` or ``"added"``."""
        return "article" if self.from_article else "added"

    @property
    def label(self) -> str:
        """The small label the page prints: "From the article" or "Added from NICE NG59"."""
        return "From the article" if self.from_article else f"Added from {self.short}"


@dataclass(frozen=True)
class Note:
    """A sentence shown with the plan (a caution, an alternative, a takeaway), with its origin."""

    text: str
    origin: Origin
    for_patients: bool = True  # False for prescriber-level lines the patient handout leaves out


@dataclass(frozen=True)
class Reference:
    """A citable source: id, short name, full citation and a link (DOI, PubMed or official page)."""

    id: str
    short: str
    citation: str
    link: str


@dataclass(frozen=True)
class Stage:
    """A labelled span of days since onset, from the article or from the guidelines."""

    id: str
    label: str
    day_min: int
    day_max: int
    summary: str


@dataclass(frozen=True)
class EvidenceNote:
    """What one source says about one item, and how the article's advice stands against it."""

    source_id: str
    citation: str
    stance: str
    verdict: str
    certainty: str
    finding: str
    outcome: str = ""
    effect: float | None = None
    mid: float | None = None
    short: str = ""
    link: str = ""


@dataclass(frozen=True)
class PlanItem:
    """One thing to do (or not do), with its dose, timing, reason, origin and evidence."""

    id: str
    category: str
    category_label: str
    title: str
    dose: str
    timing: str
    rationale: str
    origin: Origin
    how_to: str = ""
    status: str = ADVISED
    caution_notes: tuple[Note, ...] = ()
    alternatives: tuple[Note, ...] = ()
    evidence: tuple[EvidenceNote, ...] = ()
    schedule: str = "none"  # daily, per_week, as_needed or none (data/interventions.csv)
    per_week: tuple[int, int] | None = None  # (fewest, most) sessions a week, for per_week items
    for_patients: bool = True  # False for notes meant for the clinician only
    patient_words: str = ""  # the item in plain, second-person words, numbers filled in
    picture: str = ""  # SVG markup of the start and end positions (exercises), from data/exercises/
    picture_alt: str = ""
    stop_if: str = ""  # when to stop an exercise and get advice (data/exercises.csv)
    stop_origin: Origin | None = None
    patient_safety: str = ""  # who asks first, when to stop, burns: plain words the handout prints
    safety_origin: Origin | None = None
    medicine: str = ""  # nsaid, muscle_relaxant or "" (data/interventions.csv)
    held_words: str = ""  # what the patient reads beside it while it waits (its category's words)
    quiz: str = ""  # how the quiz uses it: "" or scored, not_a_distractor, unscored

    @property
    def status_text(self) -> str:
        """The plain-words status shown beside the title ("" when simply advised)."""
        return STATUS_TEXT[self.status]

    @property
    def usable(self) -> bool:
        """True when the person does this item (advised, or advised after a prescriber's check)."""
        return self.status in USABLE

    def _repr_html_(self) -> str:
        from backcare_nb.display import item_html, wrap

        return wrap(item_html(self))


@dataclass(frozen=True)
class Gate:
    """The level of concern from the ticked red flags, and what it means for the plan."""

    level: str
    rank: int
    title: str
    action: str
    time_frame: str
    replaces_plan: bool
    holds: tuple[str, ...]  # category or item ids that wait for the assessment
    meanwhile: str  # what the person keeps doing while the action is arranged
    origin: Origin
    flags: tuple[tuple[str, str], ...] = ()  # (group, label) of each ticked flag
    reasons: tuple[Note, ...] = ()  # the rules that decided the level (those at the winning level)
    below_threshold: tuple[str, ...] = ()  # labels of ticked flags that no matched rule counts
    rule_ids: tuple[str, ...] = ()  # ids of the rules behind ``reasons``

    def _repr_html_(self) -> str:
        from backcare_nb.display import gate_html, wrap

        return wrap(gate_html(self))


@dataclass(frozen=True)
class SafetyNet:
    """Warning signs the person should know, in plain words, with what to do and how soon."""

    id: str
    level: str
    title: str
    signs: tuple[str, ...]
    action: str
    origin: Origin


@dataclass(frozen=True)
class Topic:
    title: str
    why: str


@dataclass(frozen=True)
class Plan:
    """Everything a viewer reads for one scenario."""

    scenario: Scenario
    stage: Stage
    guideline_band: Stage
    gate: Gate
    items: tuple[PlanItem, ...]
    takeaways: tuple[Note, ...]
    related: tuple[Topic, ...]
    warnings: tuple[Note, ...]
    safety_nets: tuple[SafetyNet, ...]
    sources: tuple[Reference, ...]  # every source the plan cites
    #: At an emergency (no self-care plan), the medicines the cautions rule out, so a person waiting
    #: to be seen still reads "not for you" (an NSAID in pregnancy, say).
    while_waiting: tuple[Note, ...] = ()
    review_line: str = ""  # "Content 3.0, reviewed 2026-12-02, next review 2027-12"

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> PlanItem:
        """The item with this id; ``KeyError`` if the plan does not hold it."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def usable_ids(self) -> frozenset[str]:
        """Ids of the items the person does (advised, or after a prescriber's check)."""
        return frozenset(item.id for item in self.items if item.usable)

    def _repr_html_(self) -> str:
        from backcare_nb.display import plan_html

        return plan_html(self)

    def _repr_markdown_(self) -> str:
        from backcare_nb.render import plan_to_markdown

        return plan_to_markdown(self)

    def __repr__(self) -> str:
        # The dataclass repr runs to thousands of characters; this says which plan it is.
        scenario = self.scenario
        return (
            f"<Plan day {scenario.days_since_onset}, {scenario.episode}, {self.stage.id}, "
            f"level {self.gate.level}, {len(self.items)} items>"
        )

    def by_category(self) -> list[tuple[str, tuple[PlanItem, ...]]]:
        """Items grouped under their category label, in the content's category order."""
        groups: dict[str, list[PlanItem]] = {}
        for item in self.items:
            groups.setdefault(item.category_label, []).append(item)
        return [(label, tuple(items)) for label, items in groups.items()]


# --- an index over the content, built once per Content object --------------------------------------


@dataclass(frozen=True)
class _Index:
    stages: tuple[Stage, ...]
    bands: tuple[Stage, ...]
    interventions: tuple[dict[str, Any], ...]
    categories: dict[str, dict[str, Any]]
    how_to: dict[str, str]
    stop_if: dict[str, tuple[str, str]]  # exercise id -> (stop rule, its source id)
    pictures: dict[str, tuple[str, str]]  # exercise id -> (svg, alt text)
    evidence: dict[str, tuple[EvidenceNote, ...]]
    references: dict[str, Reference]
    flags: dict[str, dict[str, Any]]
    levels: dict[str, dict[str, Any]]
    rules: tuple[dict[str, Any], ...]
    cautions: dict[str, tuple[dict[str, Any], ...]]
    caution_labels: dict[str, str]
    combinations: tuple[dict[str, Any], ...]
    alternatives: tuple[dict[str, Any], ...]
    safety_nets: tuple[dict[str, Any], ...]
    takeaways: tuple[dict[str, Any], ...]
    related: tuple[Topic, ...]
    review_line: str
    # An item before any caution or level changes it depends on its row alone: build each once.
    base_items: dict[str, PlanItem] = field(default_factory=dict)
    gates: dict[tuple[frozenset[str], frozenset[str]], Gate] = field(default_factory=dict)  # by flags, cautions
    rule_cautions: frozenset[str] = frozenset()  # cautions that some concern rule needs (pregnancy, say)

    def origin(self, source_id: str) -> Origin:
        return Origin(source_id, self.references[source_id].short)


_INDEXES: weakref.WeakKeyDictionary[Content, _Index] = weakref.WeakKeyDictionary()


def _index(content: Content) -> _Index:
    index = _INDEXES.get(content)
    if index is None:
        index = _INDEXES[content] = _build_index(content)
    return index


def _stage(row: dict[str, Any]) -> Stage:
    return Stage(row["id"], row["label"], int(row["day_min"]), int(row["day_max"]), row["summary"])


def _optional_number(value: Any) -> float | None:
    return float(value) if _present(value) else None


def _build_index(content: Content) -> _Index:
    records = content.records
    references = {
        row["id"]: Reference(row["id"], row["short"], row["citation"], row["link"]) for row in records["references"]
    }
    evidence: dict[str, list[EvidenceNote]] = {}
    for row in records["evidence"]:
        reference = references[row["source_id"]]
        evidence.setdefault(row["intervention_id"], []).append(
            EvidenceNote(
                source_id=row["source_id"],
                citation=reference.citation,
                stance=row["stance"],
                verdict=row["verdict"],
                certainty=row["certainty"],
                finding=row["finding"],
                outcome=row["outcome"],
                effect=_optional_number(row["effect"]),
                mid=_optional_number(row["mid"]),
                short=reference.short,
                link=reference.link,
            )
        )
    cautions: dict[str, list[dict[str, Any]]] = {}
    for row in records["cautions"]:
        cautions.setdefault(row["id"], []).append(row)
    categories = {row["id"]: row for row in records["categories"]}
    interventions = sorted(records["interventions"], key=lambda row: categories[row["category"]]["order"])
    levels = {row["level"]: row for row in records["concern_levels"]}
    return _Index(
        stages=tuple(_stage(row) for row in records["stages"] if row["scheme"] == "article"),
        bands=tuple(_stage(row) for row in records["stages"] if row["scheme"] == "guideline"),
        interventions=tuple(interventions),
        categories=categories,
        how_to={row["intervention_id"]: row["how_to"] for row in records["exercises"]},
        stop_if={row["intervention_id"]: (row["stop_if"], row["stop_source_id"]) for row in records["exercises"]},
        pictures={
            row["intervention_id"]: (content.pictures[row["intervention_id"]], row["alt_text"])
            for row in records["exercises"]
            if row["intervention_id"] in content.pictures
        },
        evidence={key: tuple(notes) for key, notes in evidence.items()},
        references=references,
        flags={row["id"]: row for row in records["red_flags"]},
        levels=levels,
        rules=tuple(sorted(records["concern_rules"], key=lambda row: -levels[row["level"]]["rank"])),
        rule_cautions=frozenset(caution for row in records["concern_rules"] for caution in row["with_caution"]),
        cautions={key: tuple(rows) for key, rows in cautions.items()},
        caution_labels={row["id"]: row["label"] for row in records["cautions"]},
        combinations=records["caution_combinations"],
        alternatives=records["alternatives"],
        safety_nets=records["safety_nets"],
        takeaways=records["takeaways"],
        related=tuple(Topic(row["title"], row["why"]) for row in records["related_topics"]),
        review_line=content.review_line,
    )


# --- the pieces of a plan ----------------------------------------------------------------------------


def _range(low: Any, high: Any) -> str:
    return f"{low}" if low == high else f"{low}-{high}"


def format_dose(row: dict[str, Any]) -> str:
    """The dose in words from an intervention row's numeric fields plus its note.

    Numbers are rendered from the data, never typed twice: ``minutes=20`` gives "20 minutes at a
    time"; ``per_week 2-3, sets 2-3, reps 10`` gives "2-3 times a week, 2-3 sets of 10 reps".
    """
    parts = []
    if _present(row.get("minutes")):
        parts.append(f"{row['minutes']} minutes at a time")
    if _present(row.get("per_week_min")):
        parts.append(f"{_range(row['per_week_min'], row['per_week_max'])} times a week")
    if _present(row.get("sets_min")):
        parts.append(
            f"{_range(row['sets_min'], row['sets_max'])} sets of {_range(row['reps_min'], row['reps_max'])} reps"
        )
    numbers = ", ".join(parts)
    note = row.get("dose_note") or ""
    if numbers and note:
        return f"{numbers}. {note}"
    return numbers or note


def _present(value: Any) -> bool:
    return value is not None and value == value  # NaN is the one value unequal to itself


def stage_for_day(days: int, content: Content, scheme: str = "article") -> Stage:
    """The article stage (``scheme="article"``) or guideline band (``"guideline"``) for a day."""
    index = _index(content)
    for stage in index.stages if scheme == "article" else index.bands:
        if stage.day_min <= days <= stage.day_max:
            return stage
    raise ValueError(f"no {scheme} stage covers day {days}")  # the loader checks coverage


def _rule_matches(rule: dict[str, Any], ticked: frozenset[str], cautions: frozenset[str]) -> bool:
    if not set(rule["all_of"]) <= ticked:
        return False
    if rule["and_any_of"] and not ticked.intersection(rule["and_any_of"]):
        return False
    if rule["with_caution"] and not cautions.intersection(rule["with_caution"]):
        return False
    return len(ticked.intersection(rule["any_of"])) >= rule["at_least"]


def red_flag_gate(flag_ids: tuple[str, ...], content: Content, caution_ids: tuple[str, ...] = ()) -> Gate:
    """The level of concern for the ticked red flags, from the rules in data/concern_rules.csv.

    Each rule names flags that must all be ticked (``all_of``), flags of which at least ``at_least``
    must be ticked (``any_of``), optionally a second group of which one must be ticked
    (``and_any_of``) and cautions of which one must be ticked (``with_caution``, pregnancy with a
    fever, say). The highest level among the matching rules wins, and only the rules at that level
    give the reasons and the action: a lower rule that also matched ("one of these on its own rarely
    means cancer") would contradict it. Flags that no matching rule counts (one NG65 criterion,
    say) are listed as below threshold.
    """
    index = _index(content)
    ticked = frozenset(flag for flag in flag_ids if flag in index.flags)
    cautions = index.rule_cautions.intersection(caution_ids)
    gate = index.gates.get((ticked, cautions))
    if gate is None:
        gate = index.gates[(ticked, cautions)] = _gate(ticked, cautions, index)
    return gate


def _gate(ticked: frozenset[str], cautions: frozenset[str], index: _Index) -> Gate:
    matched = [rule for rule in index.rules if _rule_matches(rule, ticked, cautions)]
    level = matched[0]["level"] if matched else "clear"  # rules are sorted highest level first
    deciding = [rule for rule in matched if rule["level"] == level]
    row = index.levels[level]
    counted = {
        flag for rule in matched for flag in (*rule["all_of"], *rule["any_of"], *rule["and_any_of"]) if flag in ticked
    }
    flags = [index.flags[flag] for flag in index.flags if flag in ticked]  # in the table's order
    # A rule may say where to go more precisely than its level (999, the cancer team, the maternity
    # unit). One destination, not several: the first such rule in the table's order, which lists the
    # most specific destinations first.
    action = next((rule["action"] for rule in deciding if rule["action"]), row["action"])
    holds = dict.fromkeys([*row["holds"], *(held for rule in deciding for held in rule["holds"])])
    return Gate(
        level=level,
        rank=row["rank"],
        title=row["title"],
        action=action,
        time_frame=row["time_frame"],
        replaces_plan=row["replaces_plan"],
        holds=tuple(holds),
        meanwhile=row["meanwhile"],
        origin=index.origin(row["source_id"]),
        flags=tuple((flag["group"], flag["label"]) for flag in flags),
        reasons=tuple(Note(rule["reason"], index.origin(rule["source_id"])) for rule in deciding),
        below_threshold=tuple(flag["label"] for flag in flags if flag["id"] not in counted),
        rule_ids=tuple(rule["id"] for rule in deciding),
    )


def _caution_rows(row: dict[str, Any], caution_ids: tuple[str, ...], index: _Index) -> list[tuple[str, dict]]:
    """(who it is for, caution row) for every single or combined caution that applies to an item."""
    targets = {row["id"], row["medicine"]} - {""}
    found = [
        (caution["label"], caution)
        for caution_id in caution_ids
        for caution in index.cautions.get(caution_id, ())
        if caution["applies_to"] in targets
    ]
    ticked = set(caution_ids)
    for combination in index.combinations:
        present = [caution_id for caution_id in combination["any_of"] if caution_id in ticked]
        if combination["applies_to"] in targets and len(present) >= combination["at_least"]:
            who = " + ".join(index.caution_labels[caution_id] for caution_id in present)
            found.append((who, combination))
    return found


def _apply_cautions(item: PlanItem, row: dict[str, Any], caution_ids: tuple[str, ...], index: _Index) -> PlanItem:
    """Cautions change an item: the strongest effect (avoid > check first > a note) sets its status."""
    matching = _caution_rows(row, caution_ids, index)
    if not matching:
        return item
    status = max((_EFFECT_STATUS[caution["effect"]] for _, caution in matching), key=_STATUS_RANK.__getitem__)
    notes = tuple(Note(f"{who}: {caution['reason']}", index.origin(caution["source_id"])) for who, caution in matching)
    dose = item.dose
    alternatives: tuple[Note, ...] = ()
    if status == AVOID:
        # A prescriber decides about a medicine; an exercise has an alternative instead.
        dose = AVOID_MEDICINE if row["medicine"] else AVOID_OTHER
        ticked = set(caution_ids)
        alternatives = tuple(
            Note(alternative["text"], index.origin(alternative["source_id"]), alternative["for_patients"])
            for alternative in index.alternatives
            if alternative["applies_to"] in {row["id"], row["medicine"]}
            and (not alternative["when_caution"] or ticked.intersection(alternative["when_caution"]))
            and not ticked.intersection(alternative["unless_caution"])
        )
    elif status == CHECK_FIRST:
        dose = f"Check with a prescriber or pharmacist first. {item.dose}"
    return replace(item, dose=dose, status=status, caution_notes=notes, alternatives=alternatives)


def _gate_item(gate: Gate, index: _Index) -> PlanItem:
    return PlanItem(
        id=f"gate_{gate.level}",
        category="get_help",
        category_label=index.categories["get_help"]["label"] if "get_help" in index.categories else "When to get help",
        title=gate.title,
        dose=gate.action,
        timing=gate.time_frame,
        rationale=" ".join(note.text for note in gate.reasons),
        origin=gate.reasons[0].origin if gate.reasons else gate.origin,
    )


def _item(row: dict[str, Any], index: _Index) -> PlanItem:
    per_week = None
    if row["per_week_min"] is not None:
        per_week = (row["per_week_min"], row["per_week_max"])
    category = index.categories[row["category"]]
    picture, alt = index.pictures.get(row["id"], ("", ""))
    stop_if, stop_source = index.stop_if.get(row["id"], ("", ""))
    return PlanItem(
        id=row["id"],
        category=row["category"],
        category_label=category["label"],
        title=row["title"],
        dose=format_dose(row),
        timing=row["timing"],
        rationale=row["rationale"],
        origin=index.origin(row["source_id"]),
        how_to=index.how_to.get(row["id"], ""),
        evidence=index.evidence.get(row["id"], ()),
        schedule=row["schedule"],
        per_week=per_week,
        for_patients=category["for_patients"],
        patient_words=patient_words(row),
        picture=picture,
        picture_alt=alt,
        stop_if=stop_if,
        stop_origin=index.origin(stop_source) if stop_source else None,
        patient_safety=row["patient_safety"],
        safety_origin=index.origin(row["patient_safety_source"]) if row["patient_safety_source"] else None,
        medicine=row["medicine"],
        held_words=category["held_words"],
        quiz=row["quiz"],
    )


def patient_words(row: dict[str, Any]) -> str:
    """An intervention's plain words with its numbers filled in from the dose columns, so each
    number is typed once: "{minutes} minutes" becomes "20 minutes", "{sets} sets" "2-3 sets"."""
    numbers = {
        "minutes": row["minutes"],
        "sets": _range(row["sets_min"], row["sets_max"]),
        "reps": _range(row["reps_min"], row["reps_max"]),
        "per_week": _range(row["per_week_min"], row["per_week_max"]),
    }
    return row["patient_words"].format(**numbers)


def _applies(row: dict[str, Any], stage: Stage, scenario: Scenario) -> bool:
    days = scenario.days_since_onset
    return (
        stage.id in row["stages"]
        and scenario.episode in row["episodes"]
        and (row["day_from"] is None or days >= row["day_from"])
        and (row["day_to"] is None or days <= row["day_to"])
    )


def build_plan(scenario: Scenario, content: Content) -> Plan:
    """Build the plan a viewer reads for ``scenario``.

    Parameters
    ----------
    scenario
        The inputs: days since onset, episode, pain, red flags, medicine cautions.
    content
        Validated content from :func:`backcare_nb.load_content`.

    Returns
    -------
    Plan
        The article stage and guideline band for the day; the level of concern; the items (replaced
        by the level's action when the level replaces the plan, with held categories marked when it
        holds some); the takeaways, related topics, warnings, safety nets and the sources cited.
    """
    index = _index(content)
    days = scenario.days_since_onset
    stage = stage_for_day(days, content, "article")
    band = stage_for_day(days, content, "guideline")
    # A tick the day rules out (more than 3 months of pain on day 3) is not counted where its flag says so.
    counted = tuple(flag for flag in scenario.red_flags if not _ignored_today(flag, days, index))
    gate = red_flag_gate(counted, content, scenario.cautions)
    waiting: list[tuple[str, str]] = []  # (why an item waits, source id)
    ticked_flags = set(scenario.red_flags)

    items: list[PlanItem] = []
    if not gate.replaces_plan:
        for row in index.interventions:
            if not _applies(row, stage, scenario):
                continue
            if (row["pain_max"] is not None and scenario.pain > row["pain_max"]) or ticked_flags.intersection(
                row["waits_while"]
            ):
                # Such as the loaded lifts, which start "once your symptoms have come down a bit".
                waiting.append((row["wait_note"], row["source_id"]))
                continue
            base = index.base_items.get(row["id"])
            if base is None:
                base = index.base_items[row["id"]] = _item(row, index)
            item = _apply_cautions(base, row, scenario.cautions, index) if scenario.cautions else base
            if (item.category in gate.holds or item.id in gate.holds) and item.status != AVOID:
                item = replace(item, status=HELD)
            items.append(item)
    if gate.level != "clear":
        items.append(_gate_item(gate, index))

    usable = {item.id for item in items if item.usable}
    takeaways: tuple[Note, ...] = ()
    if not gate.replaces_plan:
        takeaways = tuple(
            Note(row["text"], index.origin(row["source_id"]))
            for row in index.takeaways
            if stage.id in row["stages"]
            and scenario.episode in row["episodes"]
            and usable.issuperset(row["needs"])
            and not usable.intersection(row["unless_usable"])
        )

    warnings: list[tuple[str, str]] = []  # (text, source id)
    if scenario.pain >= SEVERE_PAIN and not gate.replaces_plan:
        warnings.append(
            (
                f"Pain is {scenario.pain}/10. Severe pain alone is not a red flag, but check the red flags "
                "and arrange a review if it is not easing.",
                WARNING_SOURCE,
            )
        )
    if days >= REVIEW_AFTER_DAYS and scenario.pain >= 7 and "no_improvement_month" not in scenario.red_flags:
        warnings.append(
            (
                "Still in a lot of pain after a month: if it has not improved, tick the red flag "
                "'No improvement after a month'.",
                WARNING_SOURCE,
            )
        )
    warnings += _day_contradictions(scenario, index)
    warnings += dict.fromkeys(waiting)  # the four lifts share one "once the pain has come down"

    ticked_cautions = set(scenario.cautions)
    nets = tuple(
        SafetyNet(row["id"], row["level"], row["title"], row["signs"], row["action"], index.origin(row["source_id"]))
        for row in index.safety_nets
        if (not row["when_caution"] or ticked_cautions.intersection(row["when_caution"]))
        and (not row["when_flag"] or ticked_flags.intersection(row["when_flag"]))
        and not ticked_cautions.intersection(row["unless_caution"])
        and not ticked_flags.intersection(row["unless_flag"])
    )
    while_waiting = _while_waiting(scenario, stage, index) if gate.replaces_plan and scenario.cautions else ()

    cited = dict.fromkeys(item.origin.source_id for item in items)
    for item in items:
        cited.update(dict.fromkeys(origin.source_id for origin in (item.stop_origin, item.safety_origin) if origin))
        cited.update(dict.fromkeys(note.source_id for note in item.evidence))
        cited.update(dict.fromkeys(note.origin.source_id for note in (*item.caution_notes, *item.alternatives)))
    cited.update(dict.fromkeys(note.origin.source_id for note in (*gate.reasons, *takeaways)))
    if gate.level != "clear":
        cited[gate.origin.source_id] = None
    cited.update(dict.fromkeys(index.flags[flag]["source_id"] for flag in scenario.red_flags if flag in index.flags))
    cited.update(dict.fromkeys(net.origin.source_id for net in nets))
    cited.update(dict.fromkeys(source_id for _, source_id in warnings))
    cited.update(dict.fromkeys(note.origin.source_id for note in while_waiting))

    return Plan(
        scenario=scenario,
        stage=stage,
        guideline_band=band,
        gate=gate,
        items=tuple(items),
        takeaways=takeaways,
        related=index.related if not gate.replaces_plan else (),
        warnings=tuple(Note(text, index.origin(source_id)) for text, source_id in warnings),
        safety_nets=nets,
        sources=tuple(index.references[source_id] for source_id in cited),
        review_line=index.review_line,
        while_waiting=while_waiting,
    )


def _ignored_today(flag_id: str, days: int, index: _Index) -> bool:
    flag = index.flags.get(flag_id)
    return bool(flag) and flag["early_tick"] == "ignore" and flag["min_days"] is not None and days < flag["min_days"]


def _day_contradictions(scenario: Scenario, index: _Index) -> list[tuple[str, str]]:
    """A ticked flag that needs more days of pain than the scenario has (back pain "for more than 3
    months" on day 3): the viewer is told the two do not fit, and whether the tick still counts (a
    red flag does, the safer reading; a referral criterion such as NICE NG65's does not)."""
    days = scenario.days_since_onset
    notes = []
    for flag_id in scenario.red_flags:
        flag = index.flags.get(flag_id)
        if not flag or flag["min_days"] is None or days >= flag["min_days"]:
            continue
        counts = "so it is not counted" if flag["early_tick"] == "ignore" else "it still counts"
        notes.append(
            (
                f"'{flag['label']}' is ticked, but this is day {days} and that sign needs at least "
                f"{flag['min_days']} days of back pain ({counts}): check the day or the tick.",
                flag["source_id"],
            )
        )
    return notes


def _while_waiting(scenario: Scenario, stage: Stage, index: _Index) -> tuple[Note, ...]:
    """The medicines of this stage that the cautions rule out, for a plan the emergency replaces."""
    notes = []
    for row in index.interventions:
        if not row["medicine"] or not _applies(row, stage, scenario):
            continue
        item = _apply_cautions(_item(row, index), row, scenario.cautions, index)
        if item.status == AVOID:
            notes += [Note(f"{item.title}: not for you. {note.text}", note.origin) for note in item.caution_notes]
    return tuple(notes)


def change_days(content: Content) -> tuple[int, ...]:
    """The days on which a plan can change, from day 0: every article stage's first day and the
    first day in and the first day out of every day-limited item (such as days 0-2 only)."""
    index = _index(content)
    days = {0, *(stage.day_min for stage in index.stages)}
    for row in index.interventions:
        if row["day_from"] is not None:
            days.add(row["day_from"])
        if row["day_to"] is not None and row["day_to"] < 365:
            days.add(row["day_to"] + 1)
    return tuple(sorted(days))


def compare_rows(before: Plan, after: Plan) -> list[dict[str, str]]:
    """What changes between two plans, one row per item in either, as plain dicts.

    Each row has ``category``, ``item``, ``change`` ("added", "removed", "changed" or "same"),
    ``before`` and ``after`` (the dose and status text on each side). Plain rows, so the dashboard's
    compare view needs no pandas (a server installed with the ``serve`` extra, the static site).
    """

    def describe(item: PlanItem) -> str:
        # A caution's dose already opens with the status words; do not say them twice.
        if not item.status_text or item.dose.startswith(item.status_text):
            return item.dose
        return f"{item.status_text}: {item.dose}"

    old = {item.id: item for item in before.items}
    new = {item.id: item for item in after.items}
    rows = []
    for item_id in dict.fromkeys([*old, *new]):
        a, b = old.get(item_id), new.get(item_id)
        shown = b or a
        assert shown is not None
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        else:
            change = "same" if describe(a) == describe(b) else "changed"
        rows.append(
            {
                "category": shown.category_label,
                "item": shown.title,
                "change": change,
                "before": describe(a) if a else "",
                "after": describe(b) if b else "",
            }
        )
    return rows


def compare_plans(before: Plan, after: Plan) -> pd.DataFrame:
    """:func:`compare_rows` as a DataFrame (columns ``category``, ``item``, ``change``, ``before``,
    ``after``), for a notebook; pandas is imported when called."""
    import pandas as pd

    return pd.DataFrame(compare_rows(before, after), columns=["category", "item", "change", "before", "after"])


def plans_by_day(
    content: Content,
    days: range = range(0, 29),
    episode: str = "first",
    red_flags: tuple[str, ...] = (),
    cautions: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One row per day: the article stage, the guideline band, the level of concern and the items.

    ``days`` defaults to the first four weeks, where most advice changes. Items that are not
    advised for this person (avoid, held) are listed with their status in brackets.
    """
    import pandas as pd

    rows = []
    for day in days:
        plan = build_plan(Scenario(day, episode, red_flags=red_flags, cautions=cautions), content)
        items = [
            item.title if not item.status_text or item.usable else f"{item.title} ({item.status})"
            for item in plan.items
        ]
        rows.append(
            {
                "day": day,
                "stage": plan.stage.label,
                "guideline band": plan.guideline_band.label,
                "level of concern": plan.gate.title,
                "items": "; ".join(items),
            }
        )
    return pd.DataFrame(rows).set_index("day")
