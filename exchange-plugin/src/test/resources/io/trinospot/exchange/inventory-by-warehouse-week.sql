-- A wide shuffle: every (item, warehouse, week) of the inventory table, joined and re-aggregated twice
SELECT w_state, i_category, count(*) AS cells, sum(total) AS quantity, max(total) AS peak
FROM (
    SELECT inv_item_sk, inv_warehouse_sk, d_week_seq, sum(inv_quantity_on_hand) AS total
    FROM ${schema}.inventory JOIN ${schema}.date_dim ON inv_date_sk = d_date_sk
    GROUP BY inv_item_sk, inv_warehouse_sk, d_week_seq) weekly
JOIN ${schema}.item ON i_item_sk = inv_item_sk
JOIN ${schema}.warehouse ON w_warehouse_sk = inv_warehouse_sk
GROUP BY w_state, i_category
