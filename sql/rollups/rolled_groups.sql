-- The rows of a metric rollup (contact_rollup or response_rollup, the slot rollup) with the groups
-- a request can split them by as named columns, which the counting queries pick by name:
-- no_group (NULL: the overall row only), period_day, period_week, period_month (the first day of
-- the row's day, week, month), channel_reason and reason_channel (the JSON list [channel, reason]
-- or [reason, channel], NULL when either is missing: a pair with a missing value is in no group, as
-- a missing value is in none when split by one). Included as a CTE body; columns no query reads
-- are never computed.
SELECT
    r.*,
    CAST(NULL AS VARCHAR) AS no_group,
    CAST(date_trunc('day', r.day) AS DATE) AS period_day,
    CAST(date_trunc('week', r.day) AS DATE) AS period_week,
    CAST(date_trunc('month', r.day) AS DATE) AS period_month,
    CASE WHEN r.channel IS NULL OR r.contact_reason IS NULL THEN NULL
         ELSE to_json([r.channel, r.contact_reason]) END AS channel_reason,
    CASE WHEN r.contact_reason IS NULL OR r.channel IS NULL THEN NULL
         ELSE to_json([r.contact_reason, r.channel]) END AS reason_channel
FROM {{rollup}} AS r
