"""Data: upload a file, map its columns, preview and check it, load it; the import history, its
rejects and deleting an import. Layout only: the work is in `cxmetrics.ingest.upload`."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import streamlit as st

PROJECT_DIR = str(Path(__file__).resolve().parent.parent)
if PROJECT_DIR not in sys.path:
    # Run on its own (`streamlit run views/data.py`), only views/ is on the path.
    sys.path.insert(0, PROJECT_DIR)

from cxmetrics import app_state
from cxmetrics.ingest import upload  # noqa: E402
from cxmetrics.ingest.importer import ImportRefused  # noqa: E402
from cxmetrics.core.mapping import MappingError  # noqa: E402
from cxmetrics.core.markdown_text import escape_markdown  # noqa: E402
from cxmetrics.core.presentation import readable  # noqa: E402
from cxmetrics.core.schema import KINDS  # noqa: E402
from cxmetrics.core.textfile import FileFormatError  # noqa: E402
from ui.access import analysts_only, is_analyst  # noqa: E402
from ui.widgets import data_table  # noqa: E402

FAILURES = (ImportRefused, FileFormatError, MappingError, PermissionError)  # PermissionError: not an analyst
FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "parquet"]
ENCODINGS = ["utf-8", "cp1252", "latin-1", "iso-8859-15", "cp850", "latin-1+cp850", "utf-16", "mac-roman"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SEGMENT_KINDS = ("customers", "contacts", "responses")
WAITING_TEXT = "Waiting for another upload to finish…"
STEP_TEXT = {
    "staging": "Reading the file…",
    "validating": "Typing and checking every row…",
    "writing": "Writing the rows, the rejects and the import record…",
}


def rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def forget_upload() -> None:
    held = st.session_state.pop("data_upload", None)
    if held:
        held[1].cleanup()
    st.session_state.pop("data_preview", None)
    st.session_state.pop("data_report", None)
    st.session_state.pop("data_sheet", None)  # a sheet name belongs to the workbook it was chosen in


def staged_preview(kind: str, uploaded, encoding: str | None, sheet: str | None = None) -> upload.UploadPreview:
    held = st.session_state.get("data_upload")
    if not held or held[0] != uploaded.file_id:
        forget_upload()
        # The file object, not getvalue(): store_upload streams it to disk without a second copy in memory.
        st.session_state["data_upload"] = (
            uploaded.file_id, upload.store_upload(uploaded, uploaded.name, max_bytes=upload_limit_bytes())
        )
    stored = st.session_state["data_upload"][1]
    key = (uploaded.file_id, kind, encoding, sheet)
    cached = st.session_state.get("data_preview")
    if not cached or cached[0] != key:
        cached = (key, upload.preview_upload(app_state.cursor(app_state.load_workspace()), kind, stored, encoding,
                                             sheet=sheet))
        st.session_state["data_preview"] = cached
    return cached[1]


def upload_limit_bytes() -> int:
    return int(st.get_option("server.maxUploadSize")) << 20


def checked(kind: str, preview: upload.UploadPreview, options, token: str) -> upload.ValidationReport:
    target = app_state.load_workspace()  # checked against where it will load, never the sample
    key = (token, repr(options), app_state.data_version(target))
    cached = st.session_state.get("data_report")
    if not cached or cached[0] != key:
        notice = st.empty()
        cached = (key, upload.validate_upload(
            app_state.cursor(target), kind, preview.upload, options,
            on_wait=lambda: notice.info(WAITING_TEXT, icon="⏳"),
        ))
        notice.empty()
        st.session_state["data_report"] = cached
    return cached[1]


def flash(text: str) -> None:
    st.session_state["data_flash"] = text


def mapping_editor(kind: str, preview: upload.UploadPreview, token: str) -> tuple[dict, dict]:
    st.subheader("2 · Columns")
    if preview.suggestion_source == "remembered":
        st.caption("Prefilled with the mapping you used for a file with exactly this header.")
    elif preview.suggestion_source == "guessed":
        st.caption("Prefilled with what the file's column names and values suggest: check each guess, change any.")
    else:
        st.caption("Prefilled by matching column names. A file column whose name matches is taken even when unmapped.")
    notes = upload.guess_notes(preview)
    selected, set_values = {}, {}
    options = [None, *preview.sources]
    head = st.columns([2, 3, 3])
    head[0].markdown("**Column**")
    head[1].markdown("**From the file's column**")
    head[2].markdown("**…or one value for every row**")
    for column in upload.canonical_columns(kind):
        label, source, value = st.columns([2, 3, 3], vertical_alignment="center")
        note = f"  \n:blue[{escape_markdown(notes[column.name])}]" if column.name in notes else ""
        label.markdown(f"`{column.name}`{' · **required**' if column.required else ''}  \n:gray[{column.type}]{note}")
        suggestion = preview.suggested.get(column.name)
        selected[column.name] = source.selectbox(
            f"Source of {column.name}",
            options,
            index=options.index(suggestion) if suggestion in options else 0,
            format_func=lambda v: "— not in the file —" if v is None else v,
            key=f"data_map:{token}:{column.name}",
            label_visibility="collapsed",
        )
        set_values[column.name] = value.text_input(
            f"Value of {column.name} for every row",
            key=f"data_set:{token}:{column.name}",
            disabled=selected[column.name] is not None,
            placeholder="e.g. 2024-06" if column.type == "month" else "",
            label_visibility="collapsed",
        )
    return selected, set_values


def load_result(kind: str, stored: upload.StoredUpload, options) -> None:
    with st.status(f"Loading {escape_markdown(stored.file_name)} into {kind}…", expanded=True) as status:

        def step(name: str) -> None:
            status.update(label=STEP_TEXT[name])
            status.write(STEP_TEXT[name])

        def waiting() -> None:
            status.update(label=WAITING_TEXT)
            status.write(WAITING_TEXT)

        target = app_state.load_workspace()  # the user's own workspace when the sample is shown
        try:
            result = upload.commit_upload(
                app_state.cursor(target), kind, stored, options, on_step=step,
                on_wait=waiting, actor=app_state.analyst_name(),
            )
        except FAILURES as exc:
            status.update(label="Nothing was loaded", state="error", expanded=True)
            st.error(f"Nothing was loaded: {escape_markdown(exc)}")
            return
        if result.already_imported:
            status.update(label="Nothing was loaded", state="error", expanded=True)
            st.error(f"Nothing was loaded: this file was already imported as import #{result.already_imported}.")
            return
        if result.import_id is None:
            status.update(label="Nothing was loaded", state="error", expanded=True)
            st.error(f"Nothing was loaded: all {result.rows_rejected:,} rows are rejected.")
            return
        status.update(label=f"Loaded as import #{result.import_id}", state="complete")
    st.cache_data.clear()
    switched = app_state.after_load(target)  # the dashboard now shows the workspace the file went into
    flash(
        f"Loaded {rows(result.rows_loaded)} into {kind} from {escape_markdown(result.file_name)} "
        f"as import #{result.import_id}; "
        f"{rows(result.rows_rejected)} rejected (their list is in the import history)."
        + (f" The dashboard now shows your workspace {target.name}." if switched else "")
    )
    forget_upload()
    st.session_state["data_uploader_round"] = st.session_state.get("data_uploader_round", 0) + 1
    st.rerun()


def load_section() -> None:
    st.subheader("1 · File")
    kind = st.selectbox("What the file holds", KINDS, key="data_kind")
    st.caption(upload.KIND_DESCRIPTIONS[kind])
    uploaded = st.file_uploader(
        "CSV, TXT or TSV (any delimiter and encoding), Excel .xlsx or Parquet",
        type=FILE_TYPES,
        help=f"Up to {st.get_option('server.maxUploadSize')} MB (server.maxUploadSize in .streamlit/config.toml); "
        "larger files load with `python -m cxmetrics import`.",
        key=f"data_file_{st.session_state.get('data_uploader_round', 0)}",
    )
    with st.expander("Reading options: encoding, date formats, missing-value markers"):
        encoding = st.selectbox(
            "Text encoding",
            ENCODINGS,
            index=None,
            placeholder="detected from the file",
            accept_new_options=True,
            key="data_encoding",
            help="Only for text files. Any Python codec name; leave empty to detect it.",
        )
        date_formats = st.text_area(
            "Date formats, one a line (strptime, tried in order)",
            key="data_date_formats",
            placeholder="%d/%m/%Y %H:%M",
            help="Only needed when dates are not ISO-like (2024-03-01 09:30).",
        )
        nulls = st.text_area("Extra missing-value markers, one a line", key="data_nulls", placeholder="NA\nn/a\n-")
        column_nulls = st.text_area(
            "Missing-value markers of one column, one a line (column=text)", key="data_column_nulls",
            placeholder="Satisfaction rating=0", help="The text means \"no value\" in that column only.")
        recodes = st.text_area(
            "Values read as others, one a line (column:from=to)", key="data_recode",
            placeholder="Continue buying:No=yes",
            help="For a yes/no whose meaning is the opposite of the column it feeds, or codes to spell out.")
        skips = st.text_area(
            "Rows to leave out, one rule a line (column=value)", key="data_skip_if", placeholder="Channel=Virtual",
            help="Matching rows are neither loaded nor rejected; the check counts them as skipped.")
    if uploaded is None:
        forget_upload()
        st.info("Choose a file: you will see its columns, a preview and a check before anything is written.")
        return
    try:
        preview = staged_preview(kind, uploaded, encoding, st.session_state.get("data_sheet"))
    except FAILURES as exc:
        st.error(f"This file cannot be read: {escape_markdown(exc)}")
        return
    if len(preview.sheets) > 1:
        st.selectbox("Sheet", preview.sheets, key="data_sheet",
                     help="The workbook's sheets; the data is read from the one chosen (first row: the header).")
    found = preview.guesses
    if found is not None and found.suggested_kind:
        if found.suggested_kind == kind:
            st.info(f"{found.kind_note[0].upper()}{found.kind_note[1:]}.", icon="🔎")
        else:
            st.info(f"{found.kind_note[0].upper()}{found.kind_note[1:]}; you chose {kind}. "
                    "Change \"What the file holds\" above if that is not what you meant.", icon="🔎")
    delimiter = (f" · {escape_markdown(DELIMITER_NAMES.get(preview.delimiter, preview.delimiter))}-separated"
                 if preview.delimiter else "")
    encoding_note = f" · {escape_markdown(preview.encoding)}" if preview.encoding else ""  # may be typed
    split_note = f" ({preview.rejected_rows:,} more could not be split into fields)" if preview.rejected_rows else ""
    where = "row" if preview.format == "excel" else "line"
    header_note = (f" · header on {where} {preview.header_line} (the title above it is left out)"
                   if preview.header_line > 1 else "")
    st.caption(f"{preview.format.upper()}{encoding_note}{delimiter} · {preview.rows:,} rows read{split_note}{header_note}")
    st.caption("First rows as read (text, before typing):")
    data_table(preview.first_rows, None, hide_index=True)  # the user's own file
    if notice := upload.label_rows_notice(preview):
        st.caption(escape_markdown(notice))  # fixed words, and the kind of export

    token = f"{uploaded.file_id}:{kind}:{encoding}:{preview.sheet}"
    selected, set_values = mapping_editor(kind, preview, token)
    if notice := upload.generated_id_notice(preview, selected):
        st.caption(escape_markdown(notice))
    if notice := upload.marker_notice(preview):
        st.caption(escape_markdown(notice))  # names the file's columns
    try:
        options = upload.build_options(
            preview, selected, set_values, upload.parse_lines(date_formats), upload.parse_lines(nulls), encoding,
            column_nulls=upload.parse_column_lines(column_nulls, "missing-value markers of one column"),
            recode=upload.parse_recode_lines(recodes),
            skip_if=upload.parse_column_lines(skips, "rows to leave out"),
        )
    except FAILURES as exc:
        st.error(f"A reading option cannot be used: {exc}")
        return
    missing = upload.missing_required(kind, selected, set_values)
    if missing:
        st.warning(f"Choose a file column, or give one value for every row, for: {', '.join(missing)}.")
        return
    try:
        extras = upload.planned_extras(app_state.cursor(app_state.load_workspace()), kind, preview.columns, options,
                                       preview.suggested)
    except FAILURES as exc:
        st.error(f"This mapping cannot be used: {escape_markdown(exc)}")
        return
    if extras:
        kept = "kept as extra attributes (become segments)" if kind in SEGMENT_KINDS else "kept as extra columns"
        listed = ", ".join(f"{escape_markdown(source)} → {escape_markdown(name)}" for source, name in extras)
        st.markdown(f"**Other file columns, {kept}:** {listed}")

    try:
        report = checked(kind, preview, options, token)
    except FAILURES as exc:
        st.error(f"This file cannot be loaded: {escape_markdown(exc)}")
        return
    if report.already_imported:
        st.warning(
            f"This file was already imported as import #{report.already_imported}; loading it again would "
            "load nothing. Delete that import in the history to load the file again."
        )
        return
    st.subheader("3 · Preview")
    st.caption("First rows as they would load (typed; a blank cell is a missing value):")
    config = {name: st.column_config.Column(f"{name} · {kind_of}") for name, kind_of in report.types.items()}
    config["would_load"] = st.column_config.CheckboxColumn("loads")
    data_table(report.preview, None, hide_index=True, column_config=config)  # the user's own file

    st.subheader("4 · Check")
    loads, rejected, skipped = st.columns(3)
    loads.metric("Rows that would load", f"{report.rows_loaded:,}")
    rejected.metric("Rows rejected", f"{report.rows_rejected:,}")
    skipped.metric("Rows left out", f"{report.result.rows_skipped:,}")
    if report.rows_rejected:
        st.caption("Rejected rows by reason, with the first three of each:")
        data_table(upload.reject_groups_frame(report.result), None, hide_index=True)
        with st.expander("Every rejected row"):
            data_table(report.rejects, None, hide_index=True)  # every rejected row is offered below
        st.download_button(
            "Download every rejected row (CSV)",
            upload.safe_csv(report.rejects),
            file_name=f"{preview.upload.path.stem}-rejects.csv",
            mime="text/csv",
            key="data_check_rejects",
            on_click="ignore",  # a download needs no rerun of the page
        )
    with st.expander(f"Mapping used ({report.result.mapping_source})"):
        st.json(report.result.mapping)
    if report.rows_loaded == 0:
        st.error("No row could be loaded: every row is rejected. Fix the mapping or the file; nothing was written.")
        return

    st.subheader("5 · Load")
    confirmed = True
    if report.result.needs_confirmation:
        st.warning(f"Before anything is written: {escape_markdown(report.result.needs_confirmation)}. "
                   "Check the kind and the columns above, or confirm to load anyway.")
        confirmed = st.checkbox("Load anyway", key=f"data_force:{token}")
    if st.button(f"Load {rows(report.rows_loaded)} into {kind}", type="primary", key="data_load",
                 disabled=not confirmed):
        load_result(kind, preview.upload, replace(options, force=confirmed))


def ask_delete(import_id: int) -> None:
    st.session_state["data_confirm_delete"] = import_id


def cancel_delete() -> None:
    st.session_state.pop("data_confirm_delete", None)


def history_section() -> None:
    history = upload.import_history(app_state.cursor())
    if history.empty:
        st.info("Nothing has been imported yet.")
        return
    data_table(  # named as its CSV is (presentation.readable)
        readable(history),
        "import_history",
        hide_index=True,
        column_config={
            "When (UTC)": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
            "Deleted": st.column_config.CheckboxColumn("Deleted"),
            "Deleted at (UTC)": st.column_config.DatetimeColumn("Deleted at (UTC)", format="YYYY-MM-DD HH:mm"),
        },
    )
    records = upload.import_records(history)
    chosen = st.selectbox("Import", list(records), format_func=lambda i: records[i].label, key="data_history_import")
    record = records[chosen]
    rejects = upload.import_rejects(app_state.cursor(), chosen)
    st.download_button(
        f"Download the rejected rows of import #{chosen} (CSV)" if record.rows_rejected
        else f"Import #{chosen} has no rejected rows",
        upload.safe_csv(rejects),
        file_name=f"import-{chosen}-rejects.csv",
        mime="text/csv",
        disabled=rejects.empty,
        key="data_history_rejects",
        on_click="ignore",  # a download needs no rerun of the page
    )
    if not rejects.empty:
        with st.expander(f"Rejected rows of import #{chosen}"):
            data_table(rejects, None, hide_index=True)  # offered below
    if record.deleted:
        st.caption(f"Import #{chosen} was deleted: its rows and rejects are gone.")
    elif not is_analyst():
        st.caption("Analysts only: deleting an import needs an analyst sign-in.")
    elif st.session_state.get("data_confirm_delete") != chosen:
        st.button(f"Delete import #{chosen}…", key="data_delete", on_click=ask_delete, args=(chosen,))
    else:
        st.warning(
            f"Delete import #{chosen} ({escape_markdown(record.file_name)})? "
            f"This removes its {record.rows_loaded:,} rows from "
            f"{record.kind} and its rejected rows, in one step. The file can be imported again afterwards."
        )
        yes, no = st.columns(2)
        confirmed = yes.button(f"Yes, delete import #{chosen}", type="primary", key="data_delete_yes")
        no.button("Cancel", key="data_delete_cancel", on_click=cancel_delete)
        if confirmed:
            try:
                removed = upload.delete_upload(app_state.cursor(), chosen, app_state.analyst_name())
            except FAILURES as exc:
                st.error(f"Import #{chosen} was not deleted: {escape_markdown(exc)}")
                return
            cancel_delete()
            st.cache_data.clear()
            flash(f"Deleted import #{chosen}: {removed:,} rows removed from {record.kind}.")
            st.rerun()


st.title("Data")
st.caption(
    "Load your own exports into the dashboard: the same importer as `python -m cxmetrics import`. "
    "Nothing is written until you press Load."
)
app_state.cursor()  # open the database here, so a wait for another program's import shows at the top
if (current := app_state.workspace()).lake:
    st.info(f"The workspace {current.name} is a lake, read-only: the Parquet files of {escape_markdown(str(current.path))}, its "
            "rollups built by `python -m cxmetrics lake build`. Its data changes there (`lake export`, new files, "
            "then `lake build` again), not here; files are loaded into a workspace of your own (docs/scale.md).",
            icon=":material/lock:")
    st.stop()
if message := st.session_state.pop("data_flash", None):
    st.success(message)
load_tab, history_tab = st.tabs(["Load a file", "Import history"])
with load_tab:
    if analysts_only("loading a file"):
        load_section()
with history_tab:
    history_section()
