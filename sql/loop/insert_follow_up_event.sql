-- Records one saved change of case $case_id (one row of follow_up_events): $changed_at,
-- $from_status, $to_status, $owner, $team, $due_date, $result, $note, $is_reopen.
INSERT INTO follow_up_events (event_id, case_id, changed_at, from_status, to_status, owner, team, due_date, result,
                              note, is_reopen)
VALUES (nextval('follow_up_event_seq'), $case_id, $changed_at, $from_status, $to_status, $owner, $team, $due_date,
        $result, $note, $is_reopen)
