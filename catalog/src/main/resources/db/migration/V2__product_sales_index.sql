-- The home page's best sellers: the products with the most sales, read from the top of an index rather than by
-- sorting the whole table.
CREATE INDEX product_sales ON product (sales_count DESC, id);
