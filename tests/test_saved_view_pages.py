"""AppTest: saved views from the sidebar. Save the page as it is seen, list it, open it from another page
(every choice and filter restored), rename and delete it; a bad name is refused in words; a view
belongs to the workspace it was saved in."""

from __future__ import annotations

from cxmetrics.core.markdown_text import escape_markdown
from tests.page_runner import db, open_page  # noqa: F401 - the fixture
from tests.test_page_choices import LINKS, link_notices, param, value
from tests.workspace_runner import own_workspace, switcher


def sidebar_button(at, label):
    return next(b for b in at.sidebar.button if b.label == label)


def save(at, name):
    at.sidebar.text_input(key="view_new_name").set_value(name)
    return sidebar_button(at, "Save view").click().run()


def test_a_saved_view_round_trip(db):
    query, expected = LINKS["views/voice.py"]
    at = open_page("views/voice.py", {**query, "window": "14", "same_reason": "1"})
    assert link_notices(at) == []
    at = save(at, "Phone complaints [EU]")
    assert not at.exception and not at.error
    assert [s.value for s in at.sidebar.success] == ["Saved the view 'Phone complaints \\[EU\\]'."]
    assert "Phone complaints \\[EU\\]" in [b.label for b in at.sidebar.button]  # listed, escaped

    # Another page, other choices: opening the view brings back its page with every choice and filter.
    at.switch_page("views/overview.py").run()
    at.segmented_control(key="overview_metric").set_value("ces").run()
    at.number_input(key="flt_window").set_value(21).run()  # the filters change too
    assert "voc_search" not in [w.key for w in at.text_input]
    sidebar_button(at, "Phone complaints \\[EU\\]").click().run()
    assert not at.exception and not at.error
    assert {key: value(at, key) for key in expected} == expected
    assert (value(at, "flt_window"), widget_toggle(at, "flt_same_reason")) == (14, True)
    assert param(at, "search") == ["refund"] and param(at, "window") == ["14"]

    # Reopening from the same page also restores what was changed since.
    at.text_input(key="voc_search").set_value("delivery").run()
    sidebar_button(at, "Phone complaints \\[EU\\]").click().run()
    assert value(at, "voc_search") == "refund"

    # Rename, then delete.
    at.sidebar.selectbox(key="view_pick").set_value("Phone complaints [EU]")
    at.sidebar.text_input(key="view_rename_to").set_value("Phone, EU")
    sidebar_button(at, "Rename").click().run()
    assert "Phone\\, EU" in [b.label for b in at.sidebar.button]
    assert [v.name for v in app_state_views(db)] == ["Phone, EU"]
    at.sidebar.selectbox(key="view_pick").set_value("Phone, EU")
    sidebar_button(at, "Delete").click().run()
    assert app_state_views(db) == []


def widget_toggle(at, key):
    return next(t.value for t in at.toggle if t.key == key)


def app_state_views(db):
    from cxmetrics.engine.saved_views import list_views
    from tests.page_runner import on_database

    return on_database(db, list_views)


def test_a_bad_name_is_refused_in_words_and_nothing_saved(db):
    at = open_page("views/overview.py")
    at = save(at, "two\nlines")
    assert [e.value for e in at.error] == [escape_markdown(
        "A view's name cannot hold line breaks, tabs or other invisible characters.")]
    assert app_state_views(db) == []


def test_a_saved_view_belongs_to_its_workspace(db):
    own_workspace(db.parent, [("M1", "2025-03-01 09:00", "K1", "phone", "Billing")])
    at = open_page("views/segments.py", {"split_by": "channel", "ws": "sample"})
    at = save(at, "Channels")
    assert "Channels" in [b.label for b in at.sidebar.button]
    switcher(at).set_value("cx").run()
    assert not at.exception and not at.error
    assert "Channels" not in [b.label for b in at.sidebar.button]  # the user's workspace has none
    at = save(at, "Mine")
    assert "Mine" in [b.label for b in at.sidebar.button]
    switcher(at).set_value("sample").run()
    assert "Channels" in [b.label for b in at.sidebar.button] and "Mine" not in [b.label for b in at.sidebar.button]
