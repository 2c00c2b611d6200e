"""A weekly schedule for a plan: what to do on which day of the week, with doses.

A pure function of the plan (no widgets, no files). Items done every day fill every day; items
done a few times a week are spread out (2-3 times a week: Monday, Wednesday and, optionally,
Friday). Things to avoid, referrals and medicines that are not advised stay out of the table: the
plan itself lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare_nb.plan import AVOID, CHECK_FIRST, Plan, PlanItem

if TYPE_CHECKING:  # the dashboard renders a Schedule; only weekly_schedule imports pandas
    import pandas as pd

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The heading of the column of item titles.
WHAT = "What"
#: Which weekdays (0 = Monday) to use for n sessions a week: spread out, with rest days between.
SPREAD = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
#: Categories that are not things to do on a given day.
NOT_SCHEDULED = ("avoid", "get_help")
OPTIONAL = " (optional)"
# The dose text comes from plan.format_dose, which writes "N times a week" or "N-M times a week".
_PER_WEEK = re.compile(r"(\d+)(?:-(\d+))? times a week(?:, )?")


def _per_week(dose: str) -> tuple[int, int] | None:
    """(fewest, most) sessions a week named in the dose, or ``None`` for a daily item."""
    match = _PER_WEEK.search(dose)
    if not match:
        return None
    fewest = int(match.group(1))
    most = int(match.group(2) or fewest)
    return max(1, min(fewest, 7)), max(1, min(most, 7))


def short_dose(item: PlanItem) -> str:
    """The part of an item's dose that fits in a table cell.

    The numbers when there are any ("20 minutes at a time", "2-3 sets of 10 reps"), without the
    sessions a week (the days show that); otherwise the first phrase of the note. Medicines that
    need a check first say so.
    """
    dose = item.dose
    if item.status == CHECK_FIRST:
        dose = dose.split(". ", 1)[1] if ". " in dose else dose
    numbers = dose.partition(". ")[0]
    if any(character.isdigit() for character in numbers):
        text = _PER_WEEK.sub("", numbers).strip(" ,.") or numbers
    else:
        text = re.split(r"[,.;]", dose, maxsplit=1)[0].strip()
    return f"Check first; {text[0].lower()}{text[1:]}" if item.status == CHECK_FIRST else text


def scheduled_items(plan: Plan) -> list[PlanItem]:
    """The plan's items that belong on a weekly schedule (things to do, not avoided)."""
    if plan.gate.holds_self_care:
        return []
    return [item for item in plan.items if item.category not in NOT_SCHEDULED and item.status != AVOID]


def schedule_message(plan: Plan) -> str:
    """A sentence to show with the schedule: why it is empty, or what is left out of it."""
    if plan.gate.holds_self_care:
        return f"No schedule: the self-care plan is on hold. {plan.gate.title}."
    left_out = [item.title for item in plan.items if item not in scheduled_items(plan)]
    if not left_out:
        return ""
    return "Not on the schedule (see the plan): " + ", ".join(left_out) + "."


@dataclass(frozen=True)
class ScheduleRow:
    """One item of the week: its id, its title and what to do on each day, Monday first."""

    item_id: str
    title: str
    days: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    """A plan's week: one row per scheduled item, and a sentence on what is not on it."""

    rows: tuple[ScheduleRow, ...]
    message: str


def schedule_for(plan: Plan) -> Schedule:
    """What to do on which day of the week for this plan, as plain rows (see :func:`weekly_schedule`)."""
    rows = []
    for item in scheduled_items(plan):
        text = short_dose(item)
        sessions = _per_week(item.dose)
        if sessions is None:
            days = [text] * len(DAYS)
        else:
            fewest, most = sessions
            days = [""] * len(DAYS)
            for number, weekday in enumerate(SPREAD[most]):
                days[weekday] = text if number < fewest else text + OPTIONAL
        rows.append(ScheduleRow(item.id, item.title, tuple(days)))
    return Schedule(tuple(rows), schedule_message(plan))


def weekly_schedule(plan: Plan) -> pd.DataFrame:
    """What to do on which day of the week for this plan.

    Parameters
    ----------
    plan
        A plan from :func:`backcare_nb.build_plan`.

    Returns
    -------
    pandas.DataFrame
        One row per scheduled item (the index, named "What", holds the item titles) and one
        column per weekday, ``Mon`` to ``Sun``. A cell holds the dose for that day, or "" for a
        rest day; a session beyond the fewest a week ends in " (optional)". When the red-flag
        gate holds the self-care plan the frame is empty. ``frame.attrs["message"]`` holds
        :func:`schedule_message` and ``frame.attrs["item_ids"]`` the ids of the rows.
    """
    import pandas as pd

    schedule = schedule_for(plan)
    frame = pd.DataFrame(
        [row.days for row in schedule.rows], index=[row.title for row in schedule.rows], columns=list(DAYS)
    )
    frame.index.name = WHAT
    frame.attrs["message"] = schedule.message
    frame.attrs["item_ids"] = tuple(row.item_id for row in schedule.rows)
    return frame
