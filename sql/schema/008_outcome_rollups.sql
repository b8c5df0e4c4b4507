-- Version 8: the outcome rollups behind the Business outcomes page (cxmetrics/rollups/outcome_rollups.py,
-- docs/rollups.md), rebuilt by rollups.refresh with the others. Takes no $params.
--
-- A store built before this version recorded rollups that lack these tables' rows: forgetting its
-- rollup state makes every query use the base tables until the next import or ensure_fresh.
DELETE FROM rollup_state;

-- One row per span of time over which one response stays a customer's latest (the definitions of
-- sql/outcomes/outcome_counts.sql, worked out once instead of per request): the NPS group and CSAT
-- group an outcome month gets when its first instant falls in (from_at, until_at]. A dated
-- response's span runs from its time until the next response's, in (responded_at, response_id)
-- order, and carries the latest NPS and CSAT as of it; a customer's undated responses (which count
-- as before every month but after none of the dated ones) fill in a score no dated response before
-- the month had, and hold on their own until the first dated response (from_at NULL).
-- Spans of no length (two responses at the same instant) are left out.
CREATE TABLE outcome_spans (
    customer_id VARCHAR NOT NULL,
    from_at     TIMESTAMP,  -- NULL: since always
    until_at    TIMESTAMP,  -- NULL: still the latest
    nps_group   VARCHAR,    -- promoter | passive | detractor | NULL (no score yet)
    csat_group  VARCHAR     -- satisfied | neutral | dissatisfied | NULL
);

-- One row per customer with a contact that has a previous contact: the fewest whole days W for which
-- the customer made a repeat contact within W days (some contact's previous one started at most W
-- days before it), over any reason and over the same reason: the shortest such gap, rounded up to
-- whole days. "Repeat contact within W days" is then any_days <= W, for every whole W.
CREATE TABLE outcome_repeaters (
    customer_id  VARCHAR NOT NULL,
    any_days     BIGINT NOT NULL,
    same_days    BIGINT   -- NULL: never twice for the same reason
);

-- The outcome figures of each group, summed over its customers (per-customer churn flag and
-- revenue over all outcome months, or over the months in the group, as outcome_counts.sql computes
-- them), in long form:
--   by_name = ''             the overall row (group_value NULL);
--   by_name = 'nps_group' / 'csat_group'   one row per group;
--   by_name = 'repeat_contact'             one row per same_reason and repeat_days (the customers'
--              outcome_repeaters days, NULL for none): a request for window W sums the rows with
--              repeat_days <= W as "repeated", the others as not;
--   by_name = a rolled customers column    one row per value.
-- seg_name = '' holds every customer once; each rolled customers column S holds them again split by
-- seg_value = S's value as text, so a segment filter is a sum over the chosen values.
CREATE TABLE outcome_summary (
    by_name            VARCHAR NOT NULL,
    group_value        VARCHAR,
    repeat_days        BIGINT,
    same_reason        BOOLEAN,
    seg_name           VARCHAR NOT NULL,
    seg_value          VARCHAR,
    customers          BIGINT NOT NULL,
    churned_customers  BIGINT NOT NULL,
    revenue            DOUBLE NOT NULL,
    revenue_sum_sq     DOUBLE NOT NULL
);

-- One row per outcome month × segment value (long form as above): customers with a row that month,
-- those who churned that month, and revenue (NULL when every row's revenue is NULL).
CREATE TABLE outcome_monthly (
    month              DATE NOT NULL,
    seg_name           VARCHAR NOT NULL,
    seg_value          VARCHAR,
    customers          BIGINT NOT NULL,
    churned_customers  BIGINT NOT NULL,
    revenue            DOUBLE
);
