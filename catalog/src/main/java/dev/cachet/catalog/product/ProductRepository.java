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
    private static final String SHOWN_COLUMNS = "p.id, p.name, p.slug, p.description, p.price, p.category_id, p.active,"
            + " p.sales_count, p.updated_at";
    /** Products the shop shows: active, in an active category. */
    private static final String SHOWN = "product p JOIN category c ON c.id = p.category_id WHERE p.active AND c.active";

    private final JdbcClient jdbc;

    ProductRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The product with {@code id}, active or not. */
    public Optional<Product> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM product WHERE id = ?").param(id).query(Product.class).optional();
    }

    /** The product with {@code id} if the shop shows it: it and its category are active. */
    public Optional<Product> findShown(long id) {
        return jdbc.sql("SELECT " + SHOWN_COLUMNS + " FROM " + SHOWN + " AND p.id = ?").param(id).query(Product.class).optional();
    }

    /** A page of the products the shop shows in a category, by id: none while the category is inactive. */
    public List<Product> shownInCategory(long categoryId, int offset, int limit) {
        return jdbc.sql("SELECT " + SHOWN_COLUMNS + " FROM " + SHOWN + " AND p.category_id = ? ORDER BY p.id LIMIT ? OFFSET ?")
                .params(categoryId, limit, offset).query(Product.class).list();
    }

    /** How many products the shop shows in a category. */
    public long countShownInCategory(long categoryId) {
        return jdbc.sql("SELECT COUNT(*) FROM " + SHOWN + " AND p.category_id = ?").param(categoryId).query(Long.class).single();
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
}
