package dev.cachet.catalog.product;

import dev.cachet.catalog.category.Category;
import dev.cachet.catalog.category.CategoryRepository;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Products in the database: one by id through Hibernate, from its second-level cache while cached, and written
 * through it, so the cache follows every write; a category's page and count in SQL, for the query cache.
 */
@Repository
public class ProductRepository {
    private static final String SHOWN_COLUMNS = "p.id, p.name, p.slug, p.description, p.price, p.category_id, p.active,"
            + " p.sales_count, p.updated_at";
    /** Products the shop shows: active, in an active category. */
    private static final String SHOWN = "product p JOIN category c ON c.id = p.category_id WHERE p.active AND c.active";

    private final JdbcClient jdbc;
    private final CategoryRepository categories;
    private final EntityManager entities;

    ProductRepository(JdbcClient jdbc, EntityManager entities, CategoryRepository categories) {
        this.jdbc = jdbc;
        this.entities = entities;
        this.categories = categories;
    }

    /** The product with {@code id}, active or not. */
    public Optional<Product> find(long id) {
        return Optional.ofNullable(entities.find(ProductEntity.class, id)).map(ProductEntity::toProduct);
    }

    /**
     * The product with {@code id} if the shop shows it: it and its category are active. Two loads by id, each
     * answered by the second-level cache while it holds them.
     */
    public Optional<Product> findShown(long id) {
        ProductEntity product = entities.find(ProductEntity.class, id);
        if (product == null || !product.active() || !categories.find(product.categoryId()).map(Category::active).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(product.toProduct());
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

    /** The {@code limit} products the shop shows with the most sales, most first. */
    public List<Product> bestSellers(int limit) {
        return jdbc.sql("SELECT " + SHOWN_COLUMNS + " FROM " + SHOWN + " ORDER BY p.sales_count DESC, p.id LIMIT ?")
                .param(limit).query(Product.class).list();
    }

    /**
     * Up to {@code limit} products the shop shows whose name contains {@code text} (compared in lower case, as
     * it is given, with no wildcard of its own), best sellers first.
     */
    public List<Product> nameContains(String text, int limit) {
        String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.sql("SELECT " + SHOWN_COLUMNS + " FROM " + SHOWN + " AND LOWER(p.name) LIKE ? ESCAPE '\\'"
                + " ORDER BY p.sales_count DESC, p.id LIMIT ?").params(pattern, limit).query(Product.class).list();
    }

    /**
     * Inserts a product and returns its key. The statements of this and the other writes run at the call, not
     * at the commit, so a slug already taken fails the call that took it.
     */
    public long insert(String name, String slug, String description, BigDecimal price, long categoryId, boolean active) {
        ProductEntity product = new ProductEntity(name, slug, description, price, categoryId, active);
        entities.persist(product);
        entities.flush();
        return product.id();
    }

    /** Replaces the editable fields of product {@code id}; false when there is none. */
    public boolean update(long id, String name, String slug, String description, BigDecimal price, long categoryId, boolean active) {
        ProductEntity product = entities.find(ProductEntity.class, id);
        if (product == null) {
            return false;
        }
        product.change(name, slug, description, price, categoryId, active);
        entities.flush();
        return true;
    }

    /** Deletes product {@code id}; false when there is none. */
    public boolean delete(long id) {
        ProductEntity product = entities.find(ProductEntity.class, id);
        if (product == null) {
            return false;
        }
        entities.remove(product);
        entities.flush();
        return true;
    }
}
