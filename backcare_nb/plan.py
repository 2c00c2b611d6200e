"""Turn a scenario and the content into a plan: stage, guideline band, red-flag gate, items.

Pure functions over the validated content: no file access, no widgets. The red-flag gate comes
first and can hold the whole self-care plan; medicine cautions then change the medicine items.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backcare_nb.content import TIERS, Content
from backcare_nb.scenario import Scenario

if TYPE_CHECKING:  # compare_plans imports pandas when called; plans themselves need none of it
    import pandas as pd

#: Status of an item: what the viewer is told to do with it.
ADVISED, CHECK_FIRST, AVOID = "advised", "check_first", "avoid"
STATUS_TEXT = {
    ADVISED: "",
    CHECK_FIRST: "Check with a prescriber or pharmacist first",
    AVOID: "Not advised for this person",
}
# Tiers that hold the self-care plan until a clinician has seen the person (IFOMPT 2020:
# urgent referral means "do not start treatment"; emergency means go now).
HOLDING_TIERS = ("urgent", "emergency")
SEVERE_PAIN = 8  # on 0-10: a convention for prompting review, not a red flag by itself
REVIEW_AFTER_DAYS = 30  # "no improvement after a month" is a red flag in data/red_flags.csv


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


@dataclass(frozen=True)
class PlanItem:
    """One thing to do (or not do), with its dose, timing, reason and evidence."""

    id: str
    category: str
    category_label: str
    title: str
    dose: str
    timing: str
    rationale: str
    how_to: str = ""
    status: str = ADVISED
    caution_notes: tuple[str, ...] = ()
    evidence: tuple[EvidenceNote, ...] = ()

    @property
    def status_text(self) -> str:
        """The plain-words status shown beside the title ("" when simply advised)."""
        return STATUS_TEXT[self.status]


@dataclass(frozen=True)
class Gate:
    """The red-flag gate: the highest tier among the ticked flags decides what happens."""

    tier: str
    title: str
    action: str
    flags: tuple[tuple[str, str], ...] = ()  # (group, label) of each ticked flag

    @property
    def holds_self_care(self) -> bool:
        """True when the self-care plan must wait for a clinician (urgent or emergency)."""
        return self.tier in HOLDING_TIERS


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
    takeaways: tuple[str, ...]
    related: tuple[Topic, ...]
    warnings: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (id, citation) of every source the plan cites

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> PlanItem:
        """The item with this id; ``KeyError`` if the plan does not hold it."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

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
    category_labels: dict[str, str]
    category_order: dict[str, int]
    how_to: dict[str, str]
    evidence: dict[str, tuple[EvidenceNote, ...]]
    citations: dict[str, str]
    flags: dict[str, dict[str, Any]]
    gate_actions: dict[str, dict[str, Any]]
    cautions: dict[str, tuple[dict[str, Any], ...]]
    takeaways: tuple[dict[str, Any], ...]
    related: tuple[Topic, ...]


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
    citations = {row["id"]: row["citation"] for row in records["references"]}
    evidence: dict[str, list[EvidenceNote]] = {}
    for row in records["evidence"]:
        evidence.setdefault(row["intervention_id"], []).append(
            EvidenceNote(
                source_id=row["source_id"],
                citation=citations[row["source_id"]],
                stance=row["stance"],
                verdict=row["verdict"],
                certainty=row["certainty"],
                finding=row["finding"],
                outcome=row["outcome"],
                effect=_optional_number(row["effect"]),
                mid=_optional_number(row["mid"]),
            )
        )
    cautions: dict[str, list[dict[str, Any]]] = {}
    for row in records["cautions"]:
        cautions.setdefault(row["id"], []).append(row)
    category_order = {row["id"]: int(row["order"]) for row in records["categories"]}
    interventions = sorted(records["interventions"], key=lambda row: category_order[row["category"]])
    return _Index(
        stages=tuple(_stage(row) for row in records["stages"] if row["scheme"] == "article"),
        bands=tuple(_stage(row) for row in records["stages"] if row["scheme"] == "guideline"),
        interventions=tuple(interventions),
        category_labels={row["id"]: row["label"] for row in records["categories"]},
        category_order=category_order,
        how_to={row["intervention_id"]: row["how_to"] for row in records["exercises"]},
        evidence={key: tuple(notes) for key, notes in evidence.items()},
        citations=citations,
        flags={row["id"]: row for row in records["red_flags"]},
        gate_actions={row["tier"]: row for row in records["gate_actions"]},
        cautions={key: tuple(rows) for key, rows in cautions.items()},
        takeaways=records["takeaways"],
        related=tuple(Topic(row["title"], row["why"]) for row in records["related_topics"]),
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


def red_flag_gate(flag_ids: tuple[str, ...], content: Content) -> Gate:
    """The gate for the ticked red flags: the highest tier among them wins."""
    index = _index(content)
    flags = [index.flags[flag_id] for flag_id in flag_ids if flag_id in index.flags]
    tier = max((flag["tier"] for flag in flags), key=TIERS.index, default="clear")
    action = index.gate_actions[tier]
    return Gate(
        tier=tier,
        title=action["title"],
        action=action["action"],
        flags=tuple((flag["group"], flag["label"]) for flag in flags),
    )


def _apply_cautions(item: PlanItem, medicine: str, caution_ids: tuple[str, ...], index: _Index) -> PlanItem:
    """Medicine cautions change a medicine item: the strongest effect (avoid > check first) wins."""
    matching = [
        row for caution_id in caution_ids for row in index.cautions.get(caution_id, ()) if row["medicine"] == medicine
    ]
    if not matching:
        return item
    status = AVOID if any(row["effect"] == AVOID for row in matching) else CHECK_FIRST
    notes = tuple(f"{row['label']}: {row['reason']}" for row in matching)
    if status == AVOID:
        dose = "Not advised for this person (see the cautions). Ask a prescriber about other options."
    else:
        dose = f"Check with a prescriber or pharmacist first. {item.dose}"
    return PlanItem(
        id=item.id,
        category=item.category,
        category_label=item.category_label,
        title=item.title,
        dose=dose,
        timing=item.timing,
        rationale=item.rationale,
        how_to=item.how_to,
        status=status,
        caution_notes=notes,
        evidence=item.evidence,
    )


def _gate_item(gate: Gate, index: _Index) -> PlanItem:
    flags = "; ".join(label for _, label in gate.flags)
    return PlanItem(
        id=f"gate_{gate.tier}",
        category="get_help",
        category_label=index.category_labels.get("get_help", "When to get help"),
        title=gate.title,
        dose=gate.action,
        timing="Now" if gate.tier == "emergency" else ("Today" if gate.tier == "urgent" else "Routine"),
        rationale=f"Ticked: {flags}.",
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
        The article stage and guideline band for the day; the red-flag gate; the items (held and
        replaced by the gate's action when the gate is urgent or emergency); the takeaways, related
        topics, warnings and the sources cited.
    """
    index = _index(content)
    days = scenario.days_since_onset
    stage = stage_for_day(days, content, "article")
    band = stage_for_day(days, content, "guideline")
    gate = red_flag_gate(scenario.red_flags, content)

    items: list[PlanItem] = []
    if gate.holds_self_care:
        items.append(_gate_item(gate, index))
    else:
        for row in index.interventions:
            if stage.id not in row["stages"] or scenario.episode not in row["episodes"]:
                continue
            item = PlanItem(
                id=row["id"],
                category=row["category"],
                category_label=index.category_labels[row["category"]],
                title=row["title"],
                dose=format_dose(row),
                timing=row["timing"],
                rationale=row["rationale"],
                how_to=index.how_to.get(row["id"], ""),
                evidence=index.evidence.get(row["id"], ()),
            )
            if row["medicine"]:
                item = _apply_cautions(item, row["medicine"], scenario.cautions, index)
            items.append(item)
        if gate.tier == "routine":
            items.append(_gate_item(gate, index))

    takeaways = ()
    if not gate.holds_self_care:
        takeaways = tuple(
            row["text"] for row in index.takeaways if stage.id in row["stages"] and scenario.episode in row["episodes"]
        )

    warnings = []
    if scenario.pain >= SEVERE_PAIN and not gate.holds_self_care:
        warnings.append(
            f"Pain is {scenario.pain}/10. Severe pain alone is not a red flag, but check the red flags "
            "and arrange a review if it is not easing."
        )
    if days >= REVIEW_AFTER_DAYS and scenario.pain >= 7 and "no_improvement_month" not in scenario.red_flags:
        warnings.append(
            "Still in a lot of pain after a month: if it has not improved, tick the red flag "
            "'No improvement after a month'."
        )

    cited = dict.fromkeys(note.source_id for item in items for note in item.evidence)
    cited.update(dict.fromkeys(index.flags[flag]["source_id"] for flag in scenario.red_flags if flag in index.flags))
    for caution_id in scenario.cautions:
        cited.update(dict.fromkeys(row["source_id"] for row in index.cautions.get(caution_id, ())))
    sources = tuple((source_id, index.citations[source_id]) for source_id in cited)

    return Plan(
        scenario=scenario,
        stage=stage,
        guideline_band=band,
        gate=gate,
        items=tuple(items),
        takeaways=takeaways,
        related=index.related if not gate.holds_self_care else (),
        warnings=tuple(warnings),
        sources=sources,
    )


def compare_plans(before: Plan, after: Plan) -> pd.DataFrame:
    """What changes between two plans, one row per item in either.

    Returns a DataFrame with columns ``category``, ``item``, ``change`` ("added", "removed",
    "changed" or "same"), ``before`` and ``after`` (the dose and status text on each side).
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
    import pandas as pd

    return pd.DataFrame(rows, columns=["category", "item", "change", "before", "after"])
