"""Where a lake keeps what a build writes, shared by `lake.build` (which writes it) and
`lake.workspace` (which reads it) without the workspace importing the build's SQL translator.

Under `<lake>/rollups/<table>/`: the derived contact facts, then the tables the families of
rollups.BUILDERS fill (tests/test_lake_dialect.py keeps this list equal to the tables their
statements insert into) and the segment columns they were built with.
"""

FACTS_TABLE = "contact_facts"
ROLLUP_TABLES = (
    "rollup_segments",
    "contact_rollup", "response_rollup",
    "outcome_spans", "outcome_repeaters", "outcome_summary", "outcome_monthly",
    "loop_case_rollup", "detractor_customer_rollup", "loop_case_counts",
    "story_contact_rollup", "story_answer_rollup",
    "comment_rollup",
    "journey_touchpoint_codes", "journey_flow_rollup", "journey_path_rollup",
    "repeat_path_rollup", "self_service_rollup",
)
OUTPUT_TABLES = (FACTS_TABLE, *ROLLUP_TABLES)
ROLLUPS_FOLDER = "rollups"
# Under <lake>/rollups/ too: the files the last finished build read, (table_name, file) rows, from
# which the next build tells the files appended since (lake.build.appended).
INPUTS_FOLDER = "build_inputs"
