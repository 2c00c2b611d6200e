"""The coming week of a plan: what to do on each of the next seven days, with doses.

A pure function of the plan and the content (no widgets, no files). The week starts on the
scenario's day and each day gets the plan of that day, so a day-2 week shows the change of stage
on day 8 and the end of the easier days after day 2. How an item is scheduled comes from the
``schedule`` column of data/interventions.csv: every day, a few times a week (spread out, with
rest days between), or as needed (medicines: never a fixed course). Prescription-only medicines,
things to avoid, held or ruled-out items and notes stay off the week: the plan lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from backcare_nb.content import Content
from backcare_nb.plan import CHECK_FIRST, Plan, PlanItem, build_plan
from backcare_nb.scenario import MAX_DAYS, Scenario

if TYPE_CHECKING:  # the dashboard renders a Schedule; only weekly_schedule imports pandas
    import pandas as pd

WEEK = 7
#: The heading of the column of item titles.
WHAT = "What"
#: Which days of the week (0 = the scenario's day) to use for n sessions: spread, with rest days between.
SPREAD = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
ON_THE_SCHEDULE = ("daily", "per_week", "as_needed")
OPTIONAL = " (optional)"
AS_NEEDED = "As needed, for the shortest time"
# The dose text comes from plan.format_dose, which writes "N times a week" or "N-M times a week".
_PER_WEEK = re.compile(r"(\d+)(?:-(\d+))? times a week(?:, )?")


def short_dose(item: PlanItem) -> str:
    """The part of an item's dose that fits in a table cell.

    The numbers when there are any ("20 minutes at a time", "2-3 sets of 10 reps"), without the
    sessions a week (the days show that); otherwise the first phrase of the note. Medicines taken
    as needed say so; medicines that need a check first say that too.
    """
    if item.schedule == "as_needed":
        text = AS_NEEDED
    else:
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
    """The plan's items that belong on the week: usable, and scheduled daily, weekly or as needed."""
    return [item for item in plan.items if item.usable and item.schedule in ON_THE_SCHEDULE]


@dataclass(frozen=True)
class ScheduleRow:
    """One item of the week: its id, its title and what to do on each of the seven days."""

    item_id: str
    title: str
    days: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    """The coming week: the day numbers, one row per scheduled item, and a sentence on what is left off."""

    day_numbers: tuple[int, ...]
    rows: tuple[ScheduleRow, ...]
    message: str

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(f"Day {day}" for day in self.day_numbers)


def schedule_for(plan: Plan, content: Content, plan_for: Callable[[Scenario], Plan] | None = None) -> Schedule:
    """What to do on each of the seven days from the plan's day (see :func:`weekly_schedule`).

    ``plan_for`` builds the plans of the following days; a dashboard passes one that keeps the plans
    it has built, since moving a day on shares six of the seven.
    """
    first = plan.scenario.days_since_onset
    day_numbers = tuple(day for day in range(first, first + WEEK) if day <= MAX_DAYS)
    plans = [plan] + [
        (plan_for or partial(build_plan, content=content))(replace(plan.scenario, days_since_onset=day, case=None))
        for day in day_numbers[1:]
    ]
    cells: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for offset, day_plan in enumerate(plans):
        for item in scheduled_items(day_plan):
            row = cells.setdefault(item.id, [""] * len(day_numbers))
            titles.setdefault(item.id, item.title)
            text = short_dose(item)
            if item.schedule == "per_week" and item.per_week:
                fewest, most = (max(1, min(number, WEEK)) for number in item.per_week)
                sessions = SPREAD[most]
                if offset in sessions:
                    row[offset] = text if sessions.index(offset) < fewest else text + OPTIONAL
            else:
                row[offset] = text
    rows = tuple(ScheduleRow(item_id, titles[item_id], tuple(days)) for item_id, days in cells.items())
    return Schedule(day_numbers, rows, schedule_message(plan))


def schedule_message(plan: Plan) -> str:
    """A sentence to show with the schedule: why it is empty, or what is left off it."""
    if plan.gate.replaces_plan:
        return f"No schedule: the self-care plan is replaced. {plan.gate.title}."
    on = {item.id for item in scheduled_items(plan)}
    left_out = [item.title for item in plan.items if item.id not in on and item.for_patients]
    if not left_out:
        return ""
    return "Not on the schedule (see the plan): " + ", ".join(left_out) + "."


def weekly_schedule(plan: Plan, content: Content) -> pd.DataFrame:
    """What to do on each of the seven days from the plan's day.

    Parameters
    ----------
    plan
        A plan from :func:`backcare_nb.build_plan`.
    content
        The content the plan was built from (the other days' plans are built from it).

    Returns
    -------
    pandas.DataFrame
        One row per scheduled item (the index, named "What", holds the item titles) and one
        column per day, "Day N" from the plan's day. A cell holds the dose for that day, or "" when
        the item does not apply or it is a rest day; a session beyond the fewest a week ends in
        " (optional)". When the level of concern replaces the plan the frame is empty.
        ``frame.attrs["message"]`` holds :func:`schedule_message` and ``frame.attrs["item_ids"]``
        the ids of the rows.
    """
    import pandas as pd

    schedule = schedule_for(plan, content)
    frame = pd.DataFrame(
        [row.days for row in schedule.rows],
        index=[row.title for row in schedule.rows],
        columns=list(schedule.headings),
    )
    frame.index.name = WHAT
    frame.attrs["message"] = schedule.message
    frame.attrs["item_ids"] = tuple(row.item_id for row in schedule.rows)
    return frame
