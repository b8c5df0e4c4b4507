-- Version 9: the rollups behind the Contact reasons page's paths (cxmetrics/rollups/path_rollups.py,
-- docs/rollups.md). Takes no $params. Rebuilt with the other rollups after every import and
-- delete; read only while rollup_state says they are fresh.
--
-- Both tables use the long form of contact_rollup (007): seg_name = '' holds every row once with
-- seg_value NULL; each rolled segment column S holds them again under seg_name = 'S' with
-- seg_value = the value as text. repeat_path_rollup leaves the rows whose segment value is NULL out
-- of the S copies: no segment filter can select them (a list never contains NULL) and repeats are
-- never split by a segment. self_service_rollup keeps them, so that split by S (whose NULL group is
-- not shown) the S copy still adds up to the overall figure.
--
-- repeat_path_rollup: one row per path_by ('contact_reason' | 'channel') × segment value × the
-- repeat's day × its channel × its contact reason × from_value (the same customer's previous
-- contact's reason or channel, as path_by says): how many repeats came back that way within each
-- window W of cxmetrics.rollups.ROLLUP_WINDOWS (the previous contact started at most W days
-- before). Repeats further apart than the longest window are not kept.
--
-- self_service_rollup: one row per segment value × day × channel × contact reason of self-service
-- contacts with a customer: how many there were, and how many failed (the customer's next contact
-- is assisted and starts within 24 hours). Failure does not depend on the repeat window.
--
-- A store built before this version recorded rollups that lack these tables' rows: forgetting its
-- rollup state makes every query use the base tables until the next import or ensure_fresh.
DELETE FROM rollup_state;

CREATE TABLE repeat_path_rollup (
    path_by         VARCHAR NOT NULL,
    seg_name        VARCHAR NOT NULL,
    seg_value       VARCHAR,
    day             DATE NOT NULL,
    channel         VARCHAR,
    contact_reason  VARCHAR,
    from_value      VARCHAR,
    repeats_w7      BIGINT NOT NULL,
    repeats_w30     BIGINT NOT NULL
);

CREATE TABLE self_service_rollup (
    seg_name        VARCHAR NOT NULL,
    seg_value       VARCHAR,
    day             DATE NOT NULL,
    channel         VARCHAR,
    contact_reason  VARCHAR,
    self_service    BIGINT NOT NULL,
    failures        BIGINT NOT NULL
);
