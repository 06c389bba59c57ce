package dev.cachet.catalog.category;

import dev.cachet.catalog.CacheInvalidation;
import dev.cachet.catalog.Conflict;
import dev.cachet.catalog.InvalidField;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Categories; their list is cached as a whole response, tagged, and dropped after each committed write. A
 * product is shown only while its category is active, and its cached copies are tagged with the product
 * alone, so switching a category on or off also drops the tags of every product in it.
 */
@Service
public class CategoryService {
    private final CategoryRepository categories;
    private final ApplicationEventPublisher events;
    private final Validator validator;

    CategoryService(CategoryRepository categories, ApplicationEventPublisher events, Validator validator) {
        this.categories = categories;
        this.validator = validator;
        this.events = events;
    }

    /** Every active category. */
    public List<Category> active() {
        return categories.active();
    }

    /** Category {@code id} if the shop shows it (it is active). */
    public Optional<Category> shown(long id) {
        return categories.find(id).filter(Category::active);
    }

    /** Creates a category. */
    @Transactional
    public Category create(CategoryInput input) {
        Category created = categories.insert(input.name(), input.slug(), input.active() == null || input.active());
        changed(created.id());
        return created;
    }

    /** Replaces category {@code id}. */
    @Transactional
    public Category replace(long id, CategoryInput input) {
        Category old = categories.find(id).orElseThrow(() -> new NoSuchElementException("category " + id));
        boolean active = input.active() == null || input.active();
        categories.update(id, input.name(), input.slug(), active);
        changed(old, active);
        return categories.find(id).orElseThrow();
    }

    /** Changes the fields of category {@code id} that {@code patch} gives. */
    @Transactional
    public Category patch(long id, CategoryInput patch) {
        Category old = categories.find(id).orElseThrow(() -> new NoSuchElementException("category " + id));
        CategoryInput merged = new CategoryInput(patch.name() != null ? patch.name() : old.name(),
                patch.slug() != null ? patch.slug() : old.slug(), patch.active() != null ? patch.active() : old.active());
        InvalidField.check(validator, merged);
        categories.update(id, merged.name(), merged.slug(), merged.active());
        changed(old, merged.active());
        return categories.find(id).orElseThrow();
    }

    /** Deletes category {@code id}, which must hold no products. */
    @Transactional
    public void delete(long id) {
        categories.find(id).orElseThrow(() -> new NoSuchElementException("category " + id));
        if (categories.hasProducts(id)) {
            throw new Conflict("category " + id + " still has products: move or delete them first");
        }
        categories.delete(id);
        changed(id);
    }

    private void changed(long id) {
        events.publishEvent(CacheInvalidation.Changed.of(List.of(CacheInvalidation.CATEGORIES, CacheInvalidation.category(id))));
    }

    private void changed(Category old, boolean active) {
        if (old.active() == active) {
            changed(old.id());
            return;
        }
        // Its products are listed after the commit: one added before it but after a listing inside the
        // transaction could otherwise be cached as shown by a reader that still saw the category's old state.
        events.publishEvent(new CacheInvalidation.Changed(() -> {
            List<String> tags = new ArrayList<>(List.of(CacheInvalidation.CATEGORIES, CacheInvalidation.category(old.id())));
            categories.productIds(old.id()).forEach(product -> tags.add(CacheInvalidation.product(product)));
            return tags;
        }));
    }
}
