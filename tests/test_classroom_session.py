"""The rules of a live class (backcare_nb.classroom.session) and its two apps (backcare_nb.ui.live),
over a real SQLite store in the test's directory; no browser.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from backcare_nb.classroom import (
    MAX_SUBMISSIONS,
    BadCode,
    ClassEnded,
    LiveClass,
    NotOffered,
    NotPresenter,
    QuestionClosed,
    StoreUnavailable,
    TooManySubmissions,
    UnknownCode,
    open_store,
)
from backcare_nb.classroom.session import (
    CODE_ALPHABET,
    CODE_LENGTH,
    encode_choice,
    key_hash,
    new_join_code,
    parse_join_code,
    tally,
)
from backcare_nb.quiz import build_quiz
from backcare_nb.scenario import scenario_from_case
from backcare_nb.ui.live import ClassLearnerApp, ClassPresenterApp, join_link

# The apps' pollers would redraw behind the test's back: the tests call refresh() themselves.
MANUAL = 3600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def live(tmp_path, content, clock) -> LiveClass:
    return LiveClass(open_store(tmp_path / "db"), content, clock=clock, token_hash=key_hash("server-token"))


def test_join_codes_are_short_and_read_without_confusion():
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert not set("IOL01") & set(CODE_ALPHABET)
    assert parse_join_code(" k7m-p2q ") == "K7MP2Q"
    for bad in ("", "K7MP2", "K7MP2QQ", "K7MP2O", "<b>x</b>", "K7MP2Q'--"):
        with pytest.raises(BadCode, match="6 letters and digits"):
            parse_join_code(bad)


def test_the_questions_are_the_quiz_engines(live, content):
    view, _key = live.start("golfer_recurrent")
    assert view.quiz == build_quiz("golfer_recurrent", content)
    assert [question.id for question in view.quiz.questions] == ["stage", "gate", "items"]
    assert view.number == 1 and not view.revealed


def test_bad_unknown_and_ended_codes_have_their_own_messages(live, clock):
    with pytest.raises(BadCode):
        live.open("nope")
    with pytest.raises(UnknownCode, match="no class with the code K7MP2Q"):
        live.open("K7MP2Q")
    view, _key = live.start("desk_day2")
    clock.now += 24 * 3600  # the default lifetime
    with pytest.raises(ClassEnded, match="has ended"):
        live.open(view.code)
    live.start("desk_day2")  # starting a class deletes the ended ones
    with pytest.raises(UnknownCode):
        live.open(view.code)


def test_one_device_counts_once_and_a_change_replaces_its_answer(live):
    view, _key = live.start("desk_day2")
    live.submit(view.code, "phone-1", 0, "acute")
    live.submit(view.code, "phone-1", 0, "acute")  # a replayed submission
    live.submit(view.code, "phone-2", 0, "acute")
    live.submit(view.code, "phone-3", 0, "subacute_chronic")
    live.submit(view.code, "phone-3", 0, "acute")  # changed
    result = live.tally(live.open(view.code))
    assert result.respondents == 3
    assert result.counts() == {"acute": 3, "subacute_chronic": 0}
    assert [row.share for row in result.rows] == [1.0, 0.0]
    assert [row.right for row in result.rows] == [None, None]  # nothing marked before the reveal


def test_an_option_not_offered_is_refused(live):
    view, _key = live.start("desk_day2")
    for value in ("emergency", "acute,subacute_chronic", ["acute", "subacute_chronic"], [], "", "<script>"):
        with pytest.raises(NotOffered, match="not one of the options"):
            live.submit(view.code, "phone-1", 0, value)
    assert live.tally(live.open(view.code)).respondents == 0


def test_a_tick_all_question_takes_several_offered_keys(live):
    view, key = live.start("desk_day2")
    view = live.next_question(view.code, key)
    view = live.next_question(view.code, key)
    question = view.question
    right = sorted(question.answer)
    live.submit(view.code, "phone-1", 2, right)
    live.submit(view.code, "phone-2", 2, right[:1])
    counts = live.tally(live.open(view.code)).counts()
    assert counts[right[0]] == 2
    assert all(counts[key] == 1 for key in right[1:])
    with pytest.raises(NotOffered):
        live.submit(view.code, "phone-3", 2, [*right, "not_an_item"])


def test_flooding_stops_at_the_limit_and_the_last_answer_counts(live):
    view, _key = live.start("desk_day2")
    for number in range(MAX_SUBMISSIONS):
        live.submit(view.code, "phone-1", 0, "acute" if number % 2 else "subacute_chronic")
    with pytest.raises(TooManySubmissions):
        live.submit(view.code, "phone-1", 0, "subacute_chronic")
    assert live.tally(live.open(view.code)).counts() == {"acute": 1, "subacute_chronic": 0}


def test_only_the_presenter_key_or_the_server_token_controls_the_class(live):
    view, key = live.start("desk_day2")
    for wrong in ("", "guess", key[:-1], key_hash(key)):
        with pytest.raises(NotPresenter, match="presenter key does not match"):
            live.reveal(view.code, wrong)
        with pytest.raises(NotPresenter):
            live.next_question(view.code, wrong)
        with pytest.raises(NotPresenter):
            live.export_csv(view.code, wrong)
        with pytest.raises(NotPresenter):
            live.take_over(view.code, wrong)
    assert live.store.get_class(view.code).key_hash == key_hash(key)  # only the hash is kept
    assert live.take_over(view.code.lower(), key).code == view.code
    assert live.reveal(view.code, "server-token").revealed


def test_reveal_closes_the_question_and_next_opens_the_next(live):
    view, key = live.start("desk_day2")
    live.submit(view.code, "phone-1", 0, "acute")
    live.submit(view.code, "phone-2", 0, "subacute_chronic")
    assert live.my_result(live.open(view.code), "phone-1") is None  # nothing before the reveal
    view = live.reveal(view.code, key)
    with pytest.raises(QuestionClosed):
        live.submit(view.code, "phone-1", 0, "subacute_chronic")
    assert live.my_result(view, "phone-1").correct
    assert not live.my_result(view, "phone-2").correct
    assert live.my_result(view, "phone-3").chosen == ()  # did not answer
    assert [row.right for row in live.tally(view).rows] == [True, False]
    view = live.next_question(view.code, key)
    assert (view.number, view.revealed, view.question.id) == (2, False, "gate")
    with pytest.raises(QuestionClosed):  # a replay of the first question's answer
        live.submit(view.code, "phone-1", 0, "acute")
    view = live.next_question(view.code, key)
    assert live.next_question(view.code, key).number == 3  # the last stays the last


def test_the_export_is_anonymous_and_gives_the_charts_counts(live):
    view, key = live.start("desk_day2")
    devices = ["a" * 32, "b" * 32, "c" * 32]
    for device, answer in zip(devices, ["acute", "acute", "subacute_chronic"], strict=True):
        live.submit(view.code, device, 0, answer)
    text = live.export_csv(view.code, key)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert not any(device in text for device in devices)
    assert [row["learner"] for row in rows] == ["1", "2", "3"]
    exported = {key: sum(row["answer_keys"] == key for row in rows) for key in ("acute", "subacute_chronic")}
    assert exported == live.tally(live.open(view.code)).counts()
    assert [row["right"] for row in rows] == ["yes", "yes", "no"]


def test_tally_counts_each_option_of_each_choice(content):
    question = build_quiz("desk_day2", content).question("stage")
    result = tally(question, {"acute": 3, "subacute_chronic": 1}, revealed=True)
    assert result.respondents == 4
    assert [(row.count, row.share, row.right) for row in result.rows] == [(3, 0.75, True), (1, 0.25, False)]
    assert encode_choice(question, "acute") == "acute"


# --- the apps, without a browser --------------------------------------------------------------------


@pytest.fixture
def class_db(tmp_path):
    return tmp_path / "class-db"


def test_a_class_from_start_to_export_through_the_apps(content, class_db):
    reached: list = []
    presenter = ClassPresenterApp(
        content,
        open_store(class_db),
        on_reveal=reached.append,
        public_url="https://teach.example.org/backcare/",
        poll_seconds=MANUAL,
    )
    presenter.case_picker.value = "day5_severe"
    presenter._on_start()
    code = presenter.view.code
    assert code in presenter.join_panel.value
    assert f"https://teach.example.org/backcare/?page=class&amp;join={code}" in presenter.join_panel.value
    assert "<svg" in presenter.join_panel.value  # the QR code
    assert re.search(r'class="bc-class-key">[^<]{12,}<', presenter.key_panel.value)

    learners = [
        ClassLearnerApp(content, open_store(class_db), code=code.lower(), poll_seconds=MANUAL) for _ in range(4)
    ]
    for learner in learners:
        assert learner.message.value == ""
        assert "Day 5: severe pain" in learner.case_panel.value
        assert "Question 1 of 3" in learner.question_panel.value
        assert "No names" in learner.widget.children[2].value
        assert "presenter reveals the answer" in learner.confirmation.value
    for learner, label in zip(learners, ["Acute stage", "Acute stage", "Acute stage", "Sub-acute"], strict=True):
        full = next(b.description for b in learner._option_buttons if b.description.startswith(label))
        learner.answer(full)
        assert f"Your answer is in: {full}" in learner.confirmation.value
    learners[3].answer("Acute stage (0-7 days)")  # changed its mind
    presenter.refresh()
    assert 'data-respondents="4"' in presenter.chart.value
    assert 'data-option="acute" data-count="4"' in presenter.chart.value
    assert "4 (100%)" in presenter.chart.value

    presenter._on_reveal()
    assert reached == [scenario_from_case("day5_severe", content)]
    assert "right answer" in presenter.chart.value
    assert "The answer: Acute stage" in presenter.answer_panel.value
    for learner in learners:
        learner.refresh()
        assert "✔ Right" in learner.result_panel.value
        assert "Sources:" in learner.result_panel.value
        assert all(button.disabled for button in learner._option_buttons)

    presenter._on_export()
    assert f'download="class-{code}-results.csv"' in presenter.export_link.value
    learners[0].answer("Acute stage (0-7 days)")  # too late: the question is revealed
    assert "This question is closed" in learners[0].message.value
    presenter._on_next()
    assert presenter.key_panel.value == ""  # the key was shown once
    for learner in learners:
        learner.refresh()
        assert "Question 2 of 3" in learner.question_panel.value
        assert learner.result_panel.value == ""
        assert learner.message.value == ""  # the first question's notice went with it
        assert "presenter reveals the answer" in learner.confirmation.value


def test_the_learner_page_says_what_is_wrong_with_a_code(content, class_db):
    for code, message in (
        ("", ""),
        ("<b>nope</b>", "6 letters and digits"),
        ("K7MP2Q", "no class with the code K7MP2Q"),
    ):
        learner = ClassLearnerApp.from_environment(content, open_store(class_db), {"join": [code]})
        assert message in learner.message.value
        assert "<b>nope" not in learner.message.value
        assert learner.join_box.layout.display != "none"  # the page asks for a code
        assert learner.options_box.children == ()


def test_the_presenter_panel_refuses_a_wrong_key(content, class_db):
    first = ClassPresenterApp(content, open_store(class_db), poll_seconds=MANUAL)
    first._on_start()
    other = ClassPresenterApp(content, open_store(class_db), poll_seconds=MANUAL)
    other.code_field.value = first.view.code
    other.key_field.value = "not-the-key"
    other._on_take_over()
    assert "presenter key does not match" in other.message.value
    assert other.view is None
    other.key_field.value = first._key
    other._on_take_over()
    assert other.view.code == first.view.code and other.message.value == ""
    assert other.key_field.value == ""  # not left in the page


def test_an_unavailable_store_shows_the_message_and_never_a_traceback(content, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    presenter = ClassPresenterApp(content, open_store(blocked / "db"), poll_seconds=MANUAL)
    presenter._on_start()
    assert "Answers cannot be saved right now" in presenter.message.value
    learner = ClassLearnerApp(content, open_store(blocked / "db"), code="K7MP2Q", poll_seconds=MANUAL)
    assert "Answers cannot be saved right now" in learner.message.value
    for text in (presenter.message.value, learner.message.value):
        assert "Traceback" not in text and "sqlite" not in text.lower()
    with pytest.raises(StoreUnavailable):
        open_store(blocked / "db").get_class("K7MP2Q")


def test_join_link_without_a_public_address_stays_on_the_page():
    assert join_link("K7MP2Q") == "/?page=class&join=K7MP2Q"
    assert join_link("K7MP2Q", "", "/voila/render/") == "/voila/render/?page=class&join=K7MP2Q"
    assert join_link("K7MP2Q", "javascript:alert(1)") == "/?page=class&join=K7MP2Q"


# --- inside the one app: the page router and the dashboard's presenter bar ------------------------


def test_the_router_opens_the_learner_page(content, class_db, monkeypatch):
    from backcare_nb.ui.app import AppPage

    monkeypatch.setenv("BACKCARE_CLASS_DB", str(class_db))
    presenter = ClassPresenterApp(content, poll_seconds=MANUAL)
    presenter._on_start()
    page = AppPage(content, f"page=class&join={presenter.view.code}")
    assert isinstance(page.app, ClassLearnerApp)
    assert "Question 1 of 3" in page.app.question_panel.value
    assert 'href="?page=class"' in page.header.value
    page.app.close()
    stale = AppPage(content, "page=class&join=ZZZZZZ")
    assert "no class with the code ZZZZZZ" in stale.app.message.value


def test_the_presenter_bar_opens_a_class_that_moves_the_dashboard_on_reveal(content, class_db, monkeypatch):
    from backcare_nb.ui.dashboard import DashboardApp

    monkeypatch.setenv("BACKCARE_CLASS_DB", str(class_db))
    dashboard = DashboardApp(content)
    dashboard.case_picker.value = "golfer_recurrent"
    dashboard.days_text.value = 3  # the presenter wandered off the case
    assert dashboard.class_toggle in dashboard.presenter.container.children
    dashboard.class_toggle.value = True
    panel = dashboard.class_panel
    panel.poller.interval = MANUAL
    assert dashboard.class_box.layout.display == "flex"
    assert panel.case_picker.value == "golfer_recurrent"
    panel._on_start()
    panel._on_reveal()
    assert dashboard.scenario() == scenario_from_case("golfer_recurrent", content)
    assert panel.message.value == ""
    dashboard.class_toggle.value = False
    assert dashboard.class_box.layout.display == "none"
    panel.close()


def test_the_command_line_passes_the_store_and_the_tokens_hash_to_kernels(tmp_path):
    from backcare_nb.cli import build_parser
    from backcare_nb.serve import ServeOptions, prepare_environment

    args = build_parser().parse_args(["dashboard", "--class-db", "postgresql://db.internal/classes"])
    assert args.class_db == "postgresql://db.internal/classes"
    environ: dict[str, str] = {}
    prepare_environment(ServeOptions(token="server-token", class_db=str(tmp_path)), environ)
    assert environ["BACKCARE_CLASS_DB"] == str(tmp_path)
    assert environ["BACKCARE_TOKEN_SHA256"] == key_hash("server-token")
    assert "server-token" not in environ.values()
