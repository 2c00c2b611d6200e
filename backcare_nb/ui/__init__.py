"""Widget apps for JupyterLab and Voilà: one App class each, testable without a browser.

Only this package imports ipywidgets; everything it shows comes from the pure functions below it
(content, plan, render, charts, schedule). Teaching material, not medical advice.
"""

from backcare_nb.ui.dashboard import DashboardApp

__all__ = ["DashboardApp"]
