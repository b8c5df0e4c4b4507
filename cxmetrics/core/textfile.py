"""Prepare uploaded files for DuckDB: recognise the format, find the text encoding, transcode to UTF-8.

DuckDB's ``read_csv`` only reads UTF-8 in this deployment (the encodings extension cannot be
downloaded), so every other text encoding is transcoded here first. Files can be gigabytes:
everything is streamed in ``CHUNK_SIZE`` pieces and never read whole into memory.
"""

from __future__ import annotations

import codecs
import os
import pathlib
import re
import tempfile
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Module constants rather than default arguments, so tests can monkeypatch them.
CHUNK_SIZE = 1 << 20          # bytes read per step when streaming
HEAD_SIZE = 64 << 10          # bytes inspected by sniff_format
UTF16_PROBE_SIZE = 4096       # bytes inspected for the NUL pattern of BOM-less UTF-16
SAMPLE_SIZE = 256 << 10       # bytes of non-ASCII lines given to the legacy-encoding guess

MIX_CODEC = "latin-1+cp850"

_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_NOT_TEXT_MAGIC = (  # (magic, what the user is told it looks like)
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first"),
    (b"%PDF", "a PDF document, not a table"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a table"),
    (b"\xff\xd8\xff", "a JPEG image, not a table"),
    (b"GIF8", "a GIF image, not a table"),
    (b"BZh", "a bzip2-compressed file; decompress it first"),
    (b"\xfd7zXZ\x00", "an xz-compressed file; decompress it first"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract it first"),
    (b"Rar!\x1a\x07", "a RAR archive; extract it first"),
    (b"SQLite format 3\x00", "an SQLite database, not a table export"),
)

# Bytes that never occur in text; tab, LF, VT, FF, CR and the DOS end-of-file mark 0x1A are allowed.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1a") + b"\x7f"
_ASCII_BYTES = bytes(range(128))


class FileFormatError(ValueError):
    """A file the importer cannot read, with a one-line reason for the user."""


@dataclass(frozen=True)
class TextEncoding:
    name: str          # Python codec name actually used, e.g. 'utf-8', 'utf-16', 'cp1252', 'latin-1+cp850'
    had_bom: bool      # the file starts with a byte-order mark, which the UTF-8 copy drops
    detected: bool     # False when the user named it


# --------------------------------------------------------------------------- custom codec

def _mix_decoding_table() -> str:
    """Return the 256-character table of the Latin-1 + DOS code page 850 mix."""
    # Some French exports (e.g. an R/SAS pipeline fed from DOS-era tools) wrote accented
    # letters as Latin-1 in 0xA0-0xFF and as cp850 in 0x80-0x9F, where Latin-1 has only
    # invisible C1 controls, so the two never collide byte-wise.
    table = [chr(b) for b in range(256)]
    for b in range(0x80, 0xA0):
        table[b] = bytes([b]).decode("cp850")
    return "".join(table)


_MIX_DECODING_TABLE = _mix_decoding_table()
_MIX_ENCODING_TABLE = codecs.charmap_build(_MIX_DECODING_TABLE)


class _MixIncrementalDecoder(codecs.IncrementalDecoder):
    def decode(self, input, final=False):  # single-byte: no state across chunks
        return codecs.charmap_decode(input, self.errors, _MIX_DECODING_TABLE)[0]


class _MixIncrementalEncoder(codecs.IncrementalEncoder):
    def encode(self, input, final=False):
        return codecs.charmap_encode(input, self.errors, _MIX_ENCODING_TABLE)[0]


def _search_mix_codec(name: str):
    """Return the CodecInfo of 'latin-1+cp850' for codecs.lookup, None for any other name."""
    # Registered so a user can declare it too and everything goes through codecs.lookup.
    if re.sub(r"[^a-z0-9]", "", name.lower()) != "latin1cp850":
        return None
    return codecs.CodecInfo(
        name=MIX_CODEC,
        encode=lambda s, errors="strict": codecs.charmap_encode(s, errors, _MIX_ENCODING_TABLE),
        decode=lambda b, errors="strict": codecs.charmap_decode(b, errors, _MIX_DECODING_TABLE),
        incrementalencoder=_MixIncrementalEncoder,
        incrementaldecoder=_MixIncrementalDecoder,
    )


codecs.register(_search_mix_codec)


# --------------------------------------------------------------------------- format sniffing

def _read_head(path, size: int) -> bytes:
    """Return up to `size` bytes from the start of the file."""
    with open(path, "rb") as f:
        return f.read(size)


def _bom_codec(head: bytes) -> tuple[str, bytes] | None:
    """Return (codec name, BOM bytes) when the data starts with a byte-order mark, else None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, bom
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """Return 'utf-16-le' or 'utf-16-be' when the bytes show the NUL pattern of ASCII text in UTF-16."""
    # ASCII characters in UTF-16 are one NUL byte and one non-NUL byte; the NUL is the
    # high byte, so it sits at odd offsets in little-endian and even offsets in big-endian.
    probe = head[:UTF16_PROBE_SIZE]
    probe = probe[: len(probe) - len(probe) % 2]
    pairs = len(probe) // 2
    if pairs < 2:
        return None
    even_nuls, odd_nuls = probe[0::2].count(0), probe[1::2].count(0)
    if odd_nuls >= 0.3 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.3 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _zip_kind(path, head: bytes) -> str:
    """Return 'excel' for an .xlsx zip; raise FileFormatError naming any other zip."""
    try:
        # Reads only the central directory at the end of the file, not the members.
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        names = None
    if names is None:
        # Truncated or odd zip: fall back to the member names visible in the first local headers.
        if b"xl/" in head or b"[Content_Types].xml" in head:
            return "excel"
        raise FileFormatError("the file looks like a damaged zip archive, not a CSV or .xlsx file")
    if any(n.startswith("xl/") for n in names):
        return "excel"
    if "mimetype" in names and b"opendocument.spreadsheet" in head:
        raise FileFormatError("the file is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV")
    if any(n.startswith("word/") for n in names):
        raise FileFormatError("the file is a Word document (.docx), not a table")
    raise FileFormatError("the file is a zip archive, not a CSV or .xlsx file; extract it first")


def _looks_binary(head: bytes) -> bool:
    """Return True when the bytes are not text: NUL bytes, or many control bytes."""
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > 0.05 * len(head)


def sniff_format(path) -> str:
    """Return 'csv', 'excel' or 'parquet' from the file's first bytes (magic numbers), not its name."""
    head = _read_head(path, HEAD_SIZE)
    if not head:
        raise FileFormatError("the file is empty")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path, head)
    if head.startswith(b"PK\x05\x06"):
        raise FileFormatError("the file is an empty zip archive")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2 compound file
        raise FileFormatError("the file is an old .xls (Excel 97-2003) workbook; save it as .xlsx or CSV")
    # BOMs before the image magics: the UTF-16 LE BOM FF FE must not be mistaken for anything.
    if _bom_codec(head) or _utf16_without_bom(head):
        return "csv"
    for magic, what in _NOT_TEXT_MAGIC:
        if head.startswith(magic):
            raise FileFormatError(f"the file is {what}")
    if _looks_binary(head):
        raise FileFormatError("the file contains binary data, not text; it is not a CSV file")
    return "csv"


# --------------------------------------------------------------------------- encoding detection

def _iter_chunks(path):
    """Yield the file's bytes in CHUNK_SIZE pieces."""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_SIZE):
            yield chunk


def _is_utf8(path) -> bool:
    """Return True when the whole file is valid UTF-8."""
    # An incremental decoder keeps an incomplete multi-byte sequence at a chunk end and
    # completes it with the next chunk, so chunk boundaries cannot cause false verdicts.
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for chunk in _iter_chunks(path):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _legacy_sample(path) -> tuple[bytes, frozenset[int]]:
    """Return (sample of lines holding non-ASCII bytes, set of every non-ASCII byte in the file)."""
    # Only non-ASCII lines tell encodings apart, so the sample keeps those, wherever they are;
    # the byte set covers the whole file so the chosen codec is known to decode every byte.
    pieces, size, present = [], 0, set()
    for chunk in _iter_chunks(path):
        if len(present) < 128:
            present.update(chunk.translate(None, _ASCII_BYTES))
        if size < SAMPLE_SIZE:
            for line in _non_ascii_lines(chunk):
                pieces.append(line)
                size += len(line) + 1
                if size >= SAMPLE_SIZE:
                    break
    return b"\n".join(pieces), frozenset(present)


_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _non_ascii_lines(chunk: bytes):
    """Yield the lines (cut at CR or LF) of the chunk that contain a non-ASCII byte."""
    # Search for the byte, then widen to the line ends: a pattern like [^\n]*[\x80-\xff]
    # would backtrack quadratically over long ASCII-only lines.
    pos = 0
    while m := _NON_ASCII.search(chunk, pos):
        start = max(chunk.rfind(b"\n", 0, m.start()), chunk.rfind(b"\r", 0, m.start())) + 1
        ends = [e for e in (chunk.find(b"\n", m.end()), chunk.find(b"\r", m.end())) if e >= 0]
        end = min(ends) if ends else len(chunk)
        yield chunk[start:end]
        pos = end + 1


# Bytes 0x80-0x9F that are letters in cp850 but punctuation (or unassigned) in cp1252. Left
# out: 0x91/0x92 (‘ ’, the apostrophe sits inside words in real cp1252 text) and
# 0x9A/0x9C/0x9E (š œ ž, real cp1252 letters, as in "cœur").
_DOS_LETTER_EVIDENCE = frozenset(range(0x80, 0xA0)) - {0x91, 0x92, 0x9A, 0x9C, 0x9E}
_WORD_BYTES = frozenset(
    list(range(ord("a"), ord("z") + 1)) + list(range(ord("A"), ord("Z") + 1))
    + [b for b in range(0xC0, 0x100) if b not in (0xD7, 0xF7)] + list(range(0x80, 0xA0))
)


def _inside_word_counts(sample: bytes) -> tuple[int, int, int]:
    """Return (C1 bytes between letters, C1 bytes in total, Latin-1 small letters between letters)."""
    # In cp1252 the bytes 0x80-0x9F are mostly punctuation (‚ ƒ „ … † ‰ – —), which almost
    # never sits between two letters; when they do, they are DOS letters (d\x82lai = délai).
    inside = total = latin_inside = 0
    for m in re.finditer(rb"(?<=.)[\x80-\xff](?=.)", sample, re.DOTALL):
        i, b = m.start(), sample[m.start()]
        between = sample[i - 1] in _WORD_BYTES and sample[i + 1] in _WORD_BYTES
        if b in _DOS_LETTER_EVIDENCE:
            total += 1
            inside += between
        elif b >= 0xE0 and b != 0xF7:
            latin_inside += between
    return inside, total, latin_inside


def _charset_normalizer_ranking(sample: bytes, candidates: list[str]) -> list[tuple[str, float]]:
    """Return [(codec, chaos)] from charset-normalizer, best first, among `candidates` only."""
    # Left free, charset-normalizer calls French text cp1256 (Arabic); restricting the
    # candidates keeps its statistics useful.
    return [(m.encoding, m.chaos) for m in from_bytes(sample, cp_isolation=candidates)]


def _decodes_all(codec: str, present: frozenset[int]) -> bool:
    """Return True when the single-byte codec assigns a character to every byte present."""
    try:
        bytes(sorted(present)).decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _guess_legacy(sample: bytes, present: frozenset[int]) -> str:
    """Return the 8-bit encoding of a non-UTF-8 file, from its non-ASCII sample and byte set."""
    inside, total, latin_inside = _inside_word_counts(sample)
    if inside >= 2 and inside >= 0.3 * total:
        # DOS letters in 0x80-0x9F; cp850 vs Mac Roman (which also puts é è à there) by statistics.
        ranking = _charset_normalizer_ranking(sample, ["cp850", "mac_roman"])
        dos = ranking[0][0] if ranking else "cp850"
        if dos == "cp850" and latin_inside >= max(1, 0.1 * inside):
            choice = MIX_CODEC      # Latin-1 letters (0xE0-0xFF) in words as well: the mix
        else:
            choice = "cp850" if dos == "cp850" else "mac-roman"
    else:
        choice = _western_or_other(sample, present)
    for codec in (choice, "cp1252", "latin-1"):  # latin-1 assigns every byte: always succeeds
        if _decodes_all(codec, present):
            return codec
    raise AssertionError("unreachable: latin-1 decodes every byte")


def _western_or_other(sample: bytes, present: frozenset[int]) -> str:
    """Return cp1252, latin-1 or iso-8859-15, or cp1251 for text that is mostly Cyrillic."""
    if _mostly_non_ascii_letters(sample):
        # Only here may charset-normalizer pick a non-Western page: on Western text it calls
        # short samples cp1250/cp1251 because they decode ’ “ ” € the same way or nearly.
        ranking = _charset_normalizer_ranking(sample, ["cp1251", "cp1252"])
        if ranking and ranking[0][0] == "cp1251" and ranking[0][1] <= 0.05:
            return "cp1251"
    # The three Western codecs differ only in 0x80-0x9F (cp1252 has € ’ “ ” – there, Latin-1 only
    # invisible controls) and in a few 0xA0-0xBF signs (iso-8859-15 has € at 0xA4).
    if any(0x80 <= b <= 0x9F for b in present):
        return "cp1252"
    if re.search(rb"[0-9] ?\xa4", sample):
        # 0xA4 after an amount is € (iso-8859-15), not Latin-1's meaningless currency sign ¤;
        # charset-normalizer cannot tell the two apart.
        return "iso-8859-15"
    return "latin-1"


def _mostly_non_ascii_letters(sample: bytes) -> bool:
    """Return True when the non-ASCII lines hold more 0xC0-0xFF bytes than ASCII letters."""
    # Cyrillic in cp1251 is letters 0xC0-0xFF almost throughout; Western text has a few
    # accented letters per word at most.
    high = len(re.findall(rb"[\xc0-\xff]", sample))
    ascii_letters = len(re.findall(rb"[A-Za-z]", sample))
    return high > ascii_letters


# Declared UTF names that a given BOM belongs to (so the BOM is dropped, not decoded as U+FEFF).
_BOM_FAMILIES = {
    codecs.BOM_UTF8: {"utf-8", "utf-8-sig"},
    codecs.BOM_UTF16_LE: {"utf-16", "utf-16-le"},
    codecs.BOM_UTF16_BE: {"utf-16", "utf-16-be"},
    codecs.BOM_UTF32_LE: {"utf-32", "utf-32-le"},
    codecs.BOM_UTF32_BE: {"utf-32", "utf-32-be"},
}


def _declared_encoding(path, declared: str) -> TextEncoding:
    """Return the user's encoding, checked with codecs.lookup, noting a BOM that matches it."""
    try:
        info = codecs.lookup(declared)
    except LookupError:
        raise FileFormatError(f"unknown text encoding {declared!r}") from None
    # codecs.lookup also knows bytes-to-bytes transforms such as base64 and rot13.
    if not getattr(info, "_is_text_encoding", True):
        raise FileFormatError(f"{declared!r} is not a text encoding")
    name = info.name
    head = _read_head(path, UTF16_PROBE_SIZE)
    found = _bom_codec(head)
    if found and name in _BOM_FAMILIES[found[1]]:
        return TextEncoding("utf-8-sig" if name == "utf-8" else name, had_bom=True, detected=False)
    if name == "utf-16":
        # Python's BOM-less 'utf-16' assumes the machine's byte order; the NUL pattern knows better.
        name = _utf16_without_bom(head) or name
    return TextEncoding(name, had_bom=False, detected=False)


def detect_encoding(path, declared: str | None = None) -> TextEncoding:
    """Return the encoding of a text file: the declared one if given (validated with codecs.lookup; unknown name -> FileFormatError), else detected."""
    if declared:
        return _declared_encoding(path, declared)
    head = _read_head(path, UTF16_PROBE_SIZE)
    found = _bom_codec(head)
    if found:
        return TextEncoding(found[0], had_bom=True, detected=True)
    utf16 = _utf16_without_bom(head)
    if utf16:
        return TextEncoding(utf16, had_bom=False, detected=True)
    if _is_utf8(path):
        return TextEncoding("utf-8", had_bom=False, detected=True)
    sample, present = _legacy_sample(path)
    return TextEncoding(_guess_legacy(sample, present), had_bom=False, detected=True)


# --------------------------------------------------------------------------- transcoding

def _utf8_copy_name(path: pathlib.Path, dest_dir: pathlib.Path) -> pathlib.Path:
    """Return a new, unique file path in dest_dir named after the original."""
    # Unique so two uploads called data.csv never overwrite each other's copy.
    suffix = path.suffix.lower() if path.suffix.lower() in (".csv", ".tsv", ".txt") else ".csv"
    fd, name = tempfile.mkstemp(prefix=f"{path.stem}.", suffix=f".utf8{suffix}", dir=dest_dir)
    os.close(fd)
    return pathlib.Path(name)


def to_utf8(path, encoding: TextEncoding, dest_dir) -> pathlib.Path:
    """Return a path DuckDB can read as UTF-8: the original file when it already is UTF-8 without BOM, else a transcoded copy in dest_dir (BOM dropped)."""
    path = pathlib.Path(path)
    if codecs.lookup(encoding.name).name == "utf-8" and not encoding.had_bom:
        # Detection already validated the whole file; a user's word is checked here, because
        # DuckDB's own error for bad UTF-8 does not tell the user to name the encoding.
        if not encoding.detected and not _is_utf8(path):
            raise FileFormatError("the file is not valid UTF-8; choose its encoding (e.g. cp1252) and retry")
        return path
    dest_dir = pathlib.Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = _utf8_copy_name(path, dest_dir)
    try:
        _transcode(path, encoding, dest)
    except BaseException:
        dest.unlink(missing_ok=True)  # no half-written copy for DuckDB to pick up later
        raise
    return dest


def _transcode(path: pathlib.Path, encoding: TextEncoding, dest: pathlib.Path) -> None:
    """Write the file decoded with `encoding` to dest as UTF-8, keeping every line end as it is."""
    # Binary reads and writes: no newline translation, so CR, LF and CRLF reach DuckDB unchanged.
    decoder = codecs.getincrementaldecoder(encoding.name)("strict")
    offset, strip_bom = 0, encoding.had_bom
    with open(dest, "wb") as out:
        try:
            for chunk in _iter_chunks(path):
                text = decoder.decode(chunk)
                if strip_bom and text:
                    # Codecs such as utf-16-le keep the BOM as U+FEFF; utf-8-sig/utf-16 already drop it.
                    text, strip_bom = text.removeprefix("\ufeff"), False
                out.write(text.encode("utf-8"))
                offset += len(chunk)
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError as err:
            raise FileFormatError(
                f"the file is not valid {encoding.name} text (near byte {offset + err.start}); "
                "choose another encoding") from None
