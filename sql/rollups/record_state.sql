-- Records the data version this build reflects. $data_version.
INSERT INTO rollup_state VALUES ($data_version, current_timestamp::TIMESTAMP)
