-- sqlite3 workload of the real-software suite: queries over the shop
-- database that bench/real/inputs.mjs generates (customer, product, orders):
-- joins, grouping, an index, a window function, a CTE, LIKE and string
-- functions. Usage: sqlite3 :memory: ".read shop.sql" ".read queries.sql"
.headers on
.mode list
CREATE INDEX orders_customer ON orders(customer);
SELECT c.city, count(*) AS n, round(sum(o.quantity * p.price), 2) AS revenue
  FROM orders o JOIN customer c ON c.id = o.customer JOIN product p ON p.id = o.product
  GROUP BY c.city ORDER BY revenue DESC;
SELECT p.name, sum(o.quantity) AS units, count(DISTINCT o.customer) AS buyers
  FROM orders o JOIN product p ON p.id = o.product GROUP BY p.id ORDER BY units DESC, p.name;
WITH spend AS (
  SELECT o.customer AS id, sum(o.quantity * p.price) AS total
    FROM orders o JOIN product p ON p.id = o.product GROUP BY o.customer)
SELECT c.name, c.city, round(s.total, 2) AS total,
       rank() OVER (PARTITION BY c.city ORDER BY s.total DESC, c.id) AS rk
  FROM spend s JOIN customer c ON c.id = s.id
  WHERE s.total > (SELECT avg(total) * 2 FROM spend)
  ORDER BY c.city, rk LIMIT 40;
SELECT day / 30 AS month, count(*), sum(note IS NOT NULL), max(length(note))
  FROM orders GROUP BY month ORDER BY month;
SELECT upper(substr(name, 1, 3)) AS prefix, count(*) FROM customer
  WHERE name LIKE '%son' AND since BETWEEN 2005 AND 2015 GROUP BY prefix ORDER BY 2 DESC, 1 LIMIT 10;
SELECT count(*) FROM orders o WHERE o.note LIKE '%the%'
  AND EXISTS (SELECT 1 FROM orders o2 WHERE o2.customer = o.customer AND o2.day = o.day + 1);
