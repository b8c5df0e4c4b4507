-- One row: how many customers are marked affected (cx_affected_customers), whose contacts' facts
-- are to be recomputed. Takes no $params.
SELECT count(*) FROM cx_affected_customers
