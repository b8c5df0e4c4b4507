-- Writes contact_rollup's rows of the groups in cx_metric_diff: the old rows (metric_merge_old.sql)
-- plus the change, summed per group (whole numbers and whole milliseconds, so exact); a group left
-- without contacts has no row, as a full build writes none. Columns in the table's order. Takes no
-- $params.
INSERT INTO contact_rollup
SELECT
    day, channel, contact_reason, seg_name, seg_value,
    sum(contacts), sum(linked), sum(repeats_any_w7), sum(repeats_same_w7), sum(judged_w7),
    sum(resolved_any_w7), sum(resolved_same_w7), sum(repeats_any_w30), sum(repeats_same_w30),
    sum(judged_w30), sum(resolved_any_w30), sum(resolved_same_w30), sum(answered_known),
    sum(abandoned), sum(wait_n), sum(wait_ms), sum(wait_ms_sq), sum(handle_n), sum(handle_ms),
    sum(handle_ms_sq), sum(resolved_known), sum(resolved_yes), sum(transfers_known),
    sum(transferred), sum(judged_xfer_w7), sum(resolved_any_xfer_w7), sum(resolved_same_xfer_w7),
    sum(judged_direct_w7), sum(resolved_any_direct_w7), sum(resolved_same_direct_w7),
    sum(judged_xfer_w30), sum(resolved_any_xfer_w30), sum(resolved_same_xfer_w30),
    sum(judged_direct_w30), sum(resolved_any_direct_w30), sum(resolved_same_direct_w30)
FROM cx_metric_diff
GROUP BY day, channel, contact_reason, seg_name, seg_value
HAVING sum(contacts) > 0
ORDER BY day
