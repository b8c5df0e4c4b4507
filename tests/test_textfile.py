"""Tests for cxmetrics.core.textfile: format sniffing, encoding detection and UTF-8 transcoding.

All inputs are hand-made bytes written to tmp_path; no real export is copied here.
"""

import codecs
import gzip
import random
import zipfile

import pytest

from cxmetrics.core import textfile
from cxmetrics.core.textfile import FileFormatError, TextEncoding, detect_encoding, sniff_format, to_utf8

CSV_TEXT = "id,comment\r\n1,Très bien\r\n2,délai trop long\r\n"


def write(tmp_path, data: bytes, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def transcode(tmp_path, path, encoding=None):
    """Return the bytes DuckDB would get for the file, detecting the encoding unless given."""
    encoding = encoding or detect_encoding(path)
    return to_utf8(path, encoding, tmp_path / "out").read_bytes()


# --------------------------------------------------------------------------- BOMs

@pytest.mark.parametrize("bom, codec, expected_name", [
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
])
def test_bom_is_detected_and_dropped(tmp_path, bom, codec, expected_name):
    path = write(tmp_path, bom + CSV_TEXT.encode(codec))
    enc = detect_encoding(path)
    assert enc == TextEncoding(expected_name, had_bom=True, detected=True)
    assert sniff_format(path) == "csv"
    assert transcode(tmp_path, path, enc) == CSV_TEXT.encode("utf-8")


# --------------------------------------------------------------------------- UTF-8

def test_ascii_and_utf8_without_bom_return_the_original_file(tmp_path):
    path = write(tmp_path, CSV_TEXT.encode("utf-8"))
    enc = detect_encoding(path)
    assert enc == TextEncoding("utf-8", had_bom=False, detected=True)
    assert to_utf8(path, enc, tmp_path / "out") == path
    assert not (tmp_path / "out").exists()


SPLITS = [(char, cut) for char in ("é", "€", "😀")  # 2-, 3- and 4-byte sequences
          for cut in range(1, len(char.encode("utf-8")))]


@pytest.mark.parametrize("char, cut", SPLITS)
def test_utf8_sequence_split_across_chunks_is_still_utf8(tmp_path, monkeypatch, char, cut):
    monkeypatch.setattr(textfile, "CHUNK_SIZE", 8)
    encoded = char.encode("utf-8")
    # Put the chunk boundary (byte 8) `cut` bytes into the multi-byte sequence.
    data = b"x" * (8 - cut) + encoded + b",fin\n" * 5
    path = write(tmp_path, data)
    assert detect_encoding(path).name == "utf-8"


def test_invalid_byte_after_many_chunks_is_not_utf8(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "CHUNK_SIZE", 16)
    path = write(tmp_path, b"ok,fine\n" * 50 + b"d\xe9j\xe0 vu\n")
    assert detect_encoding(path).name == "latin-1"


# --------------------------------------------------------------------------- UTF-16 without BOM

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_by_its_nul_pattern(tmp_path, codec):
    path = write(tmp_path, CSV_TEXT.encode(codec))
    enc = detect_encoding(path)
    assert enc == TextEncoding(codec, had_bom=False, detected=True)
    assert sniff_format(path) == "csv"
    assert transcode(tmp_path, path, enc) == CSV_TEXT.encode("utf-8")


# --------------------------------------------------------------------------- legacy 8-bit

LEGACY_CASES = [
    # (id, raw bytes, expected codec, expected text)
    ("cp1252 english quotes euro dash",
     b"id,comment\n1,\x93Great\x94 service \x96 it\x92s worth \x8020\n2,Wait\x85 then ok\n",
     "cp1252", "id,comment\n1,“Great” service – it’s worth €20\n2,Wait… then ok\n"),
    ("cp1252 french apostrophes and oe ligature",
     b"id,verbatim\n1,C\x92est l\x92accueil qui compte, j\x92ai le c\x9cur\n"
     b"2,Tr\xe8s bien \x96 d\xe9lai court\n3,\x93Parfait\x94 \x85 merci\n",
     "cp1252", "id,verbatim\n1,C’est l’accueil qui compte, j’ai le cœur\n"
               "2,Très bien – délai court\n3,“Parfait” … merci\n"),
    ("latin-1 without C1 bytes",
     b"id,comentario\n1,Se\xf1or, la atenci\xf3n fue p\xe9sima\n2,\xbfPor qu\xe9? Esper\xe9 30 minutos\n",
     "latin-1", "id,comentario\n1,Señor, la atención fue pésima\n2,¿Por qué? Esperé 30 minutos\n"),
    ("latin-1 with DOS cp850 letters in 0x80-0x9F",
     b"id,verbatim\n"
     b"1,le d\x82lai d'attente est particuli\xe8rement long\n"
     b"2,\x82change facile mais d\xe9lai long, gr\x83ce au vendeur\n"
     b"3,produits fra\x8cches, go\x96t parfait, tr\xe8s d\x82\x87u du pr\xe9sentoir\n"
     b"4,\x90tendre le rayon No\x89l \xe0 la ma\x8ctrise\n",
     "latin-1+cp850",
     "id,verbatim\n"
     "1,le délai d'attente est particulièrement long\n"
     "2,échange facile mais délai long, grâce au vendeur\n"
     "3,produits fraîches, goût parfait, très déçu du présentoir\n"
     "4,Étendre le rayon Noël à la maîtrise\n"),
    ("pure cp850 (DOS) French",
     "id,verbatim\n1,Le délai était très long, déçu\n2,Caissière aimable, à bientôt\n"
     "3,Très bon accueil, merci à l'équipe\n".encode("cp850"),
     "cp850",
     "id,verbatim\n1,Le délai était très long, déçu\n2,Caissière aimable, à bientôt\n"
     "3,Très bon accueil, merci à l'équipe\n"),
]


@pytest.mark.parametrize("raw, codec, text", [c[1:] for c in LEGACY_CASES],
                         ids=[c[0] for c in LEGACY_CASES])
def test_legacy_encoding_is_detected_and_decoded(tmp_path, raw, codec, text):
    path = write(tmp_path, raw)
    enc = detect_encoding(path)
    assert enc == TextEncoding(codec, had_bom=False, detected=True)
    assert transcode(tmp_path, path, enc).decode("utf-8") == text


def test_mix_decodes_both_spellings_of_the_same_word_on_one_line(tmp_path):
    line = b"1,d\x82lai trop long et d\xe9lai pas respect\x82, tr\xe8s d\x82\x87u\n"
    path = write(tmp_path, b"id,verbatim\n" + line * 3)
    assert detect_encoding(path).name == "latin-1+cp850"
    assert transcode(tmp_path, path).decode("utf-8").splitlines()[1] == \
        "1,délai trop long et délai pas respecté, très déçu"


def test_mix_codec_can_be_declared_by_name(tmp_path):
    path = write(tmp_path, b"1,d\x82lai\n")
    enc = detect_encoding(path, declared="Latin-1+CP850")
    assert enc == TextEncoding("latin-1+cp850", had_bom=False, detected=False)
    assert transcode(tmp_path, path, enc) == "1,délai\n".encode("utf-8")


@pytest.mark.parametrize("raw, codec", [
    ("Обслуживание клиентов было отличным, спасибо!\n".encode("cp1251") * 3, "cp1251"),
    (b"1,Prix: 15\xa4 seulement\n2,\xbdtonne, \xbcuvre d'art\n", "iso-8859-15"),
])
def test_other_single_byte_pages(tmp_path, raw, codec):
    path = write(tmp_path, raw)
    assert detect_encoding(path).name == codec
    assert transcode(tmp_path, path).decode("utf-8") == raw.decode(codec)


def test_non_ascii_lines_far_into_the_file_are_sampled(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "CHUNK_SIZE", 64)
    path = write(tmp_path, b"1,plain ascii\n" * 200 + b"2,\x93Quoted\x94 \x96 \x8010\n" * 3)
    assert detect_encoding(path).name == "cp1252"


# --------------------------------------------------------------------------- declared encodings

def test_declared_encoding_overrides_detection(tmp_path):
    path = write(tmp_path, "café\n".encode("utf-8"))
    enc = detect_encoding(path, declared="latin-1")
    assert enc == TextEncoding("iso8859-1", had_bom=False, detected=False)
    assert transcode(tmp_path, path, enc).decode("utf-8") == "cafÃ©\n"


@pytest.mark.parametrize("declared, bom, codec, name", [
    ("utf-8", codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    ("UTF-16LE", codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    ("utf-16", codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
])
def test_declared_utf_with_matching_bom_drops_the_bom(tmp_path, declared, bom, codec, name):
    path = write(tmp_path, bom + CSV_TEXT.encode(codec))
    enc = detect_encoding(path, declared=declared)
    assert enc == TextEncoding(name, had_bom=True, detected=False)
    assert transcode(tmp_path, path, enc) == CSV_TEXT.encode("utf-8")


def test_declared_bomless_utf16_uses_the_nul_pattern_for_byte_order(tmp_path):
    path = write(tmp_path, CSV_TEXT.encode("utf-16-be"))
    enc = detect_encoding(path, declared="utf-16")
    assert enc.name == "utf-16-be"
    assert transcode(tmp_path, path, enc) == CSV_TEXT.encode("utf-8")


@pytest.mark.parametrize("declared", ["klingon", "utf-9", "cp99999", "base64", "rot13"])
def test_unknown_declared_encoding_is_a_file_format_error(tmp_path, declared):
    path = write(tmp_path, b"a,b\n")
    with pytest.raises(FileFormatError, match="text encoding"):
        detect_encoding(path, declared=declared)


def test_declared_utf8_that_is_not_utf8_is_reported(tmp_path):
    path = write(tmp_path, b"1,d\xe9lai\n")
    enc = detect_encoding(path, declared="utf8")
    with pytest.raises(FileFormatError, match="not valid UTF-8"):
        to_utf8(path, enc, tmp_path / "out")


def test_undecodable_bytes_raise_and_leave_no_partial_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "CHUNK_SIZE", 4)
    path = write(tmp_path, b"abcdefgh,d\xe9lai\n")
    with pytest.raises(FileFormatError, match=r"not valid ascii text \(near byte 10\)"):
        to_utf8(path, detect_encoding(path, declared="ascii"), tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


# --------------------------------------------------------------------------- line ends

@pytest.mark.parametrize("codec", ["cp1252", "utf-16-le", "utf-8-sig", "latin-1+cp850"])
def test_crlf_lone_cr_and_lf_survive_transcoding(tmp_path, codec):
    text = 'id,comment\r\n1,"first line\rsame cell"\r\n2,déjà vu\n3,fin\r'
    path = write(tmp_path, text.encode(codec))
    enc = TextEncoding(codec, had_bom=codec == "utf-8-sig", detected=False)
    assert transcode(tmp_path, path, enc) == text.encode("utf-8")


def test_copies_of_same_named_files_do_not_overwrite_each_other(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = to_utf8(write(tmp_path / "a", b"x\xe9\n"), TextEncoding("cp1252", False, True), tmp_path / "out")
    second = to_utf8(write(tmp_path / "b", b"y\xe9\n"), TextEncoding("cp1252", False, True), tmp_path / "out")
    assert first != second
    assert first.read_bytes() == "xé\n".encode() and second.read_bytes() == "yé\n".encode()


# --------------------------------------------------------------------------- sniff_format

def test_sniff_xlsx_written_by_openpyxl(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["id", "nps"])
    wb.active.append([1, 9])
    path = tmp_path / "survey.csv"  # misleading name: the bytes decide
    wb.save(path)
    assert sniff_format(path) == "excel"


def test_sniff_parquet_written_by_pyarrow(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "data.csv"
    pq.write_table(pa.table({"id": [1, 2], "nps": [9, 3]}), path)
    assert sniff_format(path) == "parquet"


def test_sniff_zip_that_is_not_xlsx_is_rejected(tmp_path):
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(FileFormatError, match="zip archive"):
        sniff_format(path)


@pytest.mark.parametrize("data, expected", [
    (b"PK\x03\x04\x14\x00\x00\x00[Content_Types].xml...xl/workbook.xml", "excel"),
    (b"PK\x03\x04\x14\x00\x00\x00truncated", FileFormatError),
])
def test_sniff_bare_pk_header_falls_back_to_member_names(tmp_path, data, expected):
    path = write(tmp_path, data)
    if expected is FileFormatError:
        with pytest.raises(FileFormatError, match="damaged zip"):
            sniff_format(path)
    else:
        assert sniff_format(path) == expected


def test_sniff_plain_csv(tmp_path):
    assert sniff_format(write(tmp_path, CSV_TEXT.encode("utf-8"), "x.xlsx")) == "csv"
    assert sniff_format(write(tmp_path, b"1,d\x82lai\r\n", "y.csv")) == "csv"


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, r"old \.xls.*save it as \.xlsx or CSV"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR", "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    (gzip.compress(b"a,b\n1,2\n", mtime=0), "gzip-compressed"),
    (random.Random(0).randbytes(4096), "binary data"),
    (bytes(range(1, 9)) * 100 + b"a,b\n", "binary data"),  # no NUL, but mostly control bytes
])
def test_sniff_rejects_files_that_are_not_tables(tmp_path, data, message):
    path = write(tmp_path, data)
    with pytest.raises(FileFormatError, match=message):
        sniff_format(path)


def test_file_format_error_is_a_value_error():
    assert issubclass(FileFormatError, ValueError)


# --------------------------------------------------------------------------- DuckDB end to end

def test_duckdb_reads_the_transcoded_copy(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    raw = (b"id,verbatim\r\n"
           b"1,\"le d\x82lai est particuli\xe8rement long\"\r\n"
           b"2,\"\x82change refus\x82, tr\xe8s d\x82\x87u\"\r\n"
           b"3,\"gr\x83ce au conseil, d\xe9lai court \xe0 No\x89l\"\r\n")
    path = write(tmp_path, raw)
    assert sniff_format(path) == "csv"
    enc = detect_encoding(path)
    assert enc.name == "latin-1+cp850"
    rows = duckdb.read_csv(str(to_utf8(path, enc, tmp_path / "out"))).fetchall()
    assert rows == [
        (1, "le délai est particulièrement long"),
        (2, "échange refusé, très déçu"),
        (3, "grâce au conseil, délai court à Noël"),
    ]
