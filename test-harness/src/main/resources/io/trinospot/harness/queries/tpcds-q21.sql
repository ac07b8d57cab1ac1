-- TPC-DS q21: inventory before/after a date per warehouse and item (join + conditional aggregation)
SELECT *
FROM (
    SELECT w_warehouse_name, i_item_id,
           sum(CASE WHEN d_date < CAST('2000-03-11' AS date) THEN inv_quantity_on_hand ELSE 0 END) AS inv_before,
           sum(CASE WHEN d_date >= CAST('2000-03-11' AS date) THEN inv_quantity_on_hand ELSE 0 END) AS inv_after
    FROM ${schema}.inventory, ${schema}.warehouse, ${schema}.item, ${schema}.date_dim
    WHERE i_current_price BETWEEN 0.99 AND 1.49
      AND i_item_sk = inv_item_sk
      AND inv_warehouse_sk = w_warehouse_sk
      AND inv_date_sk = d_date_sk
      AND d_date BETWEEN CAST('2000-02-10' AS date) AND CAST('2000-04-10' AS date)
    GROUP BY w_warehouse_name, i_item_id) x
WHERE (CASE WHEN inv_before > 0 THEN CAST(inv_after AS double) / inv_before ELSE NULL END) BETWEEN 2.0 / 3.0 AND 3.0 / 2.0
ORDER BY w_warehouse_name, i_item_id
LIMIT 100
