-- Forgets the affected customers once their contacts' facts are recomputed. Takes no $params.
DROP TABLE cx_affected_customers
