package dev.cachet.catalog.product;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * A row of the {@code product} table as Hibernate loads it, kept in the second-level cache. Read-write: a
 * write holds a soft lock on the entry until it commits, so a reader that loaded the row before the write
 * cannot put its old copy back (Hibernate's read-write strategy).
 */
@Entity
@Table(name = "product")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
class ProductEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String name;
    private String slug;
    private String description;
    private BigDecimal price;
    private long categoryId;
    private boolean active;
    private long salesCount;
    private Instant updatedAt;

    protected ProductEntity() {}

    ProductEntity(String name, String slug, String description, BigDecimal price, long categoryId, boolean active) {
        change(name, slug, description, price, categoryId, active);
    }

    /** Replaces the editable fields and marks the row changed now. */
    final void change(String name, String slug, String description, BigDecimal price, long categoryId, boolean active) {
        this.name = name;
        this.slug = slug;
        this.description = description;
        this.price = price;
        this.categoryId = categoryId;
        this.active = active;
        // The column keeps microseconds: a copy read back from the database equals the one cached at the write.
        this.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    long id() {
        return id;
    }

    long categoryId() {
        return categoryId;
    }

    boolean active() {
        return active;
    }

    Product toProduct() {
        return new Product(id, name, slug, description, price, categoryId, active, salesCount, updatedAt);
    }
}
