package dev.cachet.catalog.category;

import dev.cachet.catalog.CacheInvalidation;
import dev.cachet.catalog.InvalidField;
import jakarta.validation.Validator;
import java.util.List;
import java.util.NoSuchElementException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Categories; their list is cached as a whole response, tagged, and dropped after each committed write. */
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
        categories.update(id, input.name(), input.slug(), input.active() == null || input.active());
        changed(old.id());
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
        changed(id);
        return categories.find(id).orElseThrow();
    }

    /** Deletes category {@code id}, which must hold no products. */
    @Transactional
    public void delete(long id) {
        categories.find(id).orElseThrow(() -> new NoSuchElementException("category " + id));
        if (categories.hasProducts(id)) {
            throw new InvalidField("id", "category " + id + " still has products");
        }
        categories.delete(id);
        changed(id);
    }

    private void changed(long id) {
        events.publishEvent(new CacheInvalidation.Changed(List.of(CacheInvalidation.CATEGORIES, CacheInvalidation.category(id))));
    }
}
