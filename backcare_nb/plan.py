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
    reasons: tuple[Note, ...] = ()  # the matched rules, highest level first
    below_threshold: tuple[str, ...] = ()  # labels of ticked flags that no matched rule counts

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
    review_line: str = ""  # "Content 2.0, reviewed 2026-11-26, next review 2027-11"

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
    gates: dict[frozenset[str], Gate] = field(default_factory=dict)  # by the set of ticked flags

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


def _rule_matches(rule: dict[str, Any], ticked: frozenset[str]) -> bool:
    if not set(rule["all_of"]) <= ticked:
        return False
    return len(ticked.intersection(rule["any_of"])) >= rule["at_least"]


def red_flag_gate(flag_ids: tuple[str, ...], content: Content) -> Gate:
    """The level of concern for the ticked red flags, from the rules in data/concern_rules.csv.

    Each rule names flags that must all be ticked (``all_of``) and flags of which at least
    ``at_least`` must be ticked (``any_of``). The highest level among the matching rules wins;
    flags that no matching rule counts (one NG65 criterion, say) are listed as below threshold.
    """
    index = _index(content)
    ticked = frozenset(flag for flag in flag_ids if flag in index.flags)
    gate = index.gates.get(ticked)
    if gate is None:
        gate = index.gates[ticked] = _gate(ticked, index)
    return gate


def _gate(ticked: frozenset[str], index: _Index) -> Gate:
    matched = [rule for rule in index.rules if _rule_matches(rule, ticked)]
    level = matched[0]["level"] if matched else "clear"  # rules are sorted highest level first
    row = index.levels[level]
    counted = {flag for rule in matched for flag in (*rule["all_of"], *rule["any_of"]) if flag in ticked}
    flags = [index.flags[flag] for flag in index.flags if flag in ticked]  # in the table's order
    return Gate(
        level=level,
        rank=row["rank"],
        title=row["title"],
        action=row["action"],
        time_frame=row["time_frame"],
        replaces_plan=row["replaces_plan"],
        holds=tuple(row["holds"]),
        meanwhile=row["meanwhile"],
        origin=index.origin(row["source_id"]),
        flags=tuple((flag["group"], flag["label"]) for flag in flags),
        reasons=tuple(Note(rule["reason"], index.origin(rule["source_id"])) for rule in matched),
        below_threshold=tuple(flag["label"] for flag in flags if flag["id"] not in counted),
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
        dose = "Not advised for this person (see the cautions). Ask a prescriber about other options."
        ticked = set(caution_ids)
        alternatives = tuple(
            Note(alternative["text"], index.origin(alternative["source_id"]))
            for alternative in index.alternatives
            if alternative["applies_to"] in {row["id"], row["medicine"]}
            and (not alternative["when_caution"] or ticked.intersection(alternative["when_caution"]))
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
    gate = red_flag_gate(scenario.red_flags, content)

    items: list[PlanItem] = []
    if not gate.replaces_plan:
        for row in index.interventions:
            if not _applies(row, stage, scenario):
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

    warnings = []
    if scenario.pain >= SEVERE_PAIN and not gate.replaces_plan:
        warnings.append(
            f"Pain is {scenario.pain}/10. Severe pain alone is not a red flag, but check the red flags "
            "and arrange a review if it is not easing."
        )
    if days >= REVIEW_AFTER_DAYS and scenario.pain >= 7 and "no_improvement_month" not in scenario.red_flags:
        warnings.append(
            "Still in a lot of pain after a month: if it has not improved, tick the red flag "
            "'No improvement after a month'."
        )

    ticked_cautions = set(scenario.cautions)
    nets = tuple(
        SafetyNet(row["id"], row["level"], row["title"], row["signs"], row["action"], index.origin(row["source_id"]))
        for row in index.safety_nets
        if not row["when_caution"] or ticked_cautions.intersection(row["when_caution"])
    )

    cited = dict.fromkeys(item.origin.source_id for item in items)
    for item in items:
        cited.update(dict.fromkeys(note.source_id for note in item.evidence))
        cited.update(dict.fromkeys(note.origin.source_id for note in (*item.caution_notes, *item.alternatives)))
    cited.update(dict.fromkeys(note.origin.source_id for note in (*gate.reasons, *takeaways)))
    if gate.level != "clear":
        cited[gate.origin.source_id] = None
    cited.update(dict.fromkeys(index.flags[flag]["source_id"] for flag in scenario.red_flags if flag in index.flags))
    cited.update(dict.fromkeys(net.origin.source_id for net in nets))
    if warnings:
        cited[WARNING_SOURCE] = None

    return Plan(
        scenario=scenario,
        stage=stage,
        guideline_band=band,
        gate=gate,
        items=tuple(items),
        takeaways=takeaways,
        related=index.related if not gate.replaces_plan else (),
        warnings=tuple(Note(text, index.origin(WARNING_SOURCE)) for text in warnings),
        safety_nets=nets,
        sources=tuple(index.references[source_id] for source_id in cited),
        review_line=index.review_line,
    )


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
