"""Widget apps for JupyterLab and Voilà: one App class each, testable without a browser.

Only this package imports ipywidgets; everything it shows comes from the pure functions below it
(content, plan, render, timeline, schedule). Teaching material, not medical advice.
"""

from backcare_nb.ui.compare import CompareApp
from backcare_nb.ui.dashboard import DashboardApp
from backcare_nb.ui.evidence import EvidenceLensApp
from backcare_nb.ui.presenter import PresenterControls
from backcare_nb.ui.quiz import QuizApp

__all__ = ["CompareApp", "DashboardApp", "EvidenceLensApp", "PresenterControls", "QuizApp"]
