"""The inputs of a plan, and lenient parsing of them from untrusted text.

:class:`Scenario` is strict (a wrong value from code is a bug and raises ``ValueError``).
:func:`scenario_from_query` is lenient: a deep link typed or pasted by a viewer never raises; a bad
value is clamped or ignored and explained in a list of notices that the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from backcare_nb.content import Content

EPISODES = ("first", "recurrent")
MAX_DAYS = 365
MAX_PAIN = 10
# A query string is untrusted: cap what we read of it and how much of a bad value we echo back.
MAX_QUERY_LENGTH = 2000
ECHO_LENGTH = 30
# Plain ASCII digits only: int() also takes "1_0", Arabic-Indic and full-width digits, which a
# clinician reading the notice or the link would not recognise as the number used.
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+", re.ASCII)


@dataclass(frozen=True)
class Scenario:
    """One person's situation, as a teaching scenario.

    Attributes
    ----------
    days_since_onset
        Whole days since the spasms began, 0 to 365.
    episode
        ``"first"`` or ``"recurrent"`` (episodes that keep settling and coming back).
    pain
        Pain now on a 0-10 scale.
    red_flags, cautions
        Ids from data/red_flags.csv and data/cautions.csv, sorted and without repeats.
    case
        The teaching case this scenario came from, if any.
    """

    days_since_onset: int = 2
    episode: str = "first"
    pain: int = 5
    red_flags: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    case: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.days_since_onset, bool) or not isinstance(self.days_since_onset, int):
            raise ValueError(f"days_since_onset must be a whole number, not {self.days_since_onset!r}")
        if not 0 <= self.days_since_onset <= MAX_DAYS:
            raise ValueError(f"days_since_onset must be 0 to {MAX_DAYS}, not {self.days_since_onset}")
        if self.episode not in EPISODES:
            raise ValueError(f"episode must be 'first' or 'recurrent', not {self.episode!r}")
        if isinstance(self.pain, bool) or not isinstance(self.pain, int) or not 0 <= self.pain <= MAX_PAIN:
            raise ValueError(f"pain must be a whole number 0 to {MAX_PAIN}, not {self.pain!r}")
        # Normalise so equal situations compare equal, whatever order the boxes were ticked in.
        object.__setattr__(self, "red_flags", tuple(sorted(set(self.red_flags))))
        object.__setattr__(self, "cautions", tuple(sorted(set(self.cautions))))

    def to_query(self) -> str:
        """The deep-link query string (without ``?``) that reproduces this scenario."""
        parts = [f"days={self.days_since_onset}", f"episode={self.episode}", f"pain={self.pain}"]
        if self.red_flags:
            parts.append("flags=" + ",".join(self.red_flags))
        if self.cautions:
            parts.append("cautions=" + ",".join(self.cautions))
        if self.case:
            parts.append(f"case={self.case}")
        return "&".join(parts)


def scenario_from_case(case_id: str, content: Content) -> Scenario:
    """The scenario of a teaching case in data/cases.csv; ``KeyError`` if there is no such case."""
    for case in content.records["cases"]:
        if case["id"] == case_id:
            return Scenario(
                days_since_onset=case["days"],
                episode=case["episode"],
                pain=case["pain"],
                red_flags=case["red_flags"],
                cautions=case["cautions"],
                case=case_id,
            )
    raise KeyError(case_id)


def _echo(value: str) -> str:
    value = value if len(value) <= ECHO_LENGTH else value[:ECHO_LENGTH] + "..."
    return repr(value)


def parse_whole_number(text: str) -> int | None:
    """``text`` as a whole number if it is plain ASCII digits with an optional sign, else None."""
    return int(text) if WHOLE_NUMBER.fullmatch(text) else None


def _whole_number(name: str, raw: str, low: int, high: int, notices: list[str]) -> int | None:
    number = parse_whole_number(raw.strip())
    if number is None:
        notices.append(f"Ignored {name}={_echo(raw)}: expected a whole number from {low} to {high}.")
        return None
    if number < low or number > high:
        clamped = min(max(number, low), high)
        shown = str(number) if len(str(number)) <= ECHO_LENGTH else str(number)[:ECHO_LENGTH] + "..."
        notices.append(f"{name}={shown} is outside {low}-{high}; used {clamped}.")
        return clamped
    return number


def _as_utf8(query: str) -> str:
    """Undo a Latin-1 reading of UTF-8: Voila hands over the raw query as tornado decoded it
    (Latin-1), so an unescaped "é" in a link arrives as "Ã©". Text already beyond Latin-1 is kept."""
    if query.isascii() or any(ord(character) > 0xFF for character in query):
        return query
    return query.encode("latin-1").decode("utf-8", errors="replace")


def _known_ids(name: str, raw_values: list[str], known: tuple[str, ...], notices: list[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for raw in raw_values:
        for item in raw.split(","):
            item = item.strip()
            if not item:
                continue
            if item in known:
                chosen.append(item)
            else:
                notices.append(f"Ignored unknown {name} {_echo(item)}.")
    return tuple(chosen)


def scenario_from_query(query: str, content: Content, default: Scenario | None = None) -> tuple[Scenario, list[str]]:
    """Parse a raw URL query string (as Voilà passes it in ``QUERY_STRING``) into a scenario.

    Recognised keys: ``days``, ``episode``, ``pain``, ``flags``, ``cautions`` (comma-separated or
    repeated) and ``case``. A case sets every field first; other keys then override it. Never
    raises: each bad or unknown value is skipped or clamped, and a notice says what happened.

    Parameters
    ----------
    query
        The raw query string, with or without a leading ``?``; percent-escapes are decoded here.
    content
        Supplies the known red flag, caution and case ids.
    default
        The scenario used for anything the query does not set (default: ``Scenario()``).

    Returns
    -------
    (Scenario, list of str)
        The scenario and the notices, in the order they arose (empty when all was well).
    """
    notices: list[str] = []
    scenario = default or Scenario()
    query = _as_utf8((query or "").lstrip("?"))
    if len(query) > MAX_QUERY_LENGTH:
        notices.append(f"The link was longer than {MAX_QUERY_LENGTH} characters; only the start was read.")
        query = query[:MAX_QUERY_LENGTH]
    # Percent-escapes are decoded as UTF-8, a bad sequence becoming U+FFFD; notices show values
    # with repr(), so control characters appear escaped rather than breaking the line.
    pairs = parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace")
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key.strip().lower(), []).append(value)

    if "case" in values:
        case_id = values["case"][-1].strip()
        try:
            scenario = scenario_from_case(case_id, content)
        except KeyError:
            notices.append(f"Ignored unknown case {_echo(case_id)}.")

    changes: dict[str, object] = {}
    if "days" in values:
        days = _whole_number("days", values["days"][-1], 0, MAX_DAYS, notices)
        if days is not None:
            changes["days_since_onset"] = days
    if "pain" in values:
        pain = _whole_number("pain", values["pain"][-1], 0, MAX_PAIN, notices)
        if pain is not None:
            changes["pain"] = pain
    if "episode" in values:
        episode = values["episode"][-1].strip().lower()
        if episode in EPISODES:
            changes["episode"] = episode
        else:
            notices.append(f"Ignored episode={_echo(values['episode'][-1])}: expected first or recurrent.")
    if "flags" in values:
        changes["red_flags"] = _known_ids("red flag", values["flags"], content.red_flag_ids, notices)
    if "cautions" in values:
        changes["cautions"] = _known_ids("caution", values["cautions"], content.caution_ids, notices)

    handled = {"case", "days", "pain", "episode", "flags", "cautions"}
    for key in values:
        # Voilà's own parameters and an access token are not ours to judge.
        if key not in handled and not key.startswith("voila") and key != "token":
            notices.append(f"Ignored unknown setting {_echo(key)}.")
    changed = replace(scenario, **changes)
    if changed != scenario:
        changed = replace(changed, case=None)  # edited away from the case, so no longer that case
    return changed, notices
