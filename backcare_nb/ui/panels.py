"""The HTML of each panel of the dashboard, as pure functions of a plan.

No widgets here: the dashboard puts these strings into ``ipywidgets.HTML`` values, and tests read
them as the viewer would. Every piece of text from content or from a URL is HTML-escaped. The
CSS classes (``bc-stage``, ``bc-gate``, ``bc-item``...) are a contract with the browser tests.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from backcare_nb.content import Content
from backcare_nb.handout import HandoutDetails, clinician_handout, dashboard_link, patient_handout
from backcare_nb.plan import Plan, PlanItem
from backcare_nb.render import DISCLAIMER, EPISODE_LABELS, handout_file_name, safety_net_html
from backcare_nb.schedule import WHAT, Schedule
from backcare_nb.timeline import TimelineLayout, day_marker_svg, timeline_layout, timeline_svg, timeline_text
from backcare_nb.ui.callbacks import notice_html

VERDICT_WORDS = {
    "agrees": "agrees with the article",
    "goes_beyond": "the article goes beyond this evidence",
    "conflicts": "conflicts with the article",
    "added": "added: not in the article",
}
FRIENDLY_ERROR = (
    "Sorry, the dashboard could not update for these settings. What is shown is from the previous "
    "settings. Try another setting, or reload the page."
)

#: Styles for the whole app, scoped under ``.bc-app``. Long checkbox labels wrap instead of being
#: cut off with an ellipsis (ipywidgets' default), and colours follow the Jupyter theme.
CSS = """
.bc-app { font-size: 15px; line-height: 1.45; color: var(--jp-content-font-color1, #1a1a1a); }
.bc-app .widget-html-content { line-height: 1.45; }
.bc-app .bc-controls { min-width: 18rem; max-width: 26rem; padding-right: 1rem; }
.bc-app .bc-outputs { min-width: 20rem; }
.bc-app .widget-checkbox { width: auto; height: auto; min-height: var(--jp-widgets-inline-height, 28px); }
.bc-app .widget-checkbox label.widget-label-basic { white-space: normal; overflow: visible;
  text-overflow: clip; line-height: 1.3; display: flex; align-items: flex-start; padding: 3px 0; }
.bc-app .widget-checkbox input[type='checkbox'] { flex-grow: 0; margin-top: 2px; }
.bc-app .widget-label { overflow: visible; text-overflow: clip; }
.bc-app .widget-slider, .bc-app .widget-text, .bc-app .widget-dropdown { width: auto; max-width: 100%; }
.bc-app .bc-heading { font-size: 1.1rem; margin: .9rem 0 .2rem; }
.bc-app .bc-group { font-size: .95rem; margin: .5rem 0 0; font-weight: 600; }
.bc-app .bc-stage { border-left: 6px solid #0072B2; background: rgba(0, 114, 178, .09); padding: .5rem .8rem;
  font-size: 1.15rem; margin: .3rem 0; }
.bc-app .bc-stage p { margin: .2rem 0; font-size: .95rem; }
.bc-app .bc-gate { border: 3px solid #a50000; background: rgba(165, 0, 0, .09); padding: .5rem .8rem; margin: .3rem 0; }
.bc-app .bc-gate h2 { font-size: 1.25rem; margin: .1rem 0 .3rem; }
.bc-app .bc-notice, .bc-app .bc-warning { border-left: 4px solid #b36b00; background: rgba(230, 159, 0, .14);
  padding: .3rem .6rem; margin: .3rem 0; }
.bc-app .bc-error { border: 2px solid #a50000; padding: .4rem .6rem; font-weight: 600; }
.bc-app .bc-error:empty { display: none; }
.bc-app .bc-case { border-left: 4px solid #009E73; padding: .3rem .7rem; margin: .3rem 0; }
.bc-app .bc-plan ul { list-style: none; padding-left: 0; margin: .2rem 0; }
.bc-app .bc-item { margin: .35rem 0 .7rem; }
.bc-app .bc-dose, .bc-app .bc-timing { margin: .1rem 0; }
.bc-app .bc-plan h2.bc-heading { font-size: 1.2rem; margin: .6rem 0 0; }
.bc-app .bc-plan h3.bc-heading { font-size: 1.1rem; border-bottom: 2px solid #0072B2; padding-bottom: .1rem;
  margin-top: .9rem; }
.bc-app .bc-item-title { font-weight: 700; font-size: 1rem; }
.bc-app .bc-status { font-weight: 700; color: #a50000; }
.bc-app .bc-origin { font-size: .8rem; border: 1px solid currentColor; border-radius: .6rem; padding: 0 .4rem;
  white-space: nowrap; color: var(--jp-ui-font-color2, #444); }
.bc-app .bc-meanwhile { border-left: 4px solid #009E73; padding-left: .5rem; }
.bc-app .bc-safety .safety { border: 3px solid #a50000; padding: .3rem .8rem; margin: .6rem 0; }
.bc-app .bc-safety h2 { font-size: 1.1rem; margin: .3rem 0; }
.bc-app .bc-safety h3 { font-size: 1rem; margin: .5rem 0 .1rem; }
.bc-app .bc-safety ul { margin: .1rem 0; }
/* JupyterLab's dark theme (voila --theme dark): #a50000 would read at about 2:1 on its background. */
body[data-jp-theme-light='false'] .bc-app .bc-status { color: #ff8a80; }
/* The teaching panels' titles: ipywidgets draws them in a secondary grey (under 4.5:1 in both themes). */
.bc-app .bc-teaching .jupyter-widget-Collapse-header { color: var(--jp-ui-font-color1, #1a1a1a); }
.bc-app .bc-item details { margin-top: .15rem; }
.bc-app .bc-picture { margin: .3rem 0; max-width: 26rem; }
.bc-app .bc-picture svg { width: 100%; height: auto; display: block; }
.bc-app .bc-item summary { cursor: pointer; color: var(--jp-content-link-color, #0b5394); }
.bc-app .bc-timeline-svg, .bc-app .bc-timeline-marker { width: 100%; max-width: 1100px; height: auto;
  display: block; }
/* The day marker is its own small picture laid over the timeline's (which stays the same all week). */
.bc-app .bc-timeline-box { position: relative; }
.bc-app figure.bc-timeline { margin: 0; }
.bc-app .bc-timeline-box > .bc-timeline-over { position: absolute; top: 0; left: 0; width: 100%; pointer-events: none;
  z-index: 1; will-change: transform; }  /* its own layer: a moving marker repaints only itself */
.bc-app .bc-schedule table { border-collapse: collapse; font-size: .9rem; }
/* A panel is no wider than the column; a table wider than a phone scrolls in its own box. */
.bc-app .bc-outputs .widget-html-content { min-width: 0; }
.bc-app .bc-outputs .widget-html { max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); }
.bc-app .bc-table-scroll { overflow-x: auto; max-width: 100%; }
.bc-app .bc-schedule th, .bc-app .bc-schedule td { border: 1px solid #999; padding: .2rem .4rem;
  text-align: left; vertical-align: top; }
.bc-app .bc-disclaimer { border: 2px solid #7a4b00; padding: .4rem .7rem; font-weight: 600; margin-top: 1rem; }
.bc-app a.bc-handout { font-weight: 700; font-size: 1.05rem; }
.bc-app a.bc-handout, .bc-app a.bc-deep-link { color: var(--jp-content-link-color, #0b5394);
  text-decoration: underline; }
.bc-app .bc-links ul { list-style: none; padding-left: 0; }
.bc-app .bc-links li { margin: .3rem 0; }
.bc-app button.bc-print { min-height: 2rem; margin-left: .5rem; cursor: pointer; }
/* The shared header: the page's title, the teaching-material line and the navigation. */
.bc-header h1 { font-size: 1.5rem; margin: .2rem 0; }
.bc-header .bc-tagline { margin: .1rem 0 .3rem; font-weight: 600; line-height: 1.35; }
.bc-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; padding: 0; margin: .2rem 0 .6rem; }
.bc-nav a { display: inline-block; min-height: 44px; line-height: 44px; padding: 0 .3rem; font-weight: 600;
  color: var(--jp-content-link-color, #0b5394); }
.bc-nav a[aria-current] { color: inherit; text-decoration: none; border-bottom: 4px solid #0072B2; }
/* Focus rings of at least 3:1 on both themes (ipywidgets' default is about 2.2:1 on white). */
.bc-page :focus-visible, .bc-app :focus-visible { outline: 3px solid #0b5394 !important; outline-offset: 2px; }
body[data-jp-theme-light='false'] .bc-page :focus-visible,
body[data-jp-theme-light='false'] .bc-app :focus-visible { outline-color: #8ab4f8 !important; }
/* The controls: a column that stays in view while the plan scrolls (desktop widths). */
.bc-page, .bc-app, .bc-app .bc-body { overflow: visible; }
/* Sticky needs every box between it and the page's scrolling area to let it overflow (JupyterLab's
   output area clips by default). */
.jp-OutputArea:has(.bc-app), .jp-OutputArea-child:has(.bc-app), .jp-OutputArea-output:has(.bc-app) {
  overflow: visible; }
.bc-app .bc-controls { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; z-index: 2;
  background: var(--jp-layout-color1, #fff); }
/* Taller than the screen (the red flags and cautions open), the column scrolls: its boxes keep their
   height instead of shrinking until their rows overlap the presenter buttons and cover them. */
.bc-app .bc-controls > *, .bc-app .bc-controls .widget-box > * { flex-shrink: 0; }
.bc-app .bc-day .widget-slider { width: 100%; min-height: 36px; }
.bc-app .bc-day .widget-text { width: auto; flex: 0 0 auto; }
.bc-app .bc-day .widget-text input { width: 5.5rem; flex: 0 0 auto; }
.bc-app button.bc-presenter-toggle { width: auto; padding: 0 .8rem; }
.bc-app button.bc-disclosure { justify-content: flex-start; text-align: left; font-weight: 600; margin-top: .4rem; }
.bc-app button.bc-open-panel { font-weight: 600; margin: .6rem 0 .2rem; }
.bc-app .bc-case-changed { border-left: 4px solid #b36b00; padding-left: .5rem; margin: 0 0 0 .6rem; }
.bc-app .bc-teaching { overflow-x: auto; max-width: 100%; }
/* The evidence lens's chart: 800 units wide, never shown narrower than the page allows nor so wide that
   it outgrows a laptop's screen height. */
.bc-app .bc-effect-svg { width: 100%; max-width: 1000px; height: auto; display: block; }
.bc-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.bc-reduced-motion { display: none; }
@media (prefers-reduced-motion: reduce) { .bc-app .bc-play { display: none; } .bc-reduced-motion { display: block; } }
.bc-app .bc-timeline-words, .bc-app .bc-chart-words { display: none; }
/* Phones: the result first (the level of concern, the stage, the plan), the controls after it,
   touch targets of at least 44 px, and the timeline in words (a wide picture would shrink to 5 px text). */
@media (max-width: 600px) {
  .bc-app .bc-outputs { order: -1; min-width: 0; width: 100%; }
  .bc-app .bc-controls { position: static; max-height: none; min-width: 0; max-width: none; width: 100%;
    padding-right: 0; }
  .bc-header h1 { font-size: 1.25rem; }
  .bc-app .bc-timeline-svg, .bc-app .bc-timeline-marker, .bc-app .bc-effect-svg { display: none; }
  .bc-app .bc-chart-words { display: block; }
  .bc-evidence .bc-effect-figure, .bc-evidence .bc-effect-figure + details { display: none; }
  .bc-app .bc-timeline-box > .bc-timeline-over { position: static; }
  .bc-app .bc-timeline-words { display: block; }
  .bc-app .bc-timeline figcaption { display: none; }
}
@media (max-width: 600px), (pointer: coarse) {
  .bc-app .widget-checkbox label.widget-label-basic { min-height: 44px; align-items: center; }
  .bc-app .widget-checkbox input[type='checkbox'] { width: 24px; height: 24px; margin: 0 .5rem 0 0; }
  .bc-app button, .bc-app select, .bc-app input[type='number'], .bc-app input[type='text'] { min-height: 44px; }
  .bc-app .widget-slider .noUi-handle, .bc-app .widget-slider .ui-slider-handle { width: 28px; height: 28px; }
  .bc-app summary { min-height: 44px; line-height: 44px; }
}
@media print { .bc-app .widget-html-content { line-height: 1.45; }
.bc-app .bc-controls { display: none; } }
"""


def style_panel() -> str:
    """The ``<style>`` element for the app."""
    return f"<style>{CSS}</style>"


def _words(value: str) -> str:
    return value.replace("_", " ")


def stage_panel(plan: Plan) -> str:
    """Where the scenario sits: the day, the article's stage and the guideline band."""
    scenario = plan.scenario
    e = escape
    return (
        '<div class="bc-stage" role="status" aria-live="polite">'
        f"<strong>Day {scenario.days_since_onset}</strong>: {e(plan.stage.label)} "
        f"&middot; guideline band: {e(plan.guideline_band.label)}"
        f"<p>{e(EPISODE_LABELS[scenario.episode])}, pain {scenario.pain}/10. {e(plan.stage.summary)}</p>"
        "</div>"
    )


def gate_panel(plan: Plan) -> str:
    """The level-of-concern banner, or "" when no flag is ticked.

    It names the level and its time frame, the action, why (each matched rule, with its origin),
    any ticked flag that does not reach a level on its own, and what the person keeps doing.
    """
    e = escape
    gate = plan.gate
    if not gate.flags:
        return ""
    flags = "".join(f"<li>{e(label)}</li>" for _, label in gate.flags)
    reasons = "".join(f"<li>{e(note.text)} {_origin(note.origin)}</li>" for note in gate.reasons)
    below = ""
    if gate.below_threshold:
        below = "<p>Not enough on their own to change the level: " + e("; ".join(gate.below_threshold)) + ".</p>"
    meanwhile = ""
    if gate.meanwhile:
        meanwhile = f'<p class="bc-meanwhile"><strong>Meanwhile:</strong> {e(gate.meanwhile)}</p>'
    meanwhile += "".join(
        f'<p class="bc-meanwhile"><strong>While waiting:</strong> {e(note.text)} {_origin(note.origin)}</p>'
        for note in plan.while_waiting
    )
    return (
        f'<div class="bc-gate bc-gate-{e(gate.level)}" role="alert">'
        f"<h2>{e(gate.title)}</h2><p><strong>When:</strong> {e(gate.time_frame)}. {e(gate.action)}</p>"
        f"{meanwhile}<p>Red flags ticked:</p><ul>{flags}</ul>"
        + (f"<p>Why:</p><ul>{reasons}</ul>" if reasons else "")
        + f"{below}</div>"
    )


def _origin(origin: Any) -> str:
    kind = "article" if origin.from_article else "added"
    return f'<span class="bc-origin bc-origin-{kind}">{escape(origin.label)}</span>'


def safety_net_panel(plan: Plan) -> str:
    """The warning signs every plan carries (cauda equina first), in plain words with what to do."""
    return f'<div class="bc-safety">{safety_net_html(plan, heading_level=2)}</div>'


def notices_panel(notices: Iterable[str]) -> str:
    """Notices about the link the page was opened with (bad values, fallbacks)."""
    return "".join(f'<p class="bc-notice" role="status">{escape(notice)}</p>' for notice in notices)


def case_panel(case: Mapping[str, Any] | None) -> str:
    """The teaching case's story and learning points, or "" when no case is chosen."""
    if not case:
        return ""
    points = "".join(f"<li>{escape(point)}</li>" for point in case["learning_points"])
    # Predict, then reveal: the learning points give the answers away, so they wait behind a click.
    return (
        f'<div class="bc-case"><h2 class="bc-heading">Teaching case: {escape(case["title"])}</h2>'
        f"<p>{escape(case['scenario'])}</p>"
        "<p><strong>Before you read the plan:</strong> what level of concern, which stage, and what belongs "
        "in the plan today?</p>"
        f"<details><summary>Show the learning points</summary><ul>{points}</ul></details></div>"
    )


def case_changed_note(title: str) -> str:
    """Beside "Back to the case": the plan on screen is no longer the case's, because a control moved."""
    return (
        f'<p class="bc-case-changed" role="status">Changed from the case "{escape(title)}": '
        "the plan shows your changes.</p>"
    )


def _evidence(item: PlanItem) -> str:
    notes = []
    for note in item.evidence:
        verdict = VERDICT_WORDS.get(note.verdict, note.verdict)
        notes.append(
            f"<li><strong>{escape(note.short or note.source_id)}</strong> ({escape(verdict)}; "
            f"certainty: {escape(_words(note.certainty))}): {escape(note.finding)}</li>"
        )
    return f"<p>Evidence:</p><ul>{''.join(notes)}</ul>" if notes else ""


def item_html(item: PlanItem) -> str:
    """One item: title, status, dose and timing in view; the why and the evidence folded away."""
    e = escape
    status = f' <span class="bc-status">{e(item.status_text)}</span>' if item.status_text else ""
    how = f"<p>How: {e(item.how_to)}</p>" if item.how_to else ""
    if item.picture:  # checked by the loader: an SVG with nothing that runs or loads
        how += f'<figure class="bc-picture" role="img" aria-label="{e(item.picture_alt)}">{item.picture}</figure>'
    cautions = "".join(f'<p class="bc-caution">Caution: {e(note.text)}</p>' for note in item.caution_notes)
    instead = "".join(
        f'<p class="bc-alternative">Instead: {e(note.text)} {_origin(note.origin)}</p>' for note in item.alternatives
    )
    return (
        f'<li class="bc-item bc-status-{e(item.status)}" data-item-id="{e(item.id)}">'
        f'<span class="bc-item-title">{e(item.title)}</span>{status} {_origin(item.origin)}'
        f'<div class="bc-dose">{e(item.dose)}</div>'
        f'<div class="bc-timing">When: {e(item.timing)}</div>{cautions}{instead}'
        f'<details><summary>Why, and the evidence<span class="bc-sr">: {e(item.title)}</span></summary>'
        f"<p>{e(item.rationale)}</p>{how}"
        f"{_evidence(item)}</details></li>"
    )


def plan_panel(plan: Plan) -> str:
    """The plan, by category, with a warning line for severe pain and similar notes.

    The day is in the stage banner above, not here: the plan's HTML then stays the same while the
    days go by with the same advice, and a key press sends the browser nothing for it.
    """
    parts = [
        '<section class="bc-plan" aria-labelledby="bc-plan-heading">'
        '<h2 class="bc-heading" id="bc-plan-heading">The plan</h2>'
    ]
    if plan.gate.replaces_plan:
        parts.append("<p>No self-care plan: go now, as the box above says.</p>")
    parts += [f'<p class="bc-warning">{escape(warning.text)}</p>' for warning in plan.warnings]
    for label, items in plan.by_category():
        parts.append(f'<h3 class="bc-heading">{escape(label)}</h3><ul>')
        parts += [item_html(item) for item in items]
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def timeline_panel(plan: Plan, content: Content, layout: TimelineLayout | None = None) -> str:
    """The timeline picture without the day marker (see :func:`timeline_marker_panel`), and its text
    alternative as a folded description. The same for every day of a scenario."""
    layout = layout or timeline_layout(plan, content)
    text = timeline_text(plan, content, mark_day=False, rows=layout.rows)
    picture = timeline_svg(plan, content, mark_day=False, description=text, layout=layout)
    return (
        f'<figure class="bc-timeline">{picture}'
        f"<figcaption><details><summary>The timeline in words</summary><p>{escape(text)}</p>"
        f'</details></figcaption><p class="bc-timeline-words">{escape(text)}</p></figure>'
    )


def timeline_marker_panel(layout: TimelineLayout, day: int) -> str:
    """The day marker laid over :func:`timeline_panel`'s picture; on a phone, the day in words."""
    return (
        f'<div class="bc-timeline-mark">{day_marker_svg(layout, day)}'
        f'<p class="bc-timeline-words">The current day: {day}.</p></div>'
    )


def schedule_panel(schedule: Schedule) -> str:
    """The weekly schedule as a table, with its message."""
    parts = ['<section class="bc-schedule"><h2 class="bc-heading">This week</h2>']
    if schedule.rows:
        head = "".join(f'<th scope="col">{escape(day)}</th>' for day in schedule.headings)
        rows = [
            f'<tr><th scope="row">{escape(row.title)}</th>{_schedule_cells(list(row.days))}</tr>'
            for row in schedule.rows
        ]
        # Focusable, so a keyboard can scroll it where it is wider than the screen.
        parts.append(
            '<div class="bc-table-scroll" role="region" aria-label="This week, day by day" tabindex="0">'
            f'<table><caption>What to do on each of the next seven days</caption><thead><tr><th scope="col">'
            f"{escape(WHAT)}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    if schedule.message:
        parts.append(f"<p>{escape(schedule.message)}</p>")
    parts.append("</section>")
    return "".join(parts)


def _schedule_cells(cells: list[str]) -> str:
    """Table cells for one row, with a run of days that say the same merged into one wide cell.

    A daily item then reads once across the week instead of seven times, which a projector needs.
    """
    html = []
    start = 0
    while start < len(cells):
        end = start + 1
        while cells[start] and end < len(cells) and cells[end] == cells[start]:
            end += 1
        span = f' colspan="{end - start}"' if end - start > 1 else ""
        html.append(f"<td{span}>{escape(str(cells[start]))}</td>")
        start = end
    return "".join(html)


def takeaways_panel(plan: Plan) -> str:
    """The key takeaways for the stage and episode."""
    if plan.takeaways:
        body = (
            "<ul>"
            + "".join(f"<li>{escape(note.text)} {_origin(note.origin)}</li>" for note in plan.takeaways)
            + "</ul>"
        )
    else:
        body = "<p>No takeaways: the self-care plan is replaced by going to the emergency department.</p>"
    return f'<section class="bc-takeaways"><h2 class="bc-heading">Key takeaways</h2>{body}</section>'


def related_panel(plan: Plan) -> str:
    """The article's related topics."""
    if not plan.related:
        return ""
    topics = "".join(f"<li><strong>{escape(topic.title)}</strong>: {escape(topic.why)}</li>" for topic in plan.related)
    return f'<section class="bc-related"><h2 class="bc-heading">Related topics</h2><ul>{topics}</ul></section>'


def _data_link(html: str, name: str, kind: str, text: str) -> str:
    data = base64.b64encode(html.encode("utf-8")).decode("ascii")
    return (
        f'<a class="bc-handout bc-handout-{kind}" download="{escape(name)}" '
        f'href="data:text/html;charset=utf-8;base64,{data}">{escape(text)}</a>'
    )


def handout_panel(plan: Plan, details: HandoutDetails | None = None, served_at: str | None = None) -> str:
    """The handouts' heading and a link to this scenario (see :func:`backcare_nb.handout.dashboard_link`);
    the handouts themselves come on request (:func:`handout_links_panel`)."""
    link = dashboard_link(plan, details.public_url if details else "", served_at)
    return (
        '<div class="bc-links"><h2 class="bc-heading">Handouts</h2>'
        f'<p><a class="bc-deep-link" href="{escape(link)}" target="_blank" rel="noopener">'
        "Link to this scenario</a> (opens in a new tab)</p></div>"
    )


def handout_links_panel(plan: Plan, details: HandoutDetails | None = None) -> str:
    """Download links for the patient handout and the clinician summary, with a print button for
    each (the page's template opens the handout and calls print)."""
    patient = _data_link(
        patient_handout(plan, details), handout_file_name(plan, "patient"), "patient", "Patient handout"
    )
    clinician = _data_link(
        clinician_handout(plan, details), handout_file_name(plan, "clinician"), "clinician", "Clinician summary"
    )
    return (
        '<div class="bc-links"><ul>'
        f'<li>{patient} <button type="button" class="bc-print" data-handout="patient">'
        "Print or save as PDF</button></li>"
        f'<li>{clinician} <button type="button" class="bc-print" data-handout="clinician">'
        "Print or save as PDF</button></li></ul></div>"
    )


def disclaimer_panel(review_line: str = "") -> str:
    """The footer that says what this is, and which version of the content, reviewed when."""
    review = f' <span class="bc-review">{escape(review_line)}.</span>' if review_line else ""
    return f'<div class="bc-disclaimer" role="note">{escape(DISCLAIMER)}{review}</div>'


def error_panel(message: str = "") -> str:
    """The error area above the result: empty (and hidden) normally, a friendly message after a
    failed update (the one notice of :mod:`backcare_nb.ui.callbacks`)."""
    return notice_html(message)
