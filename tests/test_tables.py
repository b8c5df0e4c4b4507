"""Every table goes through ui.widgets.data_table / data_editor, and the tables' own toolbar exports nothing.

The toolbar's CSV download writes cells as they are (a value `=HYPERLINK(...)` would run in a
spreadsheet), so it is off in .streamlit/config.toml and each table offers the app's own download
(exports.safe_csv). A page that called st.dataframe itself would still be safe while the setting
holds, but would lose its download and bypass the one place that decides: these tests fail on it.
The real browser check is tests/browser/test_safe_exports_browser.py.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pandas as pd
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Streamlit's table elements: st.dataframe and st.data_editor have a toolbar with a CSV download;
# st.table has none today, but a future one would not pass the app's download either.
TABLE_ELEMENTS = {"dataframe", "data_editor", "table"}
# The only places allowed to draw them: (file, function) -> element.
ALLOWED = {("ui/widgets.py", "data_table"): "dataframe", ("ui/widgets.py", "data_editor"): "data_editor"}


def _sources() -> list[Path]:
    return [PROJECT_ROOT / "app.py", *sorted((PROJECT_ROOT / "views").rglob("*.py")),
            *sorted((PROJECT_ROOT / "ui").rglob("*.py"))]


def table_calls(path: Path) -> list[tuple[str, str, int]]:
    """Return (function the call is in, element, line) for each `<anything>.dataframe(...)`,
    `.data_editor(...)` or `.table(...)` call in a file (st.…, a column's or a container's)."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inside = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in TABLE_ELEMENTS):
                found.append((function, child.func.attr, child.lineno))
            visit(child, inside)

    visit(tree, "<module>")
    return found


def test_no_page_or_piece_draws_a_table_except_through_data_table():
    stray = []
    for path in _sources():
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        for function, element, line in table_calls(path):
            if ALLOWED.get((relative, function)) != element:
                stray.append(f"{relative}:{line} {function}() calls .{element}(...)")
    assert not stray, ("draw tables with ui.widgets.data_table (or data_editor), which offers the app's "
                       "safe download: " + "; ".join(stray))


def test_the_check_finds_a_direct_call(tmp_path):
    page = tmp_path / "page.py"
    page.write_text("import streamlit as st\nleft, right = st.columns(2)\nst.dataframe(x)\n"
                    "def f():\n    right.data_editor(y)\n", "utf-8")
    assert table_calls(page) == [("<module>", "dataframe", 3), ("f", "data_editor", 5)]


def test_every_page_still_draws_its_tables():
    # The check above must not pass because it stopped seeing calls: the pages use data_table.
    uses = sum(path.read_text("utf-8").count("data_table(") for path in (PROJECT_ROOT / "views").glob("*.py"))
    assert uses >= 15


def test_the_table_toolbar_exports_nothing():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.mark.parametrize("styled", [False, True])
def test_data_table_offers_the_neutralised_rows(styled, monkeypatch):
    """What data_table hands to the download: the frame's own rows (a Styler's data), through safe_csv."""
    from ui import widgets

    frame = pd.DataFrame({"reason": ["@SUM(1+1)*cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"y\")", "ok"]})
    drawn, offered = [], []
    monkeypatch.setattr(widgets.st, "dataframe", lambda data, **options: drawn.append((data, options)))
    monkeypatch.setattr(widgets, "download", lambda data, name, label: offered.append((data, name, label)))
    shown = frame.style if styled else frame
    widgets.data_table(shown, "reasons", hide_index=True)
    assert drawn == [(shown, {"hide_index": True, "placeholder": ""})]  # displayed as stored, blanks blank
    [(data, name, label)] = offered
    assert name == "reasons" and label == "Download CSV"
    assert data is frame
    widgets.data_table(frame, None)
    assert len(offered) == 1  # name=None: no download
