-- An empty table of affected customers (one row per customer whose contacts' facts a load or a
-- delete may change), unless this connection has one already. Takes no $params.
CREATE TEMP TABLE IF NOT EXISTS cx_affected_customers (customer_id VARCHAR)
