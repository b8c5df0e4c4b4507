-- One row: whether the database instance's configuration is locked (the dashboard locks it after
-- opening, see db.lock_down). Takes no $params.
SELECT current_setting('lock_configuration')
