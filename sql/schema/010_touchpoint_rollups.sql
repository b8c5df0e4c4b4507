-- Version 10: the rollups behind the Touchpoint map (cxmetrics/rollups/touchpoint_rollups.py,
-- docs/rollups.md). Takes no $params. Rebuilt with the other rollups after every import and
-- delete; read only while rollup_state says they are fresh.
--
-- A journey (cxmetrics/engine/touchpoints.py) is a chain of one customer's contacts, each starting at
-- most W days after the one before; the page's filters choose journeys by their first contact.
-- Both tables hold every journey of every window W of cxmetrics.rollups.ROLLUP_WINDOWS (win) and
-- touchpoint kind ('channel' | 'contact_reason'), keyed by its first contact's day, channel and
-- contact reason. Each table holds its rows twice: by start day (all_days false), and summed over
-- every day (all_days true, day NULL), which answers the page without a date filter from a few
-- thousand rows.
--
-- Channels, reasons and touchpoints are stored as codes of journey_touchpoint_codes (rebuilt with
-- the rollups: one per distinct channel or reason value, and '(none)'), which makes the tables a
-- fraction of the size and their build and reads faster. The start's channel and reason are the
-- code of the value as stored (NULL for NULL: the filters test those); a touchpoint is the code
-- of the kind's value, 0 for NULL (shown '(none)', as is a value '(none)'), never folded into
-- 'Other' (the query folds).
--
-- journey_flow_rollup: one row per win × kind × start day × start channel × start reason × step
-- (capped at cxmetrics.engine.touchpoints.MAX_STEPS) × touchpoint × the next touchpoint in the journey
-- (NULL where it ends): contacts; judged (started at least W days before the latest contact);
-- among those, resolved first time (no next contact within W, of any reason, of the same
-- reason), and escalated (the next contact in the journey is assisted and on another channel);
-- the NPS and CSAT counts of the answers linked to the contacts.
--
-- journey_path_rollup: one row per win × kind × start day × start channel × start reason × path
-- (p1 .. p5: the touchpoints of the first MAX_STEPS contacts, in order, NULL after the journey's
-- end) × steps (the journey's length, MAX_STEPS + 1 standing for any longer): how many journeys.
--
-- A store built before this version recorded rollups that lack these tables' rows: forgetting its
-- rollup state makes every query use the base tables until the next import or ensure_fresh.
DELETE FROM rollup_state;

CREATE TABLE journey_touchpoint_codes (
    code   INTEGER NOT NULL,
    value  VARCHAR NOT NULL
);

CREATE TABLE journey_flow_rollup (
    win              INTEGER NOT NULL,
    kind             VARCHAR NOT NULL,
    all_days         BOOLEAN NOT NULL,
    day              DATE,
    channel          INTEGER,
    contact_reason   INTEGER,
    step             TINYINT NOT NULL,
    touchpoint       INTEGER NOT NULL,
    next_touchpoint  INTEGER,
    contacts         BIGINT NOT NULL,
    judged           BIGINT NOT NULL,
    fcr_yes_any      BIGINT NOT NULL,
    fcr_yes_same     BIGINT NOT NULL,
    escalated        BIGINT NOT NULL,
    nps_n            BIGINT NOT NULL,
    promoters        BIGINT NOT NULL,
    detractors       BIGINT NOT NULL,
    csat_n           BIGINT NOT NULL,
    csat_satisfied   BIGINT NOT NULL
);

CREATE TABLE journey_path_rollup (
    win             INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,
    all_days        BOOLEAN NOT NULL,
    day             DATE,
    channel         INTEGER,
    contact_reason  INTEGER,
    p1              INTEGER NOT NULL,
    p2              INTEGER,
    p3              INTEGER,
    p4              INTEGER,
    p5              INTEGER,
    steps           TINYINT NOT NULL,
    journeys        BIGINT NOT NULL
);
