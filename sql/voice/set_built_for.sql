-- Records that derived fact $fact ('mentions' or 'sentiment') now reflects token $token.
UPDATE voice_facts_state SET built_for = $token WHERE fact = $fact
