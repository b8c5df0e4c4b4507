-- Drops from the temp table cx_touchpoint_stage (built over cx_touchpoint_scope) one window's rows
-- of journeys whose key is not in cx_touchpoint_keys: their rollup rows were not removed, so they
-- must not be counted again. Clearing the journey's start and step leaves the contact out of that
-- window's flow rows (no start) and path rows (not step 1). $window (7 or 30).
-- Slots: {{start_day}}, {{start_cr}}, {{step}} (the stage's start_day_wW, start_cr_wW and step_wW
-- columns of that window).
UPDATE cx_touchpoint_stage
SET {{start_cr}} = NULL, {{step}} = NULL
WHERE NOT EXISTS (
    SELECT 1
    FROM cx_touchpoint_keys AS k
    WHERE k.win = $window AND k.day = cx_touchpoint_stage.{{start_day}}
      AND k.cr = cx_touchpoint_stage.{{start_cr}}
)
