-- One row when $customer_id appears anywhere in the data (customers, contacts, answers, outcomes),
-- none otherwise.
SELECT 1 AS known
WHERE EXISTS (SELECT 1 FROM customers WHERE customer_id = $customer_id)
   OR EXISTS (SELECT 1 FROM contacts WHERE customer_id = $customer_id)
   OR EXISTS (SELECT 1 FROM responses WHERE customer_id = $customer_id)
   OR EXISTS (SELECT 1 FROM outcomes WHERE customer_id = $customer_id)
