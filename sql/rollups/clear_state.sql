-- Forgets the data version of the previous build. Takes no $params.
DELETE FROM rollup_state
