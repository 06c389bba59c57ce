package dev.cachet.catalog.category;

import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Categories in the database: one by id through Hibernate, from its second-level cache while cached, and
 * written through it, so the cache follows every write; lists and counts in SQL.
 */
@Repository
public class CategoryRepository {
    private static final String COLUMNS = "id, name, slug, active";

    private final JdbcClient jdbc;
    private final EntityManager entities;

    CategoryRepository(JdbcClient jdbc, EntityManager entities) {
        this.jdbc = jdbc;
        this.entities = entities;
    }

    /** Every active category, by name. */
    public List<Category> active() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM category WHERE active ORDER BY name, id").query(Category.class).list();
    }

    /** The category with {@code id}, active or not. */
    public Optional<Category> find(long id) {
        return Optional.ofNullable(entities.find(CategoryEntity.class, id)).map(CategoryEntity::toCategory);
    }

    /**
     * Inserts a category and returns it with its key. The statement runs here, not at the commit, so a slug
     * already taken fails this call.
     */
    public Category insert(String name, String slug, boolean active) {
        CategoryEntity category = new CategoryEntity(name, slug, active);
        entities.persist(category);
        entities.flush();
        return category.toCategory();
    }

    /** Replaces the fields of category {@code id}; false when there is none. */
    public boolean update(long id, String name, String slug, boolean active) {
        CategoryEntity category = entities.find(CategoryEntity.class, id);
        if (category == null) {
            return false;
        }
        category.change(name, slug, active);
        entities.flush();
        return true;
    }

    /** Deletes category {@code id}; false when there is none. */
    public boolean delete(long id) {
        CategoryEntity category = entities.find(CategoryEntity.class, id);
        if (category == null) {
            return false;
        }
        entities.remove(category);
        entities.flush();
        return true;
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
