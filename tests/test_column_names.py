"""A file's column names, whatever they are, load under names an analyst recognises (issue 19).

Reproduced before the fixes: a column named `rowid` or `__line` failed the whole import with a
Binder error; Cyrillic or Japanese headers became `column`, `column_2`; a homoglyph `tіer`
(Cyrillic і) became `ter`. Also here: a NUL byte past the format sniffer's head (csv_lines).
"""

from __future__ import annotations

import pytest

from cxmetrics.ingest import csv_lines
from cxmetrics.store.db import connect
from cxmetrics.ingest.importer import ImportRefused
from cxmetrics.core.mapping import column_key
from cxmetrics.ingest.reader import source_names
from cxmetrics.core.textfile import FileFormatError

HOMOGLYPH = "t\u0456er"  # the i is CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I


def customer_columns(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'customers' ORDER BY ordinal_position"
    ).fetchall()]


@pytest.mark.parametrize("name, key", [
    ("Регион", "регион"), ("顧客区分", "顧客区分"), ("Ελλάδα", "ελλάδα"), ("Йогурт", "йогурт"),
    ("NPS区分", "nps区分"), ("ＴＩＥＲ", "tier"), ("Kündigungsgrund", "kundigungsgrund"), ("Customer ID", "customer_id"),
    ('=HYPERLINK("x")', "hyperlink_x"), ("2024 NPS", "c_2024_nps"), ("a\x00b", "a_b"), ("Straße", "strasse"),
    (HOMOGLYPH, f"{HOMOGLYPH}_mixed_script"), ("Тier", "тier_mixed_script"), ("", "column"),
])
def test_column_key_keeps_every_script_case_folded(name, key):
    assert column_key(name) == key
    assert column_key(key) == key  # a tidy name is its own key, so a remembered mapping can name it
    assert "\x00" not in key


def test_reserved_staging_names_are_read_as_repeats():
    assert source_names(["customer_id", "rowid", "__line", "ROWID", "rowid_2"]) == [
        "customer_id", "rowid_2", "__line_2", "ROWID_3", "rowid_2_2"]


def test_rowid_and_line_columns_load_under_their_repeat_names(load, con):
    result = load("customers", "c.csv", "customer_id,rowid,__line\nk1,r1,l1\nk2,r2,l2\n")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert customer_columns(con)[-2:] == ["rowid_2", "line_2"]
    assert con.execute("SELECT rowid_2, line_2 FROM customers ORDER BY customer_id").fetchall() == [
        ("r1", "l1"), ("r2", "l2")]


@pytest.mark.parametrize("name", ["c.xlsx", "c.parquet"])
def test_rowid_and_line_columns_load_from_excel_and_parquet(load, con, tmp_path, name):
    import pandas as pd

    frame = pd.DataFrame({"customer_id": ["k1"], "rowid": ["r1"], "__line": ["l1"]})
    path = tmp_path / name
    frame.to_excel(path, index=False) if name.endswith("xlsx") else frame.to_parquet(path, index=False)
    assert load("customers", name, path.read_bytes()).rows_loaded == 1
    assert con.execute("SELECT rowid_2, line_2 FROM customers").fetchall() == [("r1", "l1")]


def test_non_latin_headers_keep_their_names_and_a_homoglyph_stays_apart(load, con):
    load("customers", "latin.csv", "customer_id,tier\nk1,gold\n")
    result = load("customers", "other.csv", f"customer_id,Регион,顧客区分,{HOMOGLYPH}\nk2,Москва,一般,silver\n")
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert customer_columns(con)[-4:] == ["tier", "регион", "顧客区分", f"{HOMOGLYPH}_mixed_script"]
    rows = con.execute(f'SELECT customer_id, tier, "{HOMOGLYPH}_mixed_script" FROM customers ORDER BY 1').fetchall()
    assert rows == [("k1", "gold", None), ("k2", None, "silver")]  # nothing merged into the Latin tier


def test_the_same_non_latin_file_twice_uses_the_remembered_names(load, con):
    header = "customer_id,Регион,Регион \n"  # two spellings of one name: регион and регион_2
    load("customers", "a.csv", header + "k1,a,b\n")
    result = load("customers", "b.csv", header + "k2,c,d\n")
    assert result.rows_loaded == 1
    assert con.execute("SELECT регион, регион_2 FROM customers ORDER BY customer_id").fetchall() == [
        ("a", "b"), ("c", "d")]


def test_the_command_line_loads_reserved_and_non_latin_headers(run_cli, cli_db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f"customer_id,rowid,__line,顧客区分,{HOMOGLYPH}\nk1,a,b,c,d\n", encoding="utf-8")
    code, out, err = run_cli("import", "customers", str(path))
    assert code == 0, err
    assert out["rows_loaded"] == 1
    con = connect(cli_db)
    try:
        assert customer_columns(con)[-4:] == ["rowid_2", "line_2", "顧客区分", f"{HOMOGLYPH}_mixed_script"]
    finally:
        con.close()


def test_a_nul_byte_past_the_first_chunk_is_found_with_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_lines, "CHUNK", 64)  # the NUL sits chunks away from the start
    path = tmp_path / "n.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 100 + b"3,\x004\n" + b"5,6\n" * 10)
    with pytest.raises(FileFormatError, match="NUL byte on line 102;"):
        csv_lines.refuse_nul_bytes(path)
    path.write_bytes(b"a,b\n" + b"1,2\n" * 100)
    csv_lines.refuse_nul_bytes(path)


def test_a_nul_far_into_a_file_refuses_it_like_one_on_line_2(load, con):
    rows = [f"c{i},2024-03-01 10:00,u{i % 50},phone" for i in range(30_000)]
    for line in (2, 20_001):
        text = rows.copy()
        text[line - 2] = text[line - 2].replace("phone", "ph\x00one")
        with pytest.raises(ImportRefused, match="binary data, not text"):
            load("contacts", f"n{line}.csv", "contact_id,started_at,customer_id,channel\n" + "\n".join(text) + "\n")
    assert con.execute("SELECT count(*) FROM contacts").fetchall()[0][0] == 0
