"""Use every control of a widget tree once, as a viewer would, and read the failure notices it left.

:func:`use_every_control` finds the controls by walking the tree (never from a list of names, so a
red flag, caution or case the content adds is used too), uses each once (a button is clicked, a
checkbox or toggle flipped, every option of a select chosen, a slider moved to its ends, a text
typed), then walks again for the controls the first uses opened (the compare panel, the live
class), until a walk finds nothing new. Shared by tests/test_core_dependencies.py (in a Python
without pandas, matplotlib or numpy) and the failure tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import ipywidgets as widgets

from backcare_nb.ui.callbacks import FAILURE_CLASS

#: Walks of the tree at most: each walk uses what the previous one opened.
MAX_WALKS = 8
TYPED_TEXT = "Dr A. Example"
_FILLED_NOTICE = re.compile(rf'class="[^"]*\b{FAILURE_CLASS}\b[^"]*"[^>]*>\s*[^<\s]')


def descendants(root: widgets.Widget) -> Iterator[widgets.Widget]:
    """Every widget under ``root`` (included), in page order."""
    yield root
    for child in getattr(root, "children", ()) or ():
        if isinstance(child, widgets.Widget):
            yield from descendants(child)


def _is_control(widget: widgets.Widget) -> bool:
    return isinstance(
        widget,
        widgets.Button
        | widgets.ToggleButton
        | widgets.Checkbox
        | widgets.Play
        | widgets.widget_selection._Selection  # Dropdown, RadioButtons, Select, SelectionSlider ...
        | widgets.widget_int._Int  # sliders and number boxes
        | widgets.Text  # Text, Password
        | widgets.Accordion,
    )


def describe(widget: widgets.Widget) -> str:
    label = getattr(widget, "description", "") or getattr(widget, "tooltip", "") or ""
    return f"{type(widget).__name__}: {label}"


def use(widget: widgets.Widget) -> None:
    """Use one control once, as a viewer would, through the traits the browser sets."""
    if isinstance(widget, widgets.Button):
        widget.click()
    elif isinstance(widget, widgets.ToggleButton | widgets.Checkbox):
        widget.value = not widget.value
    elif isinstance(widget, widgets.Play):
        widget.playing = True
        widget.playing = False
        widget.value = widget.max  # "stop" while paused moves the play control (and its slider)
        widget.value = widget.min
    elif isinstance(widget, widgets.widget_selection._Selection):
        start = widget.index
        for index in range(len(widget.options)):
            if index != start:
                widget.index = index
    elif isinstance(widget, widgets.widget_int._Int):
        start = widget.value
        low, high = getattr(widget, "min", start - 1), getattr(widget, "max", start + 1)
        for value in (low, high, (low + high) // 2, start):
            widget.value = value
    elif isinstance(widget, widgets.Text):
        widget.value = TYPED_TEXT
    elif isinstance(widget, widgets.Accordion):
        widget.selected_index = 0


def use_every_control(root: widgets.Widget) -> list[str]:
    """Use every enabled control under ``root`` once, including those that using others reveals.

    Returns what was used (type and label), in order.
    """
    used: list[str] = []
    kept: list[widgets.Widget] = []  # kept alive, so no id is reused by a new widget
    seen: set[int] = set()
    for _ in range(MAX_WALKS):
        waiting = [w for w in descendants(root) if _is_control(w) and id(w) not in seen]
        if not waiting:
            break
        for widget in waiting:
            present = {id(w) for w in descendants(root)}
            seen.add(id(widget))
            if id(widget) not in present or getattr(widget, "disabled", False):
                continue  # gone with a re-render, or not usable now: a later walk finds its successor
            kept.append(widget)
            used.append(describe(widget))  # before use: a button may change its label ("Open" to "Close")
            use(widget)
    return used


def failure_notices(root: widgets.Widget) -> list[str]:
    """The failure notices (:data:`~backcare_nb.ui.callbacks.FAILURE_CLASS`) with text, and any
    traceback, shown anywhere under ``root``."""
    found = []
    for widget in descendants(root):
        value = getattr(widget, "value", None)
        if not isinstance(widget, widgets.HTML | widgets.HTMLMath) or not isinstance(value, str):
            continue
        if "Traceback" in value or _FILLED_NOTICE.search(value):
            found.append(value)
    return found
