"""Render a plan as plain text, Markdown, a self-contained HTML handout, or a JSON-ready dict."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from backcare_nb.plan import Plan

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


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """A JSON-ready dict of the plan (the CLI's ``--format json``)."""
    scenario = plan.scenario
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
            "tier": plan.gate.tier,
            "title": plan.gate.title,
            "action": plan.gate.action,
            "flags": [label for _, label in plan.gate.flags],
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
                "cautions": list(item.caution_notes),
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
        "takeaways": list(plan.takeaways),
        "related_topics": [topic.title for topic in plan.related],
        "warnings": list(plan.warnings),
        "sources": [{"id": source_id, "citation": citation} for source_id, citation in plan.sources],
        "disclaimer": DISCLAIMER,
    }


def plan_to_text(plan: Plan) -> str:
    """A plain-text plan for a terminal."""
    lines = [stage_line(plan), f"Episode: {EPISODE_LABELS[plan.scenario.episode]}; pain {plan.scenario.pain}/10"]
    if plan.gate.tier != "clear":
        lines += ["", f"RED FLAGS - {plan.gate.title}", plan.gate.action]
    for warning in plan.warnings:
        lines.append(f"Note: {warning}")
    for label, items in plan.by_category():
        lines += ["", label.upper()]
        for item in items:
            status = f" [{item.status_text}]" if item.status_text else ""
            lines.append(f"- {item.title}{status}: {item.dose}")
            lines.append(f"  When: {item.timing}")
    if plan.takeaways:
        lines += ["", "KEY TAKEAWAYS", *[f"- {text}" for text in plan.takeaways]]
    lines += ["", DISCLAIMER]
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
    if plan.gate.tier != "clear":
        flags = "; ".join(label for _, label in plan.gate.flags)
        out += [f"> **Red flags: {plan.gate.title}.** {plan.gate.action} (Ticked: {flags}.)", ""]
    for warning in plan.warnings:
        out += [f"> Note: {warning}", ""]
    for label, items in plan.by_category():
        out += [f"## {label}", "", "| What | Dose | When | Why |", "|---|---|---|---|"]
        for item in items:
            title = f"{item.title} ({item.status_text})" if item.status_text else item.title
            cells = [title, item.dose, item.timing, item.rationale]
            out.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
        out.append("")
        for item in items:
            for note in item.caution_notes:
                out.append(f"- Caution, {item.title}: {note}")
            for evidence in item.evidence:
                verdict = evidence.verdict.replace("_", " ")
                certainty = evidence.certainty.replace("_", " ")
                source = f"{evidence.source_id}; {verdict}; certainty {certainty}"
                out.append(f"- Evidence, {item.title}: {evidence.finding} ({source})")
        out.append("")
    if plan.takeaways:
        out += ["## Key takeaways", "", *[f"- {text}" for text in plan.takeaways], ""]
    if plan.related:
        out += ["## Related topics", "", *[f"- {topic.title}" for topic in plan.related], ""]
    if plan.sources:
        out += ["## Sources", "", *[f"- {source_id}: {citation}" for source_id, citation in plan.sources], ""]
    out += [f"*{DISCLAIMER}*", ""]
    return "\n".join(out)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_HANDOUT_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; border-bottom: 2px solid #0b5394; padding-bottom: .2rem; margin-top: 1.5rem; }
.meta { color: #444; }
.disclaimer { border: 2px solid #7a4b00; background: #fff4e0; padding: .5rem .75rem; font-weight: 600; }
.gate { border: 3px solid #a50000; background: #ffe9e9; padding: .5rem .75rem; }
.note { border-left: 4px solid #7a4b00; padding-left: .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #bbb; padding: .3rem .4rem; }
.status { font-weight: 700; color: #a50000; }
.sources { font-size: .85rem; }
@media print { body { margin: 0; max-width: none; } .gate, .disclaimer { break-inside: avoid; } }
"""


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
    if plan.gate.tier != "clear":
        flags = "".join(f"<li>{e(label)}</li>" for _, label in plan.gate.flags)
        body.append(
            f'<div class="gate" role="alert"><h2>{e(plan.gate.title)}</h2><p>{e(plan.gate.action)}</p>'
            f"<ul>{flags}</ul></div>"
        )
    for warning in plan.warnings:
        body.append(f'<p class="note">{e(warning)}</p>')
    for label, items in plan.by_category():
        rows = []
        for item in items:
            status = f' <span class="status">({e(item.status_text)})</span>' if item.status_text else ""
            how = f"<br><small>How: {e(item.how_to)}</small>" if item.how_to else ""
            cautions = "".join(f"<br><small>Caution: {e(note)}</small>" for note in item.caution_notes)
            rows.append(
                f"<tr><td><strong>{e(item.title)}</strong>{status}{how}</td><td>{e(item.dose)}{cautions}</td>"
                f"<td>{e(item.timing)}</td><td>{e(item.rationale)}</td></tr>"
            )
        body.append(
            f"<h2>{e(label)}</h2><table><thead><tr><th>What</th><th>Dose</th><th>When</th><th>Why</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    if plan.takeaways:
        body.append("<h2>Key takeaways</h2><ul>" + "".join(f"<li>{e(t)}</li>" for t in plan.takeaways) + "</ul>")
    if plan.sources:
        body.append(
            '<h2>Sources</h2><ol class="sources">'
            + "".join(f"<li>{e(source_id)}: {e(citation)}</li>" for source_id, citation in plan.sources)
            + "</ol>"
        )
    title = f"Back spasm plan, day {scenario.days_since_onset}, {EPISODE_LABELS[scenario.episode].lower()}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{_HANDOUT_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def handout_file_name(plan: Plan) -> str:
    """A file name for the handout that says which scenario it is: day and episode."""
    return f"backcare-handout-day{plan.scenario.days_since_onset}-{plan.scenario.episode}.html"
