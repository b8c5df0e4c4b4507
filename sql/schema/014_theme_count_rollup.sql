-- Version 14: the theme figures' counts kept per day × channel × contact reason × theme, as a
-- derived voice fact (cxmetrics/engine/themes.py, docs/rollups.md). Takes no $params.
--
-- theme_count_rollup: the comments in one group. theme NULL: every comment of the group once,
-- with `untagged` (those mentioning no theme); a theme: the comments mentioning it. Counted: the
-- comments, those with an NPS answer and by NPS group, those with a CSAT answer and satisfied
-- (4-5), and the sum (in billionths, a whole number: sums of doubles change with the order they
-- are added in) and count of their lexicon sentiments (the mean is their ratio). day is the
-- answer's date, NULL for an answer without one. The theme share, driver and month figures are
-- sums of these rows while no segment is chosen and the dates are whole days; counting them from
-- the hundred thousand comments took 40 ms per figure at ten million contacts.
--
-- It follows the comments, the sentiments and the theme mentions, so it is rebuilt with them:
-- voice_facts_state row 'theme_counts' holds the tokens of the sentiments and the mentions it
-- was built from, and a query reads it only while they are the current ones.
CREATE TABLE theme_count_rollup (
    day            DATE,
    channel        VARCHAR,
    contact_reason VARCHAR,
    theme          VARCHAR,
    comments       BIGINT NOT NULL,
    nps_n          BIGINT NOT NULL,
    promoters      BIGINT NOT NULL,
    passives       BIGINT NOT NULL,
    detractors     BIGINT NOT NULL,
    csat_n         BIGINT NOT NULL,
    csat_satisfied BIGINT NOT NULL,
    sentiment_sum  BIGINT,          -- whole billionths: at most 10⁹ × the comments, far below 2⁶³
    sentiment_n    BIGINT NOT NULL,
    untagged       BIGINT
);

INSERT INTO voice_facts_state VALUES ('theme_counts', '');
