"""Two printable handouts from one plan: the clinician summary and the patient handout.

Pure functions: a plan (and the optional details of who hands it over) in, one self-contained
HTML page out, from the Jinja2 templates in ``backcare_nb/templates`` with autoescape on. The
pages have inline CSS, no scripts and no outside requests; exercise pictures are the checked SVG
files from data/exercises, and the QR code is drawn as inline SVG by segno. The QR code and the
printed link reopen the same scenario in the dashboard, so they are left out when no public
address of the dashboard is known (``backcare-nb dashboard --public-url`` or
``$BACKCARE_PUBLIC_URL``).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backcare_nb.plan import SEVERE_PAIN, Plan, PlanItem

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Environment variable holding the dashboard's public address, e.g. https://teach.example.org/backcare/
PUBLIC_URL_ENV = "BACKCARE_PUBLIC_URL"
#: Categories the patient handout lists under "What to do" and "What to expect".
DO_CATEGORIES = ("symptom_relief", "medicines", "exercise", "movement", "get_help")
AVOID_CATEGORIES = ("avoid",)
EXPECT_CATEGORIES = ("outlook",)
#: What the patient reads beside a held item when its category gives no words of its own.
HELD_WORDS = "wait until a clinician has checked you"
#: The first words a patient reads about an item that needs a pharmacist's or doctor's check.
ASK_FIRST = "Ask a pharmacist or doctor before you take this."
#: Printed at the top and the foot of the patient handout until the tool has a clinical safety case
#: (DCB0129 is the standard a real deployment would need; docs/clinical-review.md).
TEACHING_NOTE = "A teaching example, not medical advice."


@dataclass(frozen=True)
class HandoutDetails:
    """Who hands the sheet over and where the scenario can be reopened; never stored or logged.

    ``public_url`` is the dashboard's address (the scenario's query string is added to it); when
    empty, the handout has no QR code and no link.
    """

    clinician: str = ""
    clinic: str = ""
    contact: str = ""
    public_url: str = ""
    today: dt.date | None = None

    @classmethod
    def from_environment(cls, **fields: Any) -> HandoutDetails:
        """Details with ``public_url`` from ``$BACKCARE_PUBLIC_URL`` unless given."""
        fields.setdefault("public_url", os.environ.get(PUBLIC_URL_ENV, ""))
        return cls(**fields)


def scenario_link(plan: Plan, public_url: str) -> str:
    """The deep link that reopens ``plan``'s scenario in the dashboard at ``public_url`` ("" if none)."""
    base = public_url.strip()
    if not base.startswith(("https://", "http://")):
        return ""
    return f"{base.split('?', 1)[0]}?{plan.scenario.to_query()}"


#: Where `make dashboard` serves the dashboard when no public address is known.
LOCAL_DASHBOARD = "http://127.0.0.1:8866/"


def dashboard_link(plan: Plan, public_url: str = "", served_at: str | None = None) -> str:
    """The link that opens ``plan``'s scenario in the dashboard.

    Inside a dashboard Voilà serves, ``served_at`` is the page's own path and the link stays on
    that server; otherwise it is the public address when known, else the local address of
    ``make dashboard`` (so a link clicked in JupyterLab never reloads Lab itself).
    """
    query = plan.scenario.to_query()
    if served_at is not None:
        return f"{served_at}?{query}"
    return scenario_link(plan, public_url) or f"{LOCAL_DASHBOARD}?{query}"


def qr_svg(link: str) -> str:
    """The link as a QR code, inline SVG with a title (segno; medium error correction)."""
    import segno  # only when a handout carries a link

    code = segno.make(link, error="m", micro=False)
    # omitsize: a viewBox instead of a fixed width, so the code scales to the size the CSS gives it.
    svg = code.svg_inline(border=4, title=f"QR code for {link}", dark="#000", light="#fff", omitsize=True)
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code that opens this plan" ', 1)


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _css() -> str:
    return (TEMPLATES / "handout.css").read_text(encoding="utf-8")


def _common(plan: Plan, details: HandoutDetails | None) -> dict[str, Any]:
    details = details or HandoutDetails()
    link = scenario_link(plan, details.public_url)
    return {
        "plan": plan,
        "details": details,
        "today": (details.today or dt.date.today()).isoformat(),
        "css": _css(),
        "link": link,
        "qr": qr_svg(link) if link else "",
    }


def _patient_items(plan: Plan, categories: tuple[str, ...]) -> list[PlanItem]:
    return [item for item in plan.items if item.category in categories and item.usable and item.for_patients]


def _held_words(plan: Plan) -> dict[str, str]:
    """Item id -> what the patient reads beside it while it waits ("wait until a clinician has checked
    you"; work and daily activities carry on as far as the person can manage)."""
    return {item.id: item.held_words or HELD_WORDS for item in plan.items if item.status == "held"}


def patient_handout(plan: Plan, details: HandoutDetails | None = None) -> str:
    """The patient handout: plain second-person words, warning signs first, a picture per exercise.

    No guideline jargon and no dose column: each item is its ``patient_words`` (numbers filled in
    from the content), held items and medicines that are not for this person are listed apart with
    the reason, and the QR code reopens the scenario when a public address is known.
    """
    gate_item = f"gate_{plan.gate.level}"
    context = _common(plan, details)
    todo = [item for item in _patient_items(plan, DO_CATEGORIES) if item.id != gate_item]
    # Held reassurance ("a scan is not usually needed") is left out: the level's box says what happens next.
    held = [
        item
        for item in plan.items
        if item.status == "held" and item.for_patients and item.category not in EXPECT_CATEGORIES
    ]
    not_for_you = [item for item in plan.items if item.status == "avoid" and item.category not in AVOID_CATEGORIES]
    avoid = [item for item in plan.items if item.category in AVOID_CATEGORIES and item.for_patients]
    expect = _patient_items(plan, EXPECT_CATEGORIES)
    # The sources of what this sheet says (not every study behind the clinician's evidence notes).
    origins = [item.origin for item in (*todo, *held, *not_for_you, *avoid, *expect)]
    origins += [note.origin for item in (*todo, *not_for_you) for note in (*item.caution_notes, *item.alternatives)]
    origins += [origin for item in todo for origin in (item.stop_origin, item.safety_origin) if origin]
    origins += [note.origin for item in held for note in item.caution_notes]
    origins += [net.origin for net in plan.safety_nets]
    origins += [note.origin for note in plan.while_waiting]
    # The rules that decided the level, not the level's own row (an aneurysm is not the cauda equina pathway).
    origins += [note.origin for note in plan.gate.reasons]
    cited = dict.fromkeys(origin.source_id for origin in origins)
    context.update(
        todo=todo,
        held=held,
        held_words=_held_words(plan),
        not_for_you=not_for_you,
        avoid=avoid,
        severe_pain=plan.scenario.pain >= SEVERE_PAIN,
        expect=expect,
        sources=[source for source in plan.sources if source.id in cited],
        ask_first=ASK_FIRST,
        teaching_note=TEACHING_NOTE,
    )
    return _environment().get_template("handout_patient.html.j2").render(context)


def clinician_handout(plan: Plan, details: HandoutDetails | None = None) -> str:
    """The clinician summary: stage and guideline band, level of concern, every item with its dose,
    timing, reason, origin, cautions and alternatives, the warning signs and the full sources."""
    from backcare_nb.render import DISCLAIMER, EPISODE_LABELS, gate_lines, stage_line

    context = _common(plan, details)
    context.update(
        groups=plan.by_category(),
        gate_lines=gate_lines(plan),
        stage_line=stage_line(plan),
        episode_label=EPISODE_LABELS[plan.scenario.episode],
        disclaimer=DISCLAIMER,
    )
    return _environment().get_template("handout_clinician.html.j2").render(context)


def patient_handout_text(html: str) -> str:
    """The words a reader reads in a handout (no markup, no style, no picture text, no links), for
    measuring readability."""
    import re
    from html import unescape

    body = html.split("<body>", 1)[-1]
    body = re.sub(r"<svg\b.*?</svg>", " ", body, flags=re.S)
    body = re.sub(r"<a\b[^>]*>.*?</a>", " ", body, flags=re.S)
    body = re.sub(r"\(\s*\)", " ", body)
    body = re.sub(r"</(p|li|h[1-6]|div|figcaption)>", ".\n", body)
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"([.:!?])\s*\.", r"\1", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip(" ."))
