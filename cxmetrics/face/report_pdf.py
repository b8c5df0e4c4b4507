"""The report as an A4 PDF, built offline: the same sections as the HTML (report_sections), laid out
with fpdf2 (pure Python), charts as PNG images rendered by vl-convert.

vl-convert turns one chart into a one-page PDF but cannot paginate an HTML document, and printing
the HTML needs a browser the product must not depend on; fpdf2 flows text and tables over as many
A4 pages as needed, and a chart that does not fit what is left of a page starts the next one.

Text needs a Unicode font to show imported labels ("Facturación", "Überweisung"): the first of
FONT_FILES present (DejaVu Sans or Liberation Sans, as Debian, Fedora and Arch install them) is
embedded. Without any of them the PDF uses the built-in Helvetica, which has Latin-1 only; other
characters are then printed as "?" (the HTML report shows them all).
"""

from __future__ import annotations

import io
from pathlib import Path

import vl_convert
from fpdf import FPDF

from .report_sections import Section, chart_specs, sections, settings_line

FONT_FILES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)
MARGIN_MM = 14
CHART_SCALE = 2  # pixels per CSS pixel of the PNG: sharp when printed
PX_TO_MM = 25.4 / 96  # a CSS pixel is 1/96 inch
TEXT, SMALL, HEADING, TITLE = 9.5, 8, 13, 18


def render_pngs(specs: dict[str, dict]) -> dict[str, bytes]:
    """Return {name: PNG bytes} of each Vega-Lite spec, rendered offline (no base URL may be fetched)."""
    return {name: vl_convert.vegalite_to_png(spec, scale=CHART_SCALE, allowed_base_urls=[])
            for name, spec in specs.items()}


def render_pdf(model: dict, specs: dict[str, dict] | None = None) -> bytes:
    """Return the report as PDF bytes on A4 pages; `specs` from report_sections.chart_specs (built here when None)."""
    pngs = render_pngs(chart_specs(model) if specs is None else specs)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.set_title(model["title"])
    pdf.set_creator("cxmetrics")
    family, unicode_font = _font(pdf)
    write = _writer(pdf, family, unicode_font)
    pdf.add_page()
    write(model["title"], TITLE, bold=True)
    write(model["caption"], TEXT, bold=True)
    write(settings_line(model), SMALL)
    for section in sections(model):
        _section(pdf, section, pngs, write, family, unicode_font)
    return bytes(pdf.output())


def _font(pdf: FPDF) -> tuple[str, bool]:
    """Return (the font family to use, whether it is a Unicode TrueType font)."""
    for regular, bold in FONT_FILES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdf.add_font("report", "", regular)
            pdf.add_font("report", "B", bold)
            return "report", True
    return "helvetica", False


def _plain(text: str, unicode_font: bool) -> str:
    """Return the text as the font can print it: all of it in a Unicode font, Latin-1 (else "?") in Helvetica."""
    if unicode_font:
        return text
    text = text.replace("–", "-").replace("—", "-").replace("→", "->").replace("−", "-").replace("≥", ">=")
    return text.encode("latin-1", "replace").decode("latin-1")


def _writer(pdf: FPDF, family: str, unicode_font: bool):
    def write(text: str, size: float, bold: bool = False, space: float = 1.5) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.48, _plain(text, unicode_font), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(space)
    return write


HEADING_ROOM_MM = 30  # a heading and its first lines: a heading never ends a page alone


def _section(pdf: FPDF, section: Section, pngs: dict[str, bytes], write, family: str, unicode_font: bool) -> None:
    pdf.ln(2)
    first_chart = next((pngs[name] for name in section.charts if name in pngs), None)
    # A section that is a chart keeps its heading with it.
    needed = HEADING_ROOM_MM + (_chart_size(pdf, first_chart)[1] if first_chart and section.table is None else 0)
    if pdf.will_page_break(needed):
        pdf.add_page()
    write(section.title, HEADING, bold=True, space=1)
    for line in section.lines:
        write(("• " if unicode_font and len(section.lines) > 1 else "") + line, TEXT)
    if section.table is not None:
        _table(pdf, section, family, unicode_font)
    for name in section.charts:
        if name in pngs:
            _chart(pdf, pngs[name])


def _table(pdf: FPDF, section: Section, family: str, unicode_font: bool) -> None:
    pdf.set_font(family, "", SMALL)
    with pdf.table(line_height=SMALL * 0.5, text_align="LEFT", first_row_as_headings=True,
                   headings_style=_heading_style(family)) as table:
        for cells in (section.table.headers, *section.table.rows):
            row = table.row()
            for cell in cells:
                row.cell(_plain(cell, unicode_font))
    pdf.ln(2)


def _heading_style(family: str):
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD", fill_color=(242, 244, 247))


def _chart_size(pdf: FPDF, png: bytes) -> tuple[float, float]:
    """Return (width, height) in mm of a chart drawn at most the text width wide and a page high."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        width_px, height_px = image.size
    width = min(pdf.epw, width_px / CHART_SCALE * PX_TO_MM)
    height = width * height_px / width_px
    if height > pdf.eph:  # taller than a page: shrink to the page rather than cut it
        width, height = width * pdf.eph / height, pdf.eph
    return width, height


def _chart(pdf: FPDF, png: bytes) -> None:
    """Place one chart; on the next page when it does not fit whole on this one."""
    width, height = _chart_size(pdf, png)
    if pdf.will_page_break(height):
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=width, h=height)
    pdf.ln(3)
