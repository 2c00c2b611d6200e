"""One app from one server: the page the link names (``?page=quiz``), under a shared header.

``backcare-nb dashboard`` serves one notebook; its last cell shows :func:`app_from_environment`,
which reads the page's query string (Voilà passes it to the kernel as ``QUERY_STRING``) and opens
the dashboard, the quiz or the evidence lens under one header with the title, the "teaching
material" line and a navigation bar of plain links. A link reloads the page in a fresh kernel, so
deep links (``?page=evidence&days=12``) and the browser's Back button work as on any web site, and
nothing but this one notebook is exposed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as widgets

from backcare_nb import preheat
from backcare_nb.content import Content
from backcare_nb.render import DISCLAIMER
from backcare_nb.scenario import ECHO_LENGTH, MAX_DAYS, MAX_QUERY_LENGTH, scenario_from_query
from backcare_nb.ui.callbacks import log_to_server
from backcare_nb.ui.dashboard import LIVE_CLASS, DashboardApp
from backcare_nb.ui.evidence import EvidenceLensApp
from backcare_nb.ui.quiz import QuizApp

logger = logging.getLogger("backcare_nb")


@dataclass(frozen=True)
class Page:
    """A page of the app: its name in links, its label in the navigation, its heading and opener.

    ``open`` takes the content and the parsed query (name -> last value) and returns the page's app
    and any notices about values it could not use; the app's ``widget`` is what is shown.
    """

    name: str
    label: str
    title: str
    open: Callable[[Content, str], tuple[Any, list[str]]]


def _open_dashboard(content: Content, query: str) -> tuple[Any, list[str]]:
    scenario, notices = scenario_from_query(query, content)
    return DashboardApp(content, scenario), notices


def _open_quiz(content: Content, query: str) -> tuple[Any, list[str]]:
    case = _last(query, "case")
    known = {row["id"] for row in content.records["cases"]}
    notices = []
    if case is not None and case not in known:
        notices.append(f"No teaching case called {_echo(case)}; starting with the first case.")
        case = None
    return QuizApp(content, case_id=case), notices


def _open_evidence(content: Content, query: str) -> tuple[Any, list[str]]:
    # The day comes from the same lenient parser as the dashboard's, so a bad value reads the same.
    scenario, notices = scenario_from_query(f"days={_last(query, 'days') or 10}", content)
    return EvidenceLensApp(content, day=min(scenario.days_since_onset, MAX_DAYS)), notices


def _open_class(content: Content, query: str) -> tuple[Any, list[str]]:
    # A learner's page in a live class (?page=class&join=CODE); without a code it asks for one.
    # Imported here: only a learner's kernel needs the class store (and its sqlite3).
    from backcare_nb.ui.live import ClassLearnerApp

    return ClassLearnerApp(content, code=(_last(query, "join") or "")[:ECHO_LENGTH]), []


#: The pages, in navigation order; the first is the default.
PAGES: dict[str, Page] = {
    page.name: page
    for page in (
        Page("dashboard", "Dashboard", "Low back spasms: how the advice changes, day by day", _open_dashboard),
        Page("quiz", "Quiz", "Test yourself on the teaching cases", _open_quiz),
        Page("evidence", "Evidence lens", "The article's advice against the guidelines", _open_evidence),
        Page("class", "Join a class", "Live class: answer the case on your phone", _open_class),
    )
    # In the browser's Python (the static site) there is no shared store for a class to meet in.
    if page.name != "class" or LIVE_CLASS
}
DEFAULT_PAGE = "dashboard"


def _last(query: str, name: str) -> str | None:
    values = parse_qs(query[:MAX_QUERY_LENGTH], keep_blank_values=True).get(name)
    return values[-1] if values else None


def _echo(value: str) -> str:
    return repr(value[:ECHO_LENGTH] + ("..." if len(value) > ECHO_LENGTH else ""))


def page_name(query: str) -> tuple[str, list[str]]:
    """The page a query string asks for, and a notice when it names no page (then the default)."""
    name = _last(query, "page")
    if name is None or name in PAGES:
        return name or DEFAULT_PAGE, []
    return DEFAULT_PAGE, [f"No page called {_echo(name)}; showing the dashboard."]


def header_html(current: str) -> str:
    """The banner: the page's heading, the teaching-material line and the navigation links.

    Links are relative (``?page=quiz``), so they work under any base URL and on a static host.
    """
    links = "".join(
        f'<li><a href="?page={page.name}"{" aria-current=page" if page.name == current else ""}>'
        f"{escape(page.label)}</a></li>"
        for page in PAGES.values()
    )
    return (
        f'<header class="bc-header"><h1>{escape(PAGES[current].title)}</h1>'
        f'<p class="bc-tagline">{escape(DISCLAIMER)}</p>'
        f'<nav class="bc-nav" aria-label="Pages"><ul>{links}</ul></nav></header>'
    )


class AppPage:
    """A page of the app under the shared header; show :attr:`widget`.

    Attributes
    ----------
    name
        The page's name (a key of :data:`PAGES`).
    app
        The page's own app (a :class:`DashboardApp`, :class:`QuizApp` or :class:`EvidenceLensApp`).
    """

    def __init__(self, content: Content, query: str = "") -> None:
        log_to_server()
        self.name, notices = page_name(query)
        self.app, more = PAGES[self.name].open(content, query)
        notices = notices + more
        self.header = widgets.HTML(header_html(self.name), layout=widgets.Layout(width="100%"))
        body = getattr(self.app, "widget", None) or self.app.container
        self.widget = widgets.VBox([self.header, body])
        self.widget.add_class("bc-page")
        self.show_notices(notices)

    def show_notices(self, notices: list[str]) -> None:
        """Say what in the link could not be used (the dashboard has its own notices panel)."""
        if not notices:
            return
        if isinstance(self.app, DashboardApp):
            self.app.add_notices(notices)
        else:
            text = "".join(f'<p class="bc-notice" role="status">{escape(notice)}</p>' for notice in notices)
            self.app.message.value = text + self.app.message.value

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def app_from_environment(content: Content) -> AppPage:
    """The page for the link this page was opened with (``QUERY_STRING``); never fails on a bad link.

    With a preheated kernel the query string is only set once a viewer asks for the page, so wait
    for that first (a no-op otherwise).
    """
    try:
        preheat.wait_for_request()
        query = os.environ.get("QUERY_STRING", "")
    except Exception:
        logger.exception("Could not read the page's link; showing the dashboard")
        query = ""
    try:
        return AppPage(content, query)
    except Exception:
        logger.exception("Could not open the page for %r; showing the dashboard", query[:ECHO_LENGTH])
        page = AppPage(content, "")
        page.show_notices(["The link could not be read; showing the default scenario."])
        return page
