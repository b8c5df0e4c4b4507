-- Removes the by-day rows of the journey keys in cx_touchpoint_keys (window, day, the first
-- contact's channel and reason codes) from one touchpoint rollup table, before they are counted
-- again. Takes no $params. Slots: {{table}} (journey_flow_rollup or journey_path_rollup).
DELETE FROM {{table}} AS r
WHERE NOT r.all_days
  AND EXISTS (
      SELECT 1
      FROM cx_touchpoint_keys AS k
      WHERE k.win = r.win AND k.day = r.day
        AND k.channel IS NOT DISTINCT FROM r.channel AND k.contact_reason IS NOT DISTINCT FROM r.contact_reason
  )
