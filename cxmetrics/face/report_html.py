"""The report as one self-contained HTML file, printable on A4: styles inline, charts as SVG
images in data URIs (rendered offline by vl-convert, no fetch allowed), a Content-Security-Policy
that forbids any request, and the model's figures as a JSON block for machines."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import vl_convert

from ..core.markdown_text import escape_html
from .report_sections import Section, chart_specs, sections, settings_line

STYLE = Path(__file__).with_name("report.css")
FIGURES_ID = "report-figures"
# Nothing may be fetched: images are data URIs, styles inline, and the JSON block is data, not script.
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def render_svgs(specs: dict[str, dict]) -> dict[str, str]:
    """Return {name: SVG text} of each Vega-Lite spec, rendered offline (no base URL may be fetched)."""
    return {name: vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]) for name, spec in specs.items()}


def render_html(model: dict, specs: dict[str, dict] | None = None) -> str:
    """Return the report as one HTML document; `specs` from report_sections.chart_specs (built here when None)."""
    svgs = render_svgs(chart_specs(model) if specs is None else specs)
    body = "\n".join(_section(section, svgs) for section in sections(model))
    title = escape_html(model["title"])
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{title}</title>\n<style>\n{STYLE.read_text(encoding='utf-8')}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{title}</h1>\n<p class=\"period\">{escape_html(model['caption'])}</p>\n"
        f"<p class=\"settings\">{escape_html(settings_line(model))}</p>\n</header>\n"
        f"{body}\n{figures_block(model)}\n</body>\n</html>\n"
    )


def figures_block(model: dict) -> str:
    """Return the model as a JSON data block; `<` written as \\u003c so no value can close the element."""
    data = json.dumps(model, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")
    return f"<script type=\"application/json\" id=\"{FIGURES_ID}\">{data}</script>"


def figures_from_html(html: str) -> dict:
    """Return the model a report's HTML carries (for tests and scripts reading a saved report)."""
    start = html.index(f"id=\"{FIGURES_ID}\">") + len(f"id=\"{FIGURES_ID}\">")
    return json.loads(html[start:html.index("</script>", start)])


def _section(section: Section, svgs: dict[str, str]) -> str:
    parts = [f"<section id=\"{section.key}\">", f"<h2>{escape_html(section.title)}</h2>"]
    if len(section.lines) > 1 or section.key in ("moved", "drivers"):
        parts.append("<ul>" + "".join(f"<li>{escape_html(line)}</li>" for line in section.lines) + "</ul>")
    else:
        parts += [f"<p>{escape_html(line)}</p>" for line in section.lines]
    if section.table is not None:
        head = "".join(f"<th scope=\"col\">{escape_html(h)}</th>" for h in section.table.headers)
        rows = "".join("<tr>" + "".join(f"<td>{escape_html(cell)}</td>" for cell in row) + "</tr>"
                       for row in section.table.rows)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    for name in section.charts:
        if name in svgs:
            encoded = base64.b64encode(svgs[name].encode("utf-8")).decode("ascii")
            parts.append(f"<figure class=\"chart\"><img alt=\"{escape_html(_chart_title(section, name))}\" "
                         f"src=\"data:image/svg+xml;base64,{encoded}\"></figure>")
    parts.append("</section>")
    return "\n".join(parts)


def _chart_title(section: Section, name: str) -> str:
    return f"{section.title}: chart {name.replace('_', ' ')}"
