package dev.cachet.catalog.product;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Products in the database. Every query here counts as one database query in the service's figures. */
@Repository
public class ProductRepository {
    private static final String COLUMNS = "id, name, slug, description, price, category_id, active, sales_count, updated_at";

    private final JdbcClient jdbc;

    ProductRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The product with {@code id}, active or not. */
    public Optional<Product> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM product WHERE id = ?").param(id).query(Product.class).optional();
    }

    /** A page of the active products of a category, by id. */
    public List<Product> activeInCategory(long categoryId, int offset, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM product WHERE category_id = ? AND active ORDER BY id LIMIT ? OFFSET ?")
                .params(categoryId, limit, offset).query(Product.class).list();
    }

    /** How many active products a category has. */
    public long countActiveInCategory(long categoryId) {
        return jdbc.sql("SELECT COUNT(*) FROM product WHERE category_id = ? AND active").param(categoryId).query(Long.class).single();
    }

    /** Inserts a product and returns its key. */
    public long insert(String name, String slug, String description, BigDecimal price, long categoryId, boolean active) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO product (name, slug, description, price, category_id, active) VALUES (?, ?, ?, ?, ?, ?)")
                .params(name, slug, description, price, categoryId, active).update(key, "id");
        return key.getKeyAs(Long.class);
    }

    /** Replaces the editable fields of product {@code id}; false when there is none. */
    public boolean update(long id, String name, String slug, String description, BigDecimal price, long categoryId, boolean active) {
        return jdbc.sql("""
                UPDATE product SET name = ?, slug = ?, description = ?, price = ?, category_id = ?, active = ?,
                       updated_at = CURRENT_TIMESTAMP
                WHERE id = ?""").params(name, slug, description, price, categoryId, active, id).update() > 0;
    }

    /** Deletes product {@code id}; false when there is none. */
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM product WHERE id = ?").param(id).update() > 0;
    }

    /** How many products there are. */
    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM product").query(Long.class).single();
    }
}
