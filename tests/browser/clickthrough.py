"""Use every control on a page in Chromium, as a viewer would, and collect everything that went wrong.

:func:`click_through` finds the controls in the page itself (every button, toggle, checkbox, radio
button, select, slider, text box, folded group and ``<details>``), never from a list of names, so
a red flag, caution, case or page the content adds is used too. It uses each visible one once
with real input events (a click, each option of a select, arrow keys, typing and Enter), waits for
the page to settle, and looks again for the controls that use opened (the compare panel, the
evidence lens, the live class, a quiz's new questions), until none is left.

:class:`Problems` records what a viewer or the server would show as a fault: a failure notice
(``bc-failure`` with text), a traceback in the page, an error output of the notebook, a console
error or an uncaught exception in the page (the static site's Python reports there), and for a
served page the server's log. Shared by tests/browser/test_installed_shapes.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Uses at most, on one page: a bound, far above the few hundred controls a page has.
MAX_USES = 2000
#: The page has settled when nothing in it changed for this long (a kernel's answer changes it).
QUIET_MS = 150
#: The longest wait for a page to settle after one use (Play, say, keeps it changing for a while).
SETTLE_LIMIT_MS = 15_000
TYPED_TEXT = "Dr A. Example"

# Finds the usable controls that have not been used yet, numbers them (data-walk) and describes
# them. Visible and enabled only: a folded group's boxes are found once its button has opened it.
DISCOVER = r"""() => {
  window.__walk = window.__walk || 0;
  const kinds = [
    ["summary", "details > summary"],
    ["group", ".jupyter-widget-Collapse-header, .lm-AccordionPanel-title, .p-Collapse-header"],
    ["button", "button"],
    ["checkbox", "input[type=checkbox]"],
    ["radio", "input[type=radio]"],
    ["select", "select"],
    ["slider", "[role=slider]"],
    ["text", "input[type=text], input[type=password], input[type=number], textarea"],
  ];
  const labelOf = (element) => {
    const aria = element.getAttribute("aria-label") || element.getAttribute("title") || "";
    const labelled = element.labels && element.labels.length ? element.labels[0].innerText : "";
    const own = element.tagName === "SELECT" || element.tagName === "INPUT" ? "" : element.innerText;
    const widgetLabel = element.closest(".widget-inline-hbox, .widget-inline-vbox, .widget-hbox");
    const near = widgetLabel ? (widgetLabel.querySelector(".widget-label") || {}).innerText || "" : "";
    const named = own.trim() || aria || labelled || near || element.getAttribute("placeholder") || "";
    return named.trim().slice(0, 80);
  };
  // The name with what changes as a control is used taken out (counts, "(show)", "Open:"), and its
  // place among controls of that kind and name, so a control drawn again after a change is known
  // as the one already used, while scenario B's boxes are told from scenario A's.
  const keyOf = (kind, label) =>
    kind + ": " + label.replace(/\d+|\((show|hide)\)|^(Open|Close): /g, "").replace(/\s+/g, " ").trim();
  const found = [];
  const seen = new Set();
  const ordinals = new Map();
  for (const [kind, selector] of kinds) {
    for (const element of document.querySelectorAll(selector)) {
      if (seen.has(element)) continue;
      seen.add(element);
      const label = labelOf(element);
      const key = keyOf(kind, label);
      const ordinal = ordinals.get(key) || 0;
      ordinals.set(key, ordinal + 1);
      if (element.dataset.walked) continue;
      if (element.disabled || element.getAttribute("aria-disabled") === "true") continue;
      const shown = {checkOpacity: true, checkVisibilityCSS: true};
      if (!element.checkVisibility || !element.checkVisibility(shown)) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (!element.dataset.walk) element.dataset.walk = String(++window.__walk);
      const options = element.tagName === "SELECT" ? element.options.length : 0;
      // A toggle (ipywidgets' ToggleButton) may hide as much as it shows (presenter mode folds the
      // controls away): it is switched on only when nothing else is left, and off again after.
      const toggle = element.matches(".widget-toggle-button, [aria-pressed]");
      const pressed = element.classList.contains("mod-active") || element.getAttribute("aria-pressed") === "true";
      found.push({id: element.dataset.walk, kind, label, key: ordinal ? `${key} #${ordinal + 1}` : key, options,
                  toggle, pressed});
    }
  }
  found.sort((a, b) => {
    const [x, y] = [a, b].map(item => document.querySelector(`[data-walk="${item.id}"]`));
    return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  return found;
}"""

# Resolves once nothing in the page has changed for `quiet` ms, or after `limit` ms.
SETTLE = r"""([quiet, limit]) => new Promise(resolve => {
  let timer;
  const start = performance.now();
  const done = () => { observer.disconnect(); resolve(performance.now() - start); };
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    if (performance.now() - start > limit) { done(); return; }
    timer = setTimeout(done, quiet);
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
  timer = setTimeout(done, quiet);
})"""

# What a viewer would read as a fault: failure notices with text, tracebacks, the notebook's errors.
PAGE_FAULTS = r"""() => {
  const faults = [];
  for (const notice of document.querySelectorAll(".bc-failure")) {
    if (notice.innerText.trim()) faults.push("notice: " + notice.innerText.trim());
  }
  for (const output of document.querySelectorAll(
      "[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText[data-mime-type*=error]")) {
    faults.push("notebook error output: " + output.innerText.slice(0, 300));
  }
  const text = document.body.innerText;
  for (const word of ["Traceback (most recent call last)", "ModuleNotFoundError", "Exception:"]) {
    if (text.includes(word)) faults.push("page text: " + word);
  }
  return faults;
}"""

#: Lines of a server's log that mean something failed.
SERVER_LOG_FAULT = re.compile(r"Traceback \(most recent call last\)|\bERROR\b|\[E \d|Error in \w+\.")


@dataclass
class Problems:
    """What went wrong while a page was used: console errors and uncaught exceptions, as they came."""

    console: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("console", lambda message: self.console.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))


def settle(page, quiet_ms: int = QUIET_MS) -> None:
    page.evaluate(SETTLE, [quiet_ms, SETTLE_LIMIT_MS])


def _use(page, control: dict, quiet_ms: int) -> None:
    locator = page.locator(f'[data-walk="{control["id"]}"]')
    kind = control["kind"]
    if kind == "select":
        for index in range(control["options"]):
            locator.select_option(index=index)
            settle(page, quiet_ms)
        return
    if kind == "slider":
        locator.focus()
        for key in ("ArrowRight", "End", "Home"):
            locator.press(key)
            settle(page, quiet_ms)
        return
    if kind == "text":
        locator.fill("12" if locator.get_attribute("type") == "number" else TYPED_TEXT)
        locator.press("Enter")
    else:  # buttons, toggles, checkboxes, radio buttons, folded groups
        locator.click()
    settle(page, quiet_ms)


def click_through(
    page, quiet_ms: int = QUIET_MS, skip: tuple[str, ...] = (), kinds: tuple[str, ...] | None = None
) -> list[str]:
    """Use every control on ``page`` once, including those that using others reveals; with ``kinds``
    (``("button", "summary", "group")``, say) only controls of those kinds.

    One control at a time, the first unused one in page order, looking again after each use (a
    "Play" enables "Pause"; a button opens a panel). A toggle is switched on only when no other
    control is left, and switched off again once what it revealed has been used.

    ``skip`` names controls not to use, by key ("button: Presenter mode": the kind and the label
    without counts or "(show)"). Returns the keys of what was used, in order.
    """
    used: list[str] = []
    keys: set[str] = set(skip)
    switched_on: list[str] = []  # walk ids of toggles this walk switched on
    for _ in range(MAX_USES):
        waiting = [
            control
            for control in page.evaluate(DISCOVER)
            if control["key"] not in keys and (kinds is None or control["kind"] in kinds)
        ]
        control = next((c for c in waiting if not c["toggle"]), None)
        if control is None and switched_on:
            toggle = page.locator(f'[data-walk="{switched_on.pop()}"]')
            if toggle.count() and toggle.is_visible():
                toggle.click()  # off again: its own second use
                settle(page, quiet_ms)
            continue
        control = control or next(iter(waiting), None)
        if control is None:
            break
        keys.add(control["key"])
        used.append(control["key"])
        page.locator(f'[data-walk="{control["id"]}"]').evaluate("element => { element.dataset.walked = '1'; }")
        if control["toggle"] and not control["pressed"]:
            switched_on.append(control["id"])
        _use(page, control, quiet_ms)
    else:
        raise AssertionError(f"more than {MAX_USES} controls: {used[-20:]}")
    settle(page, quiet_ms * 4)
    return used


def page_faults(page) -> list[str]:
    """Failure notices, tracebacks and notebook errors shown on ``page`` now."""
    return page.evaluate(PAGE_FAULTS)


def server_log_faults(log: str) -> list[str]:
    """The lines of a server's log that say something failed."""
    return [line for line in log.splitlines() if SERVER_LOG_FAULT.search(line)]
