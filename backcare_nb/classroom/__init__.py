"""Live class: learners answer a teaching case on their phones, the presenter sees the room's answers.

No widgets here: :mod:`.store` keeps classes and answers (SQLite or PostgreSQL, one interface),
:mod:`.session` holds the rules (join codes, presenter keys, questions from the quiz engine,
tallies, reveal, CSV export, limits, expiry) and :mod:`.poll` reads the store on a timer. The
apps in ``backcare_nb/ui/live.py`` build and wire the widgets.
"""

from backcare_nb.classroom.poll import Poller
from backcare_nb.classroom.session import (
    MAX_SUBMISSIONS,
    BadCode,
    ClassEnded,
    ClassView,
    LiveClass,
    NotOffered,
    NotPresenter,
    QuestionClosed,
    Tally,
    TooManySubmissions,
    UnknownCode,
    new_device_id,
)
from backcare_nb.classroom.store import (
    CLASS_DB_ENV,
    ClassError,
    ClassRecord,
    ClassStore,
    PostgresStore,
    SQLiteStore,
    StoreUnavailable,
    open_store,
)

__all__ = [
    "CLASS_DB_ENV",
    "MAX_SUBMISSIONS",
    "BadCode",
    "ClassEnded",
    "ClassError",
    "ClassRecord",
    "ClassStore",
    "ClassView",
    "LiveClass",
    "NotOffered",
    "NotPresenter",
    "Poller",
    "PostgresStore",
    "QuestionClosed",
    "SQLiteStore",
    "StoreUnavailable",
    "Tally",
    "TooManySubmissions",
    "UnknownCode",
    "new_device_id",
    "open_store",
]
