"""backcare_nb: teaching how advice for low back spasms changes from the first days to the chronic stage.

Teaching material for clinicians, not medical advice. The public API, in the order data flows:

- :func:`load_content` reads and validates data/ into :class:`Content` (or raises :class:`ContentError`).
- :class:`Scenario` holds the inputs; :func:`scenario_from_query` parses a URL query string leniently.
- :func:`build_plan` turns a scenario and the content into a :class:`Plan`.
- :func:`plan_to_markdown`, :func:`plan_to_html`, :func:`plan_to_dict` and :func:`plan_to_text` render it.
"""

from backcare_nb.content import Content, ContentError, default_content_dir, load_content
from backcare_nb.plan import Gate, Plan, PlanItem, Stage, build_plan, compare_plans
from backcare_nb.render import plan_to_dict, plan_to_html, plan_to_markdown, plan_to_text
from backcare_nb.scenario import Scenario, scenario_from_case, scenario_from_query


def __getattr__(name: str) -> str:
    # ``__version__``, from pyproject.toml through the installed metadata (a wheel, `pip install -e .`,
    # or the static site's wheel in the browser), read when asked for: a dashboard kernel never pays
    # for importlib.metadata's scan of the installed packages. A bare copy on PYTHONPATH has none.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backcare-nb")
    except PackageNotFoundError:
        return "0+unknown"


__all__ = [
    "Content",
    "ContentError",
    "Gate",
    "Plan",
    "PlanItem",
    "Scenario",
    "Stage",
    "build_plan",
    "compare_plans",
    "default_content_dir",
    "load_content",
    "plan_to_dict",
    "plan_to_html",
    "plan_to_markdown",
    "plan_to_text",
    "scenario_from_case",
    "scenario_from_query",
]
