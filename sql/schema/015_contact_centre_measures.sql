-- Version 15: the contact-centre measures (docs/metrics.md "Contact-centre measures"): the contact
-- log's own `answered` and `wait_seconds` columns, and the counts behind abandonment, speed of
-- answer, handle time, reported resolution, transfer rate and contact FCR split by transfer in
-- contact_rollup. Takes no $params.
--
-- A store may already hold a column of either name, kept as text because no canonical column had
-- it (every extra column is VARCHAR; DuckDB names ignore case, so "Answered" is the same column).
-- It is retyped with the importer's own parsing macros, so its values mean what a new import of
-- the same file would load; a value they cannot read becomes NULL (unknown). A column that is
-- already typed reads back unchanged (true -> 'true' -> true, a double prints as its shortest exact
-- form).
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS answered BOOLEAN;
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS wait_seconds DOUBLE;
ALTER TABLE contacts ALTER COLUMN answered SET DATA TYPE BOOLEAN USING cx_boolean(CAST(answered AS VARCHAR));
ALTER TABLE contacts ALTER COLUMN wait_seconds SET DATA TYPE DOUBLE USING cx_real(CAST(wait_seconds AS VARCHAR));

-- contact_rollup's new counts, appended in the order sql/rollups/contact_rollup_build.sql writes
-- them. Durations are summed in whole milliseconds, here and in sql/metrics/contact_counts.sql
-- alike: a sum of doubles changes in its last bits with the order DuckDB's threads add them in,
-- and the rollup must equal the base query exactly. Kept as DECIMAL(38,0), not HUGEINT: a backup
-- (Parquet) writes a HUGEINT as a double, and the restore must bring back the same numbers.
-- The FCR split by transfer keeps, per window of cxmetrics.rollups.ROLLUP_WINDOWS, the judged and
-- resolved-first-time counts (any reason, same reason) of transferred contacts (`_xfer`,
-- transfers >= 1) and of contacts not transferred (`_direct`, transfers = 0).
-- The rows are rebuilt from the base tables: forgetting the rollup state makes the next build
-- (the next import, delete or dashboard start) write them.
DELETE FROM rollup_state;
DELETE FROM contact_rollup;
ALTER TABLE contact_rollup ADD COLUMN answered_known BIGINT;
ALTER TABLE contact_rollup ADD COLUMN abandoned BIGINT;
ALTER TABLE contact_rollup ADD COLUMN wait_n BIGINT;
ALTER TABLE contact_rollup ADD COLUMN wait_ms DECIMAL(38,0);
ALTER TABLE contact_rollup ADD COLUMN wait_ms_sq DECIMAL(38,0);
ALTER TABLE contact_rollup ADD COLUMN handle_n BIGINT;
ALTER TABLE contact_rollup ADD COLUMN handle_ms DECIMAL(38,0);
ALTER TABLE contact_rollup ADD COLUMN handle_ms_sq DECIMAL(38,0);
ALTER TABLE contact_rollup ADD COLUMN resolved_known BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_yes BIGINT;
ALTER TABLE contact_rollup ADD COLUMN transfers_known BIGINT;
ALTER TABLE contact_rollup ADD COLUMN transferred BIGINT;
ALTER TABLE contact_rollup ADD COLUMN judged_xfer_w7 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_any_xfer_w7 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_same_xfer_w7 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN judged_direct_w7 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_any_direct_w7 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_same_direct_w7 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN judged_xfer_w30 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_any_xfer_w30 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_same_xfer_w30 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN judged_direct_w30 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_any_direct_w30 BIGINT;
ALTER TABLE contact_rollup ADD COLUMN resolved_same_direct_w30 BIGINT;
