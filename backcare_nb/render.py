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
    return {"text": note.text, "origin": _origin(note.origin)}


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
            lines.append(f"  ({item.origin.label})")
            lines += [f"  Caution: {note.text}" for note in item.caution_notes]
            lines += [f"  Instead: {note.text} ({note.origin.label})" for note in item.alternatives]
    if plan.takeaways:
        lines += ["", "KEY TAKEAWAYS", *[f"- {note.text}" for note in plan.takeaways]]
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
            cells = [title, item.dose, item.timing, item.rationale, item.origin.label]
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


_HANDOUT_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; border-bottom: 2px solid #0b5394; padding-bottom: .2rem; margin-top: 1.5rem; }
h2, h3 { break-after: avoid; }
.meta { color: #444; }
.disclaimer { border: 2px solid #7a4b00; background: #fff4e0; padding: .5rem .75rem; font-weight: 600; }
.gate { border: 3px solid #a50000; background: #ffe9e9; padding: .5rem .75rem; }
.safety { border: 3px solid #a50000; padding: .5rem .75rem; margin-top: 1.5rem; }
.safety h2 { border: 0; margin-top: .2rem; color: #8a0000; }
.safety h3 { font-size: 1rem; margin: .6rem 0 .1rem; }
.note { border-left: 4px solid #7a4b00; padding-left: .5rem; }
.origin { color: #444; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #bbb; padding: .3rem .4rem; }
tr { break-inside: avoid; }
.status { font-weight: 700; color: #a50000; }
.sources { font-size: .85rem; overflow-wrap: anywhere; }
@media print { body { margin: 0; max-width: none; } .gate, .disclaimer, .safety { break-inside: avoid; } }
"""


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
    """A printable, self-contained HTML handout: inline CSS, no scripts, no external assets.

    Every piece of text is HTML-escaped. ``today`` sets the printed date (default: today).
    """
    e = escape
    scenario = plan.scenario
    date = (today or dt.date.today()).isoformat()
    body = [
        "<h1>Low back spasms: what to do now</h1>",
        f'<p class="meta">Prepared {e(date)}. {e(stage_line(plan))}. '
        f"{e(EPISODE_LABELS[scenario.episode])}; pain {scenario.pain}/10.</p>",
        f'<p class="disclaimer">{e(DISCLAIMER)}</p>',
    ]
    if plan.gate.level != "clear":
        flags = "".join(f"<li>{e(label)}</li>" for _, label in plan.gate.flags)
        lines = "".join(f"<p>{e(line)}</p>" for line in gate_lines(plan)[1:])
        body.append(
            f'<div class="gate" role="alert"><h2>{e(plan.gate.title)}: {e(plan.gate.time_frame)}</h2>{lines}'
            f"<p>Red flags ticked:</p><ul>{flags}</ul></div>"
        )
    for warning in plan.warnings:
        body.append(f'<p class="note">{e(warning.text)}</p>')
    for label, items in plan.by_category():
        rows = []
        for item in items:
            status = f' <span class="status">({e(item.status_text)})</span>' if item.status_text else ""
            how = f"<br><small>How: {e(item.how_to)}</small>" if item.how_to else ""
            cautions = "".join(f"<br><small>Caution: {e(note.text)}</small>" for note in item.caution_notes)
            instead = "".join(
                f"<br><small>Instead: {e(note.text)} ({e(note.origin.label)})</small>" for note in item.alternatives
            )
            rows.append(
                f"<tr><td><strong>{e(item.title)}</strong>{status}{how}<br>{_origin_html(item.origin)}</td>"
                f"<td>{e(item.dose)}{cautions}{instead}</td>"
                f"<td>{e(item.timing)}</td><td>{e(item.rationale)}</td></tr>"
            )
        body.append(
            f"<h2>{e(label)}</h2><table><thead><tr><th>What</th><th>Dose</th><th>When</th><th>Why</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    if plan.takeaways:
        body.append(
            "<h2>Key takeaways</h2><ul>"
            + "".join(f"<li>{e(note.text)} {_origin_html(note.origin)}</li>" for note in plan.takeaways)
            + "</ul>"
        )
    body.append(safety_net_html(plan))
    if plan.sources:
        body.append('<h2>Sources</h2><ol class="sources">' + "".join(_source_html(s) for s in plan.sources) + "</ol>")
    body.append(f'<p class="meta">{e(plan.review_line)}.</p>')
    title = f"Back spasm plan, day {scenario.days_since_onset}, {EPISODE_LABELS[scenario.episode].lower()}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{_HANDOUT_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _source_html(source: Reference) -> str:
    link = f' <a href="{escape(source.link)}">{escape(source.link)}</a>' if source.link else ""
    return f"<li>{escape(source.short)}: {escape(source.citation)}{link}</li>"


def handout_file_name(plan: Plan, kind: str = "clinician") -> str:
    """A file name for a handout that says which one and which scenario: kind, day and episode."""
    return f"backcare-{kind}-handout-day{plan.scenario.days_since_onset}-{plan.scenario.episode}.html"
