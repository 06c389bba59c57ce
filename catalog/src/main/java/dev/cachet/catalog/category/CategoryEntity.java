package dev.cachet.catalog.category;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A row of the {@code category} table as Hibernate loads it, kept in the second-level cache (read-write). */
@Entity
@Table(name = "category")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
class CategoryEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String name;
    private String slug;
    private boolean active;

    protected CategoryEntity() {}

    CategoryEntity(String name, String slug, boolean active) {
        change(name, slug, active);
    }

    final void change(String name, String slug, boolean active) {
        this.name = name;
        this.slug = slug;
        this.active = active;
    }

    Category toCategory() {
        return new Category(id, name, slug, active);
    }
}
