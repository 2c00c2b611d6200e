"""Render a plan as plain text, Markdown, a self-contained HTML handout, or a JSON-ready dict."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from backcare_nb.plan import Note, Origin, Plan, Reference

DISCLAIMER = (
    "Teaching material for clinicians, not medical advice. It does not replace an assessment by a qualified clinician."
)
EPISODE_LABELS = {"first": "First episode", "recurrent": "Recurrent"}


def stage_line(plan: Plan) -> str:
    """One line saying where the scenario sits: day, article stage and guideline band."""
    return (
        f"Day {plan.scenario.days_since_onset}: {plan.stage.label} in the article; "
        f"{plan.guideline_band.label} by the guidelines"
    )


def _origin(origin: Origin) -> dict[str, str]:
    return {"kind": origin.kind, "source": origin.source_id, "label": origin.label}


def _note(note: Note) -> dict[str, Any]:
    data: dict[str, Any] = {"text": note.text, "origin": _origin(note.origin)}
    if not note.for_patients:
        data["for_patients"] = False
    return data


def _optional_note(text: str, origin: Origin | None) -> dict[str, Any] | None:
    return {"text": text, "origin": _origin(origin)} if text and origin else None


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """A JSON-ready dict of the plan (the CLI's ``--format json``).

    ``gate.level`` is the level of concern, with its ``action`` and ``time_frame``; every item,
    takeaway, caution and note has an ``origin`` (``kind`` "article" or "added", the ``source`` id
    and the printed ``label``).
    """
    scenario = plan.scenario
    gate = plan.gate
    return {
        "scenario": {
            "days_since_onset": scenario.days_since_onset,
            "episode": scenario.episode,
            "pain": scenario.pain,
            "red_flags": list(scenario.red_flags),
            "cautions": list(scenario.cautions),
            "case": scenario.case,
        },
        "stage": {"id": plan.stage.id, "label": plan.stage.label},
        "guideline_band": {"id": plan.guideline_band.id, "label": plan.guideline_band.label},
        "gate": {
            "level": gate.level,
            "title": gate.title,
            "action": gate.action,
            "time_frame": gate.time_frame,
            "replaces_plan": gate.replaces_plan,
            "holds": list(gate.holds),
            "meanwhile": gate.meanwhile,
            "flags": [label for _, label in gate.flags],
            "reasons": [_note(note) for note in gate.reasons],
            "below_threshold": list(gate.below_threshold),
            "origin": _origin(gate.origin),
        },
        "items": [
            {
                "id": item.id,
                "category": item.category,
                "title": item.title,
                "dose": item.dose,
                "timing": item.timing,
                "why": item.rationale,
                "status": item.status,
                "stop_if": _optional_note(item.stop_if, item.stop_origin),
                "patient_safety": _optional_note(item.patient_safety, item.safety_origin),
                "origin": _origin(item.origin),
                "cautions": [_note(note) for note in item.caution_notes],
                "alternatives": [_note(note) for note in item.alternatives],
                "evidence": [
                    {
                        "source": note.source_id,
                        "stance": note.stance,
                        "verdict": note.verdict,
                        "certainty": note.certainty,
                        "finding": note.finding,
                    }
                    for note in item.evidence
                ],
            }
            for item in plan.items
        ],
        "takeaways": [_note(note) for note in plan.takeaways],
        "safety_nets": [
            {
                "id": net.id,
                "level": net.level,
                "title": net.title,
                "signs": list(net.signs),
                "action": net.action,
                "origin": _origin(net.origin),
            }
            for net in plan.safety_nets
        ],
        "related_topics": [topic.title for topic in plan.related],
        "warnings": [_note(note) for note in plan.warnings],
        "while_waiting": [_note(note) for note in plan.while_waiting],
        "sources": [
            {"id": source.id, "short": source.short, "citation": source.citation, "link": source.link}
            for source in plan.sources
        ],
        "content_review": plan.review_line,
        "disclaimer": DISCLAIMER,
    }


def gate_lines(plan: Plan) -> list[str]:
    """The level of concern in plain lines: title and time frame, action, why, and what to keep doing."""
    gate = plan.gate
    if gate.level == "clear":
        return []
    lines = [f"Level of concern: {gate.title} ({gate.time_frame}).", gate.action]
    lines += [f"Why: {note.text} ({note.origin.label})" for note in gate.reasons]
    if gate.below_threshold:
        lines.append("Ticked but not enough on their own to change the level: " + "; ".join(gate.below_threshold) + ".")
    if gate.meanwhile:
        lines.append(f"Meanwhile: {gate.meanwhile}")
    return lines


def plan_to_text(plan: Plan) -> str:
    """A plain-text plan for a terminal."""
    lines = [stage_line(plan), f"Episode: {EPISODE_LABELS[plan.scenario.episode]}; pain {plan.scenario.pain}/10"]
    if plan.gate.level != "clear":
        lines += ["", "RED FLAGS", *gate_lines(plan)]
    for warning in plan.warnings:
        lines.append(f"Note: {warning.text}")
    for label, items in plan.by_category():
        lines += ["", label.upper()]
        for item in items:
            status = f" [{item.status_text}]" if item.status_text else ""
            lines.append(f"- {item.title}{status}: {item.dose}")
            lines.append(f"  When: {item.timing}")
            if item.stop_if:
                lines.append(f"  {item.stop_if}")
            lines.append(f"  ({item.origin.label})")
            lines += [f"  Caution: {note.text}" for note in item.caution_notes]
            lines += [f"  Instead: {note.text} ({note.origin.label})" for note in item.alternatives]
    if plan.takeaways:
        lines += ["", "KEY TAKEAWAYS", *[f"- {note.text}" for note in plan.takeaways]]
    if plan.while_waiting:
        lines += ["", "WHILE WAITING", *[f"- {note.text} ({note.origin.label})" for note in plan.while_waiting]]
    lines += ["", "SAFETY NET"]
    for net in plan.safety_nets:
        lines += [f"{net.title}:", *[f"  - {sign}" for sign in net.signs], f"  {net.action}"]
    lines += ["", plan.review_line, DISCLAIMER]
    return "\n".join(lines) + "\n"


def plan_to_markdown(plan: Plan) -> str:
    """The plan as Markdown, with a table of items per category and the evidence behind them."""
    scenario = plan.scenario
    out = [
        "# Low back spasms: plan for this scenario",
        "",
        f"**{stage_line(plan)}.** {EPISODE_LABELS[scenario.episode]}, pain {scenario.pain}/10.",
        "",
    ]
    if plan.gate.level != "clear":
        flags = "; ".join(label for _, label in plan.gate.flags)
        out += [f"> **Red flags ticked:** {flags}.", ">"]
        out += [f"> {line}" for line in gate_lines(plan)] + [""]
    for warning in plan.warnings:
        out += [f"> Note: {warning.text}", ""]
    for label, items in plan.by_category():
        out += [f"## {label}", "", "| What | Dose | When | Why | Origin |", "|---|---|---|---|---|"]
        for item in items:
            title = f"{item.title} ({item.status_text})" if item.status_text else item.title
            dose = f"{item.dose} {item.stop_if}" if item.stop_if else item.dose
            cells = [title, dose, item.timing, item.rationale, item.origin.label]
            out.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
        out.append("")
        for item in items:
            for note in item.caution_notes:
                out.append(f"- Caution, {item.title}: {note.text} ({note.origin.label})")
            for note in item.alternatives:
                out.append(f"- Instead of {item.title}: {note.text} ({note.origin.label})")
            for evidence in item.evidence:
                verdict = evidence.verdict.replace("_", " ")
                certainty = evidence.certainty.replace("_", " ")
                source = f"{evidence.short or evidence.source_id}; {verdict}; certainty {certainty}"
                out.append(f"- Evidence, {item.title}: {evidence.finding} ({source})")
        out.append("")
    if plan.takeaways:
        out += ["## Key takeaways", "", *[f"- {note.text} ({note.origin.label})" for note in plan.takeaways], ""]
    if plan.while_waiting:
        out += ["## While waiting", "", *[f"- {note.text} ({note.origin.label})" for note in plan.while_waiting], ""]
    out += ["## Safety net", ""]
    for net in plan.safety_nets:
        out += [f"**{net.title}:**", "", *[f"- {sign}" for sign in net.signs], "", f"{net.action}", ""]
    if plan.related:
        out += ["## Related topics", "", *[f"- {topic.title}" for topic in plan.related], ""]
    if plan.sources:
        out += ["## Sources", "", *[f"- {_md_source(source)}" for source in plan.sources], ""]
    out += [f"*{plan.review_line}. {DISCLAIMER}*", ""]
    return "\n".join(out)


def _md_source(source: Reference) -> str:
    return f"{source.short}: {source.citation}" + (f" <{source.link}>" if source.link else "")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _origin_html(origin: Origin) -> str:
    return f'<span class="origin">{escape(origin.label)}</span>'


def safety_net_html(plan: Plan, heading_level: int = 2) -> str:
    """The safety net as an HTML box: each group of warning signs in plain words, and what to do."""
    e = escape
    parts = [f'<section class="safety" aria-label="Safety net"><h{heading_level}>Warning signs</h{heading_level}>']
    sub = heading_level + 1
    for net in plan.safety_nets:
        signs = "".join(f"<li>{e(sign)}</li>" for sign in net.signs)
        parts.append(
            f'<div class="safety-net safety-{e(net.level)}" data-net="{e(net.id)}"><h{sub}>{e(net.title)}</h{sub}>'
            f"<ul>{signs}</ul><p><strong>{e(net.action)}</strong> {_origin_html(net.origin)}</p></div>"
        )
    parts.append("</section>")
    return "".join(parts)


def plan_to_html(plan: Plan, today: dt.date | None = None) -> str:
    """The clinician summary as a printable, self-contained HTML page (the CLI's ``--format html``).

    See :func:`backcare_nb.handout.clinician_handout`; ``today`` sets the printed date, and the QR
    code is added when ``$BACKCARE_PUBLIC_URL`` names the dashboard's address.
    """
    from backcare_nb.handout import HandoutDetails, clinician_handout

    return clinician_handout(plan, HandoutDetails.from_environment(today=today))


def plan_to_patient_html(plan: Plan, today: dt.date | None = None) -> str:
    """The patient handout as a printable, self-contained HTML page (the CLI's ``--format patient``).

    See :func:`backcare_nb.handout.patient_handout`; ``today`` and the QR code as for :func:`plan_to_html`.
    """
    from backcare_nb.handout import HandoutDetails, patient_handout

    return patient_handout(plan, HandoutDetails.from_environment(today=today))


def handout_file_name(plan: Plan, kind: str = "clinician") -> str:
    """A file name for a handout that says which one and which scenario: kind, day and episode."""
    return f"backcare-{kind}-handout-day{plan.scenario.days_since_onset}-{plan.scenario.episode}.html"
