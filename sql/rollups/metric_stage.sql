-- Creates a temp table of the contacts one side of a refresh's change of contact_rollup counts
-- (metric_rollups._refresh_contacts), with the facts contact_rollup_build.sql reads and the time
-- of the latest contact that judges each (judge_at): the build's contacts slot for that side.
-- The side counted times 1 ($plus): the contacts of cx_change_facts after the change, judged
-- against the latest contact before it ($before), and those of cx_metric_flips judged against the
-- latest after it ($after). The side counted times -1: the contacts of cx_change_facts before the
-- change, and those of cx_metric_flips, both judged against $before. The contacts of
-- cx_change_facts are read from the change's span (cx_touchpoint_span: every contact of their
-- customers on either side, a removed one as cx_changed_rows kept it, with the columns
-- rollups.apply_change had it carry), but the changed contacts without a customer, from
-- cx_changed_rows: reading them from contacts, two joins of every contact, took 0.5 s of a day's
-- append at 10 M contacts.
-- $plus (BOOLEAN), $before, $after (TIMESTAMP). Slots: {{table}}: the table made; {{columns}}: the
-- contact columns the build reads but the four facts (c."started_at", ..., and the rolled segment
-- columns of contacts).
CREATE TEMP TABLE {{table}} AS
WITH side AS (
    SELECT
        contact_id,
        CASE WHEN $plus THEN new_prev_any_at ELSE old_prev_any_at END AS prev_any_at,
        CASE WHEN $plus THEN new_next_any_at ELSE old_next_any_at END AS next_any_at,
        CASE WHEN $plus THEN new_prev_same_at ELSE old_prev_same_at END AS prev_same_at,
        CASE WHEN $plus THEN new_next_same_at ELSE old_next_same_at END AS next_same_at
    FROM cx_change_facts
    WHERE CASE WHEN $plus THEN in_new ELSE in_old END
)
SELECT
    {{columns}}, f.prev_any_at, f.next_any_at, f.prev_same_at, f.next_same_at,
    CAST($before AS TIMESTAMP) AS judge_at
FROM cx_touchpoint_span AS c
JOIN side AS f ON f.contact_id = c.contact_id
UNION ALL
SELECT
    {{columns}}, f.prev_any_at, f.next_any_at, f.prev_same_at, f.next_same_at,
    CAST($before AS TIMESTAMP) AS judge_at
FROM cx_changed_rows AS c
JOIN side AS f ON f.contact_id = c.contact_id
WHERE c.customer_id IS NULL
UNION ALL
SELECT
    {{columns}}, c.prev_any_at, c.next_any_at, c.prev_same_at, c.next_same_at,
    CAST(CASE WHEN $plus THEN $after ELSE $before END AS TIMESTAMP) AS judge_at
FROM cx_metric_flips AS c
