-- The lease holding delivery $1 (NULL once done).
SELECT lease FROM claimkit_deliveries WHERE delivery_key = $1
