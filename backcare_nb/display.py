"""How plans, items, levels of concern and the content look in a notebook (JupyterLab, Voilà).

Pure functions that write small, self-contained, escaped HTML in the dashboard's words: the
stage and guideline band, the level of concern with its time frame, each item with its status,
dose, timing and origin, and the warning signs. Colours come from JupyterLab's theme variables
(with light fallbacks), so the same HTML reads in Lab's light and dark themes. ``Plan``,
``PlanItem``, ``Gate`` and ``Content`` call these from their ``_repr_html_``; nothing here imports
ipywidgets or pandas.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcare_nb.content import Content
    from backcare_nb.plan import Gate, Plan, PlanItem

#: Scoped styles: Lab's own variables first, so dark themes keep their colours.
STYLE = (
    "<style>"
    ".bc-display { font-size: var(--jp-content-font-size1, 14px); line-height: 1.45; max-width: 60rem;"
    " color: var(--jp-content-font-color1, #1a1a1a); }"
    ".bc-display h3, .bc-display h4 { margin: .6rem 0 .2rem; }"
    ".bc-display .bc-d-stage { border-left: 5px solid #0072B2; padding: .3rem .6rem; }"
    ".bc-display .bc-d-gate { border: 2px solid #d55e00; padding: .3rem .6rem; margin: .3rem 0; }"
    ".bc-display .bc-d-status { font-weight: 700; color: var(--jp-error-color1, #a50000); }"
    ".bc-display .bc-d-origin { font-size: .8em; color: var(--jp-content-font-color2, #444); }"
    ".bc-display ul { margin: .2rem 0; padding-left: 1.2rem; }"
    ".bc-display table { border-collapse: collapse; }"
    ".bc-display td, .bc-display th { text-align: left; padding: .15rem .5rem; }"
    "</style>"
)


def _wrap(body: str) -> str:
    return f'{STYLE}<div class="bc-display">{body}</div>'


def item_html(item: PlanItem) -> str:
    """One item as the dashboard shows it: title, status, origin, dose, timing, cautions."""
    e = escape
    status = f' <span class="bc-d-status">{e(item.status_text)}</span>' if item.status_text else ""
    cautions = "".join(f"<li>Caution: {e(note.text)}</li>" for note in item.caution_notes)
    alternatives = "".join(
        f'<li>Instead: {e(note.text)} <span class="bc-d-origin">{e(note.origin.label)}</span></li>'
        for note in item.alternatives
    )
    notes = f"<ul>{cautions}{alternatives}</ul>" if cautions or alternatives else ""
    return (
        f'<div class="bc-d-item" data-item-id="{e(item.id)}"><strong>{e(item.title)}</strong>{status} '
        f'<span class="bc-d-origin">{e(item.origin.label)}</span><br>{e(item.dose)}<br>'
        f"<em>When:</em> {e(item.timing)}{notes}</div>"
    )


def gate_html(gate: Gate) -> str:
    """The level of concern: title, time frame, action, why, and what the person keeps doing."""
    e = escape
    reasons = "".join(
        f'<li>{e(note.text)} <span class="bc-d-origin">{e(note.origin.label)}</span></li>' for note in gate.reasons
    )
    flags = "; ".join(label for _, label in gate.flags) or "none"
    meanwhile = f"<br><em>Meanwhile:</em> {e(gate.meanwhile)}" if gate.meanwhile else ""
    return (
        f'<div class="bc-d-gate bc-d-gate-{e(gate.level)}"><strong>Level of concern: {e(gate.title)}</strong> '
        f"({e(gate.time_frame)})<br>{e(gate.action)}{meanwhile}<br><em>Red flags ticked:</em> {e(flags)}"
        + (f"<ul>{reasons}</ul>" if reasons else "")
        + "</div>"
    )


def plan_html(plan: Plan) -> str:
    """A plan as the dashboard reads: where the day sits, the level of concern, the items by
    category, the takeaways and the warning signs."""
    from backcare_nb.render import EPISODE_LABELS

    e = escape
    scenario = plan.scenario
    parts = [
        f'<div class="bc-d-stage"><strong>Day {scenario.days_since_onset}</strong>: {e(plan.stage.label)} '
        f"&middot; guideline band: {e(plan.guideline_band.label)}<br>"
        f"{e(EPISODE_LABELS[scenario.episode])}, pain {scenario.pain}/10</div>",
        gate_html(plan.gate) if plan.gate.flags else "",
    ]
    for label, items in plan.by_category():
        parts.append(f"<h4>{e(label)}</h4>" + "".join(item_html(item) for item in items))
    if plan.takeaways:
        parts.append("<h4>Key takeaways</h4><ul>" + "".join(f"<li>{e(n.text)}</li>" for n in plan.takeaways) + "</ul>")
    nets = "".join(
        f"<li><strong>{e(net.title)}</strong> {e('; '.join(net.signs))}. {e(net.action)}</li>"
        for net in plan.safety_nets
    )
    parts.append(f"<h4>Warning signs</h4><ul>{nets}</ul>")
    parts.append(f'<p class="bc-d-origin">{e(plan.review_line)}. Teaching material, not medical advice.</p>')
    return _wrap("".join(parts))


def content_html(content: Content) -> str:
    """The content at a glance: where it was read from, its version, and every table with its rows."""
    e = escape
    rows = "".join(
        f"<tr><td><code>{e(name)}</code></td><td>{count}</td><td>{e(columns)}</td></tr>"
        for name, count, columns in content.table_summary()
    )
    return _wrap(
        f"<strong>Content</strong> from <code>{e(str(content.directory))}</code> ({e(content.review_line)})"
        f"<table><thead><tr><th>table</th><th>rows</th><th>columns</th></tr></thead><tbody>{rows}</tbody></table>"
        "<p>Show one with <code>content.show(name)</code>; <code>content.tables()</code> lists them.</p>"
    )


def wrap(body: str) -> str:
    """``body`` inside the scoped style (for single items and gates)."""
    return _wrap(body)
