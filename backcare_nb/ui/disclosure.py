"""A group of controls that folds away behind a button saying how many of its boxes are ticked.

ipywidgets' Accordion headers take no keyboard focus in Voilà; a plain Button does (Tab, then
Enter or Space), and its label can carry the state: "Red flags: 2 ticked (show)".
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from backcare_nb.ui.callbacks import guarded


class Disclosure:
    """A button and the box it shows or hides; show :attr:`widget`.

    Parameters
    ----------
    title
        The group's name, first on the button.
    children
        What the box holds, in order (headings and controls).
    counted
        Checkboxes whose ticks the button counts (none: the button says only show or hide).
    """

    def __init__(
        self, title: str, children: Sequence[widgets.Widget], counted: Sequence[widgets.Checkbox] = ()
    ) -> None:
        self.title = title
        self.counted = list(counted)
        self.box = widgets.VBox(list(children) or self.counted, layout=widgets.Layout(display="none"))
        self.box.add_class("bc-group-box")
        self.button = widgets.Button(layout=widgets.Layout(width="100%"))
        self.button.add_class("bc-disclosure")
        self.button.on_click(self._on_click)
        self.message = widgets.HTML()  # for guarded: a failed toggle says so here
        self.widget = widgets.VBox([self.button, self.box, self.message])
        self.refresh()

    @property
    def is_open(self) -> bool:
        return self.box.layout.display != "none"

    def ticked(self) -> int:
        return sum(bool(box.value) for box in self.counted)

    def refresh(self) -> None:
        """Say on the button how many boxes are ticked and whether the group is open."""
        count = f": {self.ticked()} ticked" if self.counted else ""
        self.button.description = f"{self.title}{count} ({'hide' if self.is_open else 'show'})"
        self.button.icon = "chevron-up" if self.is_open else "chevron-down"

    def set_open(self, is_open: bool) -> None:
        self.box.layout.display = "flex" if is_open else "none"
        self.refresh()

    @guarded
    def _on_click(self, button: widgets.Button) -> None:
        self.set_open(not self.is_open)
