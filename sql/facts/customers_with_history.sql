-- One row per customer of the accepted new contacts (cx_typed rows without a reject) who already
-- has stored contacts: the customers whose earlier contacts may get new neighbours. Takes no $params.
-- Slot {{customer}}: the t_N alias of the new contacts' customer_id.
INSERT INTO cx_affected_customers
WITH new_customers AS (
    SELECT DISTINCT {{customer}} AS customer_id
    FROM cx_typed
    WHERE {{customer}} IS NOT NULL AND __line NOT IN (SELECT line FROM cx_row_rejects)
), final AS (
    SELECT DISTINCT contacts.customer_id
    FROM contacts
    JOIN new_customers ON contacts.customer_id = new_customers.customer_id
)
SELECT * FROM final
