"""escape_markdown and escape_html: imported text shown as that text, never as markup.

Hand-computed cases for every character Markdown (as Streamlit renders it) gives a meaning to,
then a CommonMark parser (markdown-it-py) as a second reader: whatever the text, the escaped form
renders as one paragraph holding exactly that text. What Streamlit itself draws is checked in
Chromium by tests/browser/test_data_as_data_browser.py.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cxmetrics.core.markdown_text import WORD_JOINER, escape_html, escape_markdown
from cxmetrics.engine.narrative import driver_sentences

J = WORD_JOINER
FINDING = "![x](http://host/b.png) [Click to re-authenticate](http://host/login)"


@pytest.mark.parametrize("char", list("\\`*_[](){}!#+-.|<>~$&=^%\"',;?/"))
def test_each_markdown_character_is_backslash_escaped(char):
    assert escape_markdown(char) == "\\" + char


@pytest.mark.parametrize("char", [":", "@"])
def test_colon_and_at_are_escaped_and_followed_by_a_word_joiner(char):
    # `:red[…]`, `:material/…:`, `:smile:`, `http://` and `a@b.cd` all need the colon or @ whole.
    assert escape_markdown(char) == "\\" + char + J


@pytest.mark.parametrize("text", ["Zoë", "Zürich 2024", "Cancel subscription", "Małopolska", "東京", "a\tb", ""])
def test_letters_digits_spaces_and_other_scripts_are_left_alone(text):
    assert escape_markdown(text) == text


def test_the_reported_image_and_link_become_plain_text():
    assert escape_markdown(FINDING) == (
        "\\!\\[x\\]\\(http\\:" + J + "\\/\\/host\\/b\\.png\\) "
        "\\[Click to re\\-authenticate\\]\\(http\\:" + J + "\\/\\/host\\/login\\)"
    )


def test_latex_colour_and_icon_directives_are_broken():
    assert escape_markdown("$x^2$") == "\\$x\\^2\\$"
    assert escape_markdown(":red[alert]") == "\\:" + J + "red\\[alert\\]"
    assert escape_markdown(":material/home:") == "\\:" + J + "material\\/home\\:" + J


def test_plain_web_addresses_are_split_so_they_are_not_linked():
    assert escape_markdown("www.x.io") == "www" + J + "\\.x\\.io"
    assert escape_markdown("WWW.x") == "WWW" + J + "\\.x"
    assert escape_markdown("me@x.io") == "me\\@" + J + "x\\.io"


def test_html_is_escaped_as_text():
    assert escape_markdown("<img src=x>") == "\\<img src\\=x\\>"
    assert escape_markdown("&lt;") == "\\&lt\\;"


def test_line_breaks_become_spaces_so_a_value_stays_in_its_sentence():
    assert escape_markdown("a\n\n# b\r\nc\rd") == "a  \\# b c d"


def test_non_text_values_are_shown_as_their_text():
    assert escape_markdown(3.5) == "3\\.5"
    assert escape_markdown(None) == "None"
    assert escape_markdown(ValueError("column 'x*'")) == "column \\'x\\*\\'"


def test_escape_html_escapes_tags_quotes_and_line_breaks():
    assert escape_html("<img src='x' title=\"y\">&") == "&lt;img src=&#x27;x&#x27; title=&quot;y&quot;&gt;&amp;"
    # A blank line inside st.markdown(unsafe_allow_html=True) would end the HTML block.
    assert escape_html("a\n\nb\r") == "a&#10;&#10;b&#13;"


MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered_text(escaped: str) -> str:
    """The text a CommonMark reader shows for `escaped` in a list item (word joiners removed), or the
    HTML it made when that is anything but one list item of text."""
    made = MARKDOWN.render(f"- {escaped}").replace(J, "")
    inner = made.removeprefix("<ul>\n<li>").removesuffix("</li>\n</ul>\n")
    return made if "<" in inner or inner == made else html.unescape(inner)


def one_line(text: str) -> str:
    return re.sub(r"\r\n?|\n", " ", text)


@pytest.mark.parametrize("text", [
    FINDING,
    "<img src=http://evil.invalid/x.png>",
    "**bold** $x^2$ :red[alert]",
    "<script>alert(1)</script>",
    "`code` ~~gone~~ _it_ | a | b |",
    "1. not a list\n\n    not code",
    "[ref]: http://evil.invalid/r\n[ref]",
    "&amp; &#60;img&#62; \\*",
])
def test_a_commonmark_reader_sees_only_the_text(text):
    assert rendered_text(escape_markdown(text)) == one_line(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40))
def test_any_text_reads_back_as_itself(text):
    # Markdown trims the blanks around a list item's text: compare what is inside them (word joiners
    # aside: rendered_text drops them).
    assert rendered_text(escape_markdown(text)).strip() == one_line(text).replace(J, "").strip()


def test_driver_sentences_escape_the_group_name_and_keep_their_own_bold():
    drivers = pd.DataFrame([{"contact_reason": "![x](http://h/b.png)", "impact": 2.0, "impact_low": 1.0,
                             "impact_high": 3.0, "significant": True, "too_few": False, "value": 10.0,
                             "rest_value": 12.0, "share": 20.0}])
    (sentence,) = driver_sentences(drivers, "nps", "contact_reason")
    assert sentence.startswith("**\\!\\[x\\]\\(http\\:" + J + "\\/\\/h\\/b\\.png\\)** costs **2.0 NPS points**")
