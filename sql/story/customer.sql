-- One row (none when unknown) with every attribute of customer $customer_id in customers.
SELECT * FROM customers WHERE customer_id = $customer_id LIMIT 1
