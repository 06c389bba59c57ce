package dev.cachet.catalog.category;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Categories in the database. */
@Repository
public class CategoryRepository {
    private static final String COLUMNS = "id, name, slug, active";

    private final JdbcClient jdbc;

    CategoryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every active category, by name. */
    public List<Category> active() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM category WHERE active ORDER BY name, id").query(Category.class).list();
    }

    /** The category with {@code id}, active or not. */
    public Optional<Category> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM category WHERE id = ?").param(id).query(Category.class).optional();
    }

    /** Inserts a category and returns it with its key. */
    public Category insert(String name, String slug, boolean active) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO category (name, slug, active) VALUES (?, ?, ?)").params(name, slug, active).update(key, "id");
        return new Category(key.getKeyAs(Long.class), name, slug, active);
    }

    /** Replaces the fields of category {@code id}; false when there is none. */
    public boolean update(long id, String name, String slug, boolean active) {
        return jdbc.sql("UPDATE category SET name = ?, slug = ?, active = ? WHERE id = ?").params(name, slug, active, id).update() > 0;
    }

    /** Deletes category {@code id}; false when there is none. */
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM category WHERE id = ?").param(id).update() > 0;
    }

    /** The ids of the products in category {@code id}, active or not. */
    public List<Long> productIds(long id) {
        return jdbc.sql("SELECT id FROM product WHERE category_id = ?").param(id).query(Long.class).list();
    }

    /** Whether any product is in category {@code id}. */
    public boolean hasProducts(long id) {
        return jdbc.sql("SELECT COUNT(*) FROM product WHERE category_id = ?").param(id).query(Long.class).single() > 0;
    }
}
