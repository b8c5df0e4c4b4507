-- One row: a fingerprint of the handling state (follow-ups and outer-loop actions) that changes
-- with every saved edit, so cached pages showing it are recomputed. Takes no $params.
SELECT
    (SELECT count(*) FROM follow_up_events) AS events,
    (SELECT count(*) FROM loop_actions) AS actions,
    (SELECT max(updated_at) FROM loop_actions) AS actions_updated
