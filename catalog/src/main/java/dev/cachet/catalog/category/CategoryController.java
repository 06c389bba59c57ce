package dev.cachet.catalog.category;

import dev.cachet.catalog.CacheInvalidation;
import dev.cachet.spring.web.CachePage;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/categories}: the list, whole-response cached for 15 minutes, and admin writes. */
@RestController
class CategoryController {
    private final CategoryService categories;

    CategoryController(CategoryService categories) {
        this.categories = categories;
    }

    @GetMapping("/api/categories")
    @CachePage(ttl = "15m", tags = CacheInvalidation.CATEGORIES, query = {})
    List<Category> list() {
        return categories.active();
    }

    @PostMapping("/api/categories")
    @ResponseStatus(HttpStatus.CREATED)
    Category create(@Valid @RequestBody CategoryInput input) {
        return categories.create(input);
    }

    @PutMapping("/api/categories/{id}")
    Category replace(@PathVariable long id, @Valid @RequestBody CategoryInput input) {
        return categories.replace(id, input);
    }

    @PatchMapping("/api/categories/{id}")
    Category patch(@PathVariable long id, @RequestBody CategoryInput patch) {
        return categories.patch(id, patch);
    }

    @DeleteMapping("/api/categories/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        categories.delete(id);
    }
}
