-- One row per derived voice fact ('mentions', 'sentiment') with the token it was built from. No $params.
SELECT fact, built_for FROM voice_facts_state
