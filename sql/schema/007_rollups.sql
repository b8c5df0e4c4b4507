-- Version 7: rollup tables, the counts behind the dashboard's figures summed at import time
-- (see cxmetrics/rollups/__init__.py and docs/performance.md). Takes no $params.
--
-- rollup_state holds the data version the rollups were last built from: a query uses a rollup
-- only when that version is the store's current one, so a stale or never-built rollup (a store
-- migrated from an older version, a dry run) costs speed, never correctness.
-- rollup_segments lists the segment columns the rollups were built with.
--
-- contact_rollup / response_rollup: one row per day × channel × contact reason × segment value,
-- in long form: seg_name = '' holds every contact (response) once, with seg_value NULL; each
-- rolled segment column S holds them again under seg_name = 'S', seg_value = the value as text.
-- The window-dependent counts are kept for the windows W of cxmetrics.rollups.ROLLUP_WINDOWS.

CREATE TABLE rollup_state (
    data_version VARCHAR NOT NULL,
    built_at     TIMESTAMP NOT NULL
);

CREATE TABLE rollup_segments (
    seg_name    VARCHAR NOT NULL,
    source      VARCHAR NOT NULL   -- contacts | customers
);

CREATE TABLE contact_rollup (
    day                DATE,
    channel            VARCHAR,
    contact_reason     VARCHAR,
    seg_name           VARCHAR NOT NULL,
    seg_value          VARCHAR,
    contacts           BIGINT NOT NULL,
    linked             BIGINT NOT NULL,
    repeats_any_w7     BIGINT NOT NULL,
    repeats_same_w7    BIGINT NOT NULL,
    judged_w7          BIGINT NOT NULL,
    resolved_any_w7    BIGINT NOT NULL,
    resolved_same_w7   BIGINT NOT NULL,
    repeats_any_w30    BIGINT NOT NULL,
    repeats_same_w30   BIGINT NOT NULL,
    judged_w30         BIGINT NOT NULL,
    resolved_any_w30   BIGINT NOT NULL,
    resolved_same_w30  BIGINT NOT NULL
);

CREATE TABLE response_rollup (
    day                DATE,
    channel            VARCHAR,
    contact_reason     VARCHAR,
    seg_name           VARCHAR NOT NULL,
    seg_value          VARCHAR,
    nps_n              BIGINT NOT NULL,
    promoters          BIGINT NOT NULL,
    detractors         BIGINT NOT NULL,
    csat_n             BIGINT NOT NULL,
    csat_satisfied     BIGINT NOT NULL,
    csat_sum           BIGINT NOT NULL,
    csat_sum_sq        BIGINT NOT NULL,
    ces_n              BIGINT NOT NULL,
    ces_sum            BIGINT NOT NULL,
    ces_sum_sq         BIGINT NOT NULL,
    ces_easy           BIGINT NOT NULL,
    survey_fcr_n       BIGINT NOT NULL,
    survey_fcr_yes     BIGINT NOT NULL
);
