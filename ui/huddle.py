"""The huddle screen: big-type, high-contrast HTML panels that rotate inside one fragment.

The HTML builders are pure (panel data in, markup out) so tests can read them; `draw_huddle` is
the only part that touches Streamlit. The fragment reruns every `every` seconds: it moves a
single rotation index on, re-reads the data version (so an import shows at the next turn) and
draws one panel from the bounded, version-keyed cache. Nothing else is kept in the session.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlencode, urlsplit

import streamlit as st

from cxmetrics import app_state
from cxmetrics.engine.huddle import PANEL_TITLES, HuddleSettings
from cxmetrics.engine.url_state import Scope

HUDDLE_TITLE = "Huddle"
HUDDLE_PATH = "huddle"
ROTATION_KEY = "huddle_rotation"
DASHBOARD_SEEN_KEY = "cx_dashboard_seen"  # this session showed a dashboard page: the huddle came from the navigation
OVERVIEW_PAGE = "views/overview.py"
REASONS_PATH = "contact_reasons"  # the Contact reasons page's URL path (app.py names it by its file)

# Sizes in px: figures never below 48, every other text never below 24 (read from across a room).
FIGURE_PX, BIG_FIGURE_PX, LABEL_PX, NOTE_PX = 64, 120, 36, 26
# Colours on black, all with a contrast ratio of at least 7:1 (WCAG AAA for text).
GOOD, BAD, NEUTRAL, MUTED, ACCENT = "#5ee37a", "#ff7b7b", "#ffffff", "#b3b3b3", "#ffd400"
WARN = "#ffb347"  # at risk: amber, 11:1 on black

# Designed at 1920×1080; every size is in design pixels (--u), so a 1366×768 screen or a 4K one shows the
# same layout, scaled to fit, instead of cutting the panel off or leaving it small in a corner.
DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080


def _scaled(css: str) -> str:
    """Return `css` with every "<n>px" as n design pixels (a length that is 1px on a 1920×1080 screen)."""
    unit = f":root {{ --u: min(100vw / {DESIGN_WIDTH}, 100vh / {DESIGN_HEIGHT}); }}\n"
    return unit + re.sub(r"\b(\d+(?:\.\d+)?)px\b", r"calc(\1 * var(--u))", css)


# Only system fonts: the screen must work offline, so no web font is ever fetched.
HUDDLE_CSS = _scaled(f"""
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"], footer {{ display: none !important; }}
[data-testid="stApp"], [data-testid="stMain"], [data-testid="stAppViewContainer"] {{ background: #000 !important; }}
[data-testid="stMainBlockContainer"], .block-container {{ padding: 0 !important; max-width: 100% !important; }}
[data-stale="true"] {{ opacity: 1 !important; transition: none !important; }}
.hd-screen {{ position: fixed; inset: 0; z-index: 1000; box-sizing: border-box; width: 100vw; height: 100vh;
  padding: 40px 64px 28px; background: #000; color: {NEUTRAL}; display: flex; flex-direction: column;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif;
  line-height: 1.15; overflow: hidden; }}
.hd-top {{ display: flex; justify-content: space-between; align-items: baseline; gap: 32px;
  border-bottom: 4px solid {ACCENT}; padding-bottom: 16px; }}
.hd-title {{ font-size: 64px; font-weight: 800; margin: 0; color: {ACCENT}; white-space: nowrap; }}
.hd-top .hd-label {{ text-align: right; }}
.hd-label {{ font-size: {LABEL_PX}px; font-weight: 600; }}
.hd-note {{ font-size: {NOTE_PX}px; color: {MUTED}; }}
.hd-figure {{ font-size: {FIGURE_PX}px; font-weight: 800; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.hd-big {{ font-size: {BIG_FIGURE_PX}px; }}
.hd-good {{ color: {GOOD}; }} .hd-bad {{ color: {BAD}; }} .hd-neutral {{ color: {NEUTRAL}; }}
.hd-warn {{ color: {WARN}; }}
.hd-muted {{ color: {MUTED}; }}
.hd-body {{ flex: 1; min-height: 0; padding: 28px 0; display: flex; flex-direction: column; justify-content: center; }}
.hd-grid {{ display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 28px 56px; height: 100%; }}
.hd-card {{ border-left: 8px solid #444; padding: 4px 0 4px 28px; display: flex; flex-direction: column;
  justify-content: center; gap: 2px; min-width: 0; }}
.hd-card.hd-good {{ border-color: {GOOD}; }} .hd-card.hd-bad {{ border-color: {BAD}; }}
.hd-card.hd-warn {{ border-color: {WARN}; }}
.hd-value {{ display: flex; align-items: center; gap: 24px; flex-wrap: nowrap; }}
.hd-arrow {{ display: inline-block; width: 72px; height: 72px; flex: none; background: currentColor; }}
.hd-arrow[data-arrow="up"] {{ clip-path: polygon(50% 4%, 96% 90%, 4% 90%); }}
.hd-arrow[data-arrow="down"] {{ clip-path: polygon(4% 10%, 96% 10%, 50% 96%); }}
.hd-arrow[data-arrow="flat"] {{ clip-path: polygon(8% 6%, 94% 50%, 8% 94%); }}
.hd-table {{ width: 100%; border-collapse: collapse; }}
.hd-table th {{ text-align: right; font-size: {NOTE_PX}px; color: {MUTED}; font-weight: 600; padding: 0 24px 12px; }}
.hd-table th:first-child, .hd-table td:first-child {{ text-align: left; padding-left: 0; }}
.hd-table td {{ text-align: right; padding: 10px 24px; border-top: 2px solid #333; vertical-align: middle; }}
.hd-table .hd-figure {{ display: block; font-size: 56px; line-height: 1.05; }}
.hd-rows {{ display: flex; flex-direction: column; gap: 36px; }}
.hd-row {{ display: grid; grid-template-columns: 1fr auto; align-items: center; gap: 8px 48px; }}
.hd-row .hd-figure {{ grid-row: span 2; }}
.hd-win .hd-figure {{ white-space: normal; }}
.hd-win {{ display: flex; flex-direction: column; gap: 28px; }}
.hd-quote {{ font-size: {LABEL_PX}px; border-left: 8px solid {ACCENT}; padding-left: 28px; }}
.hd-empty {{ font-size: 56px; font-weight: 700; }}
.hd-foot {{ display: flex; justify-content: space-between; align-items: center; gap: 32px;
  border-top: 2px solid #333; padding-top: 16px; font-size: {NOTE_PX}px; color: {MUTED}; }}
.hd-dots span {{ display: inline-block; width: 24px; height: 24px; border-radius: 50%; background: #444; margin-right: 12px; }}
.hd-dots span.hd-on {{ background: {ACCENT}; }}
.hd-link {{ color: inherit; text-decoration: underline dotted #666; text-decoration-thickness: 2px;
  text-underline-offset: 10px; }}
.st-key-hd_back {{ position: fixed; top: 4px; right: 24px; z-index: 1001; width: auto !important; opacity: 0.75; }}
.st-key-hd_back a, .st-key-hd_back a * {{ color: {MUTED} !important; background: transparent !important; }}
""")

ARROWS = ("up", "down", "flat")
# Only a driver whose gap is significant is red; one that could be noise stays white, too few grey.
DRIVER_COLOURS = {"significant": "hd-bad", "noise": "hd-neutral", "too_few": "hd-muted"}


def opened_by_url() -> bool:
    """Return True when the browser opened the huddle's own URL (so the frame hides its navigation)."""
    try:
        path = urlsplit(st.context.url or "").path
    except Exception:  # no browser session (AppTest, bare mode): nothing to hide
        return False
    return path.rstrip("/").endswith("/" + HUDDLE_PATH)


def draw_huddle(settings: HuddleSettings, scope: Scope) -> None:
    """Draw the huddle screen: the CSS once, then the rotating, self-refreshing panel fragment."""
    st.html(f"<style>{HUDDLE_CSS}</style>")
    back_link()
    for notice in app_state.url_notices():
        st.warning(notice)
    # A full run (opening or reloading the screen) starts at the first panel; the fragment's own
    # reruns move it on.
    st.session_state[ROTATION_KEY] = 0

    @st.fragment(run_every=settings.every)
    def rotating_panel() -> None:
        # Only the next index lives in the session: a day of turns keeps nothing else.
        index = int(st.session_state.get(ROTATION_KEY, 0)) % len(settings.panels)
        st.session_state[ROTATION_KEY] = (index + 1) % len(settings.panels)
        panel = settings.panels[index]
        version = app_state.data_version()
        # As plain tuples (metric, target, start, end, baseline): the cache key of the panel.
        targets = tuple((t.metric, t.value, t.start, t.end, t.baseline)
                        for _, t in sorted(app_state.target_plans().items()))
        data = app_state.cached_huddle_panel(version, panel, scope, settings.days, settings.metric, targets)
        st.html(screen_html(panel, data, index, settings, datetime.now(), reason_link(scope, data)))

    rotating_panel()


def mark_dashboard_seen() -> None:
    """Note that this session showed a dashboard page (so a huddle opened later came from the navigation)."""
    st.session_state[DASHBOARD_SEEN_KEY] = True


def back_link() -> None:
    """Draw a small link back to the Overview in the screen's corner, only when the huddle was opened from
    the navigation: a wall screen opened by its URL shows none (nobody there is meant to leave it)."""
    if not st.session_state.get(DASHBOARD_SEEN_KEY):
        return
    with st.container(key="hd_back"):
        st.page_link(OVERVIEW_PAGE, label="Back to the dashboard", icon=":material/arrow_back:")


def reason_link(scope: Scope, data: dict) -> Callable[[str], str] | None:
    """Return what a contact reason's name links to: the Contact reasons page filtered to it over the
    panel's days, where its contacts can be drilled into; None for a panel without days.

    The huddle is a shared screen, so a click there never shows a row; the link leaves it instead.
    Unlike back_link it is drawn on a wall screen too: a dotted underline clutters nothing on a
    screen nobody clicks, and someone following the huddle on a laptop can open the reason."""
    if not data.get("current"):
        return None
    first, last = data["current"]
    return lambda reason: reasons_href(scope, first, last, reason)


def reasons_href(scope: Scope, first: date, last: date, reason: str) -> str:
    """Return the relative URL of the Contact reasons page showing `reason` from `first` to `last`,
    with the scope's other filters (app_state.link_query: the link's filters replace the session's)."""
    days = dataclasses.replace(scope, filters=dataclasses.replace(scope.filters, date_from=first, date_to=last))
    return f"{REASONS_PATH}?{urlencode(app_state.link_query(days, (reason,)), doseq=True)}"


def screen_html(panel: str, data: dict, index: int, settings: HuddleSettings, updated: datetime,
                link: Callable[[str], str] | None = None) -> str:
    """Return the whole screen for one panel: title and period, the panel's body, position and clock;
    `link`: where a contact reason's name leads (see reason_link), else the names are plain text."""
    title = data.get("title") or PANEL_TITLES[panel]
    builder = {"kpi": kpi_html, "reasons": reasons_html, "drivers": drivers_html, "win": win_html,
               "comments": comments_html}[panel]
    body = builder(data, link) if panel in ("reasons", "drivers") else builder(data)
    dots = "".join(f'<span class="{"hd-on" if i == index else ""}"></span>' for i in range(len(settings.panels)))
    return (
        f'<div class="hd-screen" data-testid="huddle-screen" data-panel="{panel}" data-index="{index}">'
        f'<div class="hd-top"><h1 class="hd-title">{_e(title)}</h1>'
        f'<div class="hd-label hd-muted">{_e(data.get("caption", ""))}</div></div>'
        f'<div class="hd-body">{body}</div>'
        f'<div class="hd-foot"><div class="hd-dots">{dots}</div>'
        f'<div>{index + 1} / {len(settings.panels)} · next in {settings.every} s</div>'
        f'<div>Updated {updated:%H:%M:%S}</div></div></div>'
    )


def kpi_html(data: dict) -> str:
    """Return the headline figures as a 2 × 2 grid: value, trend arrow, change, target, n."""
    if not data["figures"]:
        return '<div class="hd-empty">No data yet</div>'
    cards = []
    for f in data["figures"]:
        # The card and its status word say good or bad (against the target, else the previous period),
        # as on the Overview; the arrow and the change keep their own colour: significance.
        colour = "hd-muted" if f["too_few"] else f"hd-{f['tone']}"
        status = f"hd-{f['status_tone']}"
        n_line = f"too few responses · n = {f['n']:,}" if f["too_few"] else f"n = {f['n']:,}"
        target = f'<div class="hd-note">{_e(f["target"])}</div>' if f["target"] else ""
        cards.append(
            f'<div class="hd-card {status}" data-kpi="{f["key"]}" data-status="{_e(f["status"])}">'
            f'<div class="hd-label">{_e(f["label"])} · <span class="{status}">{_e(f["status"])}</span></div>'
            f'<div class="hd-value"><span class="hd-figure hd-big {"hd-muted" if f["too_few"] else ""}">'
            f'{_e(f["value"])}</span>{arrow_html(f["arrow"], colour)}</div>'
            f'<div class="hd-figure {colour}">{_e(f["change"])}</div>'
            f'<div class="hd-note">{_e(f["note"])} · {n_line}</div>{target}</div>'
        )
    return f'<div class="hd-grid">{"".join(cards)}</div>'


def reasons_html(data: dict, link: Callable[[str], str] | None = None) -> str:
    """Return the busiest contact reasons with their FCR, repeat rate and volume (each name a link with `link`)."""
    if not data["rows"]:
        return '<div class="hd-empty">No contacts in this period</div>'
    rows = []
    for r in data["rows"]:
        rows.append(
            f'<tr><td class="hd-label">{_reason(r["reason"], link)}</td>'
            f'{_figure_cell(r["fcr"], r["fcr_n"], r["fcr_too_few"])}'
            f'{_figure_cell(r["repeat_rate"], r["repeat_n"], r["repeat_too_few"])}'
            f'<td><span class="hd-figure">{_e(r["contacts"])}</span></td></tr>'
        )
    return (
        '<table class="hd-table"><thead><tr><th>Contact reason</th><th>Solved first time</th>'
        f'<th>Came back again</th><th>Contacts</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def drivers_html(data: dict, link: Callable[[str], str] | None = None) -> str:
    """Return the contact reasons that cost the most points, biggest first (each name a link with `link`)."""
    if not data["rows"]:
        return f'<div class="hd-empty">No contact reason drags {_e(data["metric"])} below the rest</div>'
    rows = []
    for r in data["rows"]:
        rows.append(
            f'<div class="hd-row"><div class="hd-label">{_reason(r["reason"], link)}</div>'
            f'<div class="hd-figure {DRIVER_COLOURS[r["weight"]]}" data-weight="{r["weight"]}">{_e(r["impact"])}</div>'
            f'<div class="hd-note">scored {_e(r["value"])} against {_e(r["rest_value"])} for everyone else · '
            f'{_e(r["verdict"])}</div></div>'
        )
    return (f'<div class="hd-label hd-muted">{_e(data["metric"])} the whole base would gain if this reason '
            f'scored like the rest</div><div class="hd-rows" style="margin-top:32px">{"".join(rows)}</div>')


def win_html(data: dict) -> str:
    """Return the win (or why none can be called), with the rule it was judged by."""
    colour = "hd-good" if data["called"] else "hd-neutral"
    return (
        f'<div class="hd-win" data-called="{str(data["called"]).lower()}">'
        f'<div class="hd-label hd-muted">{_e(data["metric"])}</div>'
        f'<div class="hd-figure hd-big {colour}">{_e(data["headline"])}</div>'
        f'<div class="hd-label">{_e(data["detail"])}</div>'
        f'<div class="hd-note">{_e(data["verdict"])}</div></div>'
    )


def comments_html(data: dict) -> str:
    """Return the latest comments (already redacted by the panel data)."""
    if not data["rows"]:
        return '<div class="hd-empty">No comments in this period</div>'
    quotes = []
    for r in data["rows"]:
        meta = " · ".join(p for p in (r["when"], r["score"], r["reason"]) if p)
        quotes.append(f'<div class="hd-quote">“{_e(r["text"])}”<div class="hd-note">{_e(meta)}</div></div>')
    return f'<div class="hd-rows">{"".join(quotes)}</div>'


def arrow_html(direction: str, colour: str) -> str:
    """Return a CSS-drawn triangle pointing up, down or right (st.html strips SVG; no icon font: offline)."""
    if direction not in ARROWS:
        raise ValueError(f"unknown arrow {direction!r}")
    return f'<span class="hd-arrow {colour}" role="img" aria-label="{direction}" data-arrow="{direction}"></span>'


def _figure_cell(value: str, n: int, too_few: bool) -> str:
    muted = " hd-muted" if too_few else ""
    note = f"too few · n = {n:,}" if too_few else f"n = {n:,}"
    return f'<td><span class="hd-figure{muted}">{_e(value)}</span><span class="hd-note">{note}</span></td>'


def _reason(reason: str, link: Callable[[str], str] | None) -> str:
    """Return a contact reason's name as markup: a discreet link to its dashboard page with `link`."""
    if link is None:
        return _e(reason)
    return (f'<a class="hd-link" href="{_e(link(reason))}" title="Open {_e(reason)} on the dashboard">'
            f'{_e(reason)}</a>')


def _e(text) -> str:
    return html.escape(str(text), quote=True)
