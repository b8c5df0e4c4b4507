"""A page's own choices (split by, metric, grouping…) drawn as widgets whose value travels in the URL.

Each choice is one of cxmetrics.engine.url_state.PAGE_CHOICES. On the widget's first draw (in a session, or
after the page was left or a saved view opened: Streamlit forgets the state of widgets a run did not
draw) the link's value is checked and put into the widget; a value the page or the workspace does not
have is reported above it in plain words, and the page's default is shown.
Every later change is written back into the URL, so a copied link opens the page as it is seen.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.engine.url_state import MANY, NUMBER, PAGE_CHOICES, TEXT, choice_query, read_choice

def url_widget(draw: Callable, label: str, options=None, *, key: str, param: str, default=None,
               format_func: Callable = str, workspace_values: bool = False, **widget_options):
    """Draw `draw` (st.selectbox, a column's segmented_control, st.multiselect, st.text_input or
    st.number_input) as the page choice `param`; return its value.

    `default` is the page's own default (a MANY choice's is no value: all). The widget takes its value
    from the session, so `draw` gets no default of its own."""
    choice = PAGE_CHOICES[param]
    if default is None and choice.kind in (MANY, TEXT):
        default = [] if choice.kind == MANY else ""
    if key not in st.session_state:
        reading = read_choice({param: st.query_params.get_all(param)}, choice, options,
                              default_text=_default_text(choice, default, format_func), shown=format_func,
                              workspace_values=workspace_values)
        if reading.notice:
            st.warning(escape_markdown(reading.notice), icon=":material/link_off:")
        value = reading.value if reading.value is not None else default
        st.session_state[key] = list(value) if choice.kind == MANY else value
    elif choice.kind not in (TEXT, NUMBER, MANY) and st.session_state[key] not in options:
        st.session_state[key] = default  # the options changed (another workspace): the page's default
    if choice.kind in (TEXT, NUMBER):
        value = draw(label, key=key, **widget_options)
    else:
        value = draw(label, options, key=key, format_func=format_func, **widget_options)
    _keep(param, choice_query(choice, value, default))
    return value


def _default_text(choice, default, format_func) -> str:
    if choice.kind == MANY:
        return " and ".join(f"'{format_func(v)}'" for v in default) if default else "all of them"
    if default is None:
        return "the default"
    return f"'{format_func(default)}'" if choice.kind != NUMBER else str(default)


def _keep(param: str, wanted) -> None:
    """Write a choice into the URL (or take it out at its default), only when it differs."""
    current = st.query_params.get_all(param)
    if wanted is None:
        if current:
            del st.query_params[param]
    elif current != (wanted if isinstance(wanted, list) else [wanted]):
        st.query_params[param] = wanted
