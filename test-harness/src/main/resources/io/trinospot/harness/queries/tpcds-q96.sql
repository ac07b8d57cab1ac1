-- TPC-DS q96: tickets in one half hour for one household size at one store (selective star join, a single count)
SELECT count(*) AS cnt
FROM ${schema}.store_sales, ${schema}.household_demographics, ${schema}.time_dim, ${schema}.store
WHERE ss_sold_time_sk = t_time_sk
  AND ss_hdemo_sk = hd_demo_sk
  AND ss_store_sk = s_store_sk
  AND t_hour = 20
  AND t_minute >= 30
  AND hd_dep_count = 7
  AND s_store_name = 'ese'
