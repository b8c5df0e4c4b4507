"""Imported and typed text made safe to put into Markdown or HTML, so data is shown as data.

Streamlit renders the text of st.markdown, st.caption, st.info/…, titles, expander and status
labels, widget labels and help tooltips as Markdown (GitHub-flavoured, plus LaTeX between `$`,
`:red[…]` colour directives, `:material/…:` icons, `:emoji:` short codes and plain URLs turned
into links). A contact reason such as `![x](http://host/b.png)` would otherwise draw an image
fetched from that host, and `[Sign in](http://host)` a link. Every value that came from a user's
file or typed input is passed through `escape_markdown` at the point it joins the page's Markdown
(once: the result is display text, never escaped again), and through `escape_html` where it
joins HTML.
"""

from __future__ import annotations

import html
import re
import string

# CommonMark lets a backslash escape any ASCII punctuation: escaping all of it leaves no
# Markdown, HTML, directive or LaTeX construct (`$`) for a value to open.
_PUNCTUATION = frozenset(string.punctuation)
# Some of Streamlit's Markdown steps work on the text after escapes are resolved: plain URLs
# (`http://…`, `www.…`) and e-mail addresses become links, `:name:` becomes an emoji, an icon
# or the Streamlit logo. An invisible word joiner (U+2060) after `:` and `@` and inside `www.`
# breaks those patterns without changing what is seen.
WORD_JOINER = "\u2060"
_LINE_BREAKS = re.compile(r"\r\n?|\n")
_WWW_DOT = re.compile(r"(?i)(www)(\\\.)")


def escape_markdown(value: object) -> str:
    """Return `value` as Markdown source that Streamlit shows as exactly that text, on one line.

    Every ASCII punctuation character is backslash-escaped; a word joiner follows each `:` and
    `@` and splits `www.`; line breaks become spaces (Markdown shows a single one as a space,
    and a blank line would end the sentence or list item the value sits in)."""
    text = _LINE_BREAKS.sub(" ", str(value))
    escaped = []
    for char in text:
        if char in _PUNCTUATION:
            escaped.append("\\" + char)
            if char in ":@":
                escaped.append(WORD_JOINER)
        else:
            escaped.append(char)
    return _WWW_DOT.sub(rf"\1{WORD_JOINER}\2", "".join(escaped))


def escape_html(value: object) -> str:
    """Return `value` as HTML text or attribute content (quotes too), with line breaks as character
    references: inside st.markdown(unsafe_allow_html=True) a blank line would end the HTML block and
    let the rest be read as Markdown."""
    return html.escape(str(value), quote=True).replace("\r", "&#13;").replace("\n", "&#10;")
