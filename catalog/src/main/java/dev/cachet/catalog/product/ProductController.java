package dev.cachet.catalog.product;

import dev.cachet.catalog.InvalidField;
import dev.cachet.spring.web.CachePage;
import jakarta.validation.Valid;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/products}: the list of a category (signed-in users), one product, and admin writes. */
@RestController
class ProductController {
    private final ProductService products;

    ProductController(ProductService products) {
        this.products = products;
    }

    /**
     * A page that is not a positive integer is refused (the brief's view silently served page 1), and so is a
     * category that is not a positive id; a category that does not exist is a 404.
     */
    @GetMapping("/api/products")
    ProductPage list(@RequestParam long category, @RequestParam(required = false) String page) {
        if (category < 1) {
            throw new InvalidField("category", "must be a positive id, was " + category);
        }
        if (page == null) {
            return products.page(category, 1);
        }
        int number;
        try {
            number = Integer.parseInt(page);
        } catch (NumberFormatException notAnInt) {
            throw new InvalidField("page", "must be a positive integer up to " + Integer.MAX_VALUE + ", was '" + page + "'");
        }
        if (number < 1) {
            throw new InvalidField("page", "must be a positive integer, was '" + page + "'");
        }
        return products.page(category, number);
    }

    /**
     * From the page cache (the JSON as sent, dropped with the product's tag), else the object cache. Only the
     * plain spelling of an id is a product: the page is kept under the path as sent and tagged with its text, so
     * {@code /api/products/07} answered as product 7 would stay cached under a tag that product 7's writes
     * never invalidate.
     */
    @GetMapping("/api/products/{id}")
    @CachePage(ttl = "1h", tags = "product:{id}", query = {})
    Product get(@PathVariable String id) {
        long number;
        try {
            number = Long.parseLong(id);
        } catch (NumberFormatException notANumber) {
            throw new InvalidField("id", "must be a number, was '" + id + "'");
        }
        if (!Long.toString(number).equals(id)) {
            throw new NoSuchElementException("product " + id + " (ids are written without signs or leading zeros)");
        }
        return products.find(number).orElseThrow(() -> new NoSuchElementException("product " + id));
    }

    @PostMapping("/api/products")
    @ResponseStatus(HttpStatus.CREATED)
    Product create(@Valid @RequestBody ProductInput input) {
        return products.create(input);
    }

    @PutMapping("/api/products/{id}")
    Product replace(@PathVariable long id, @Valid @RequestBody ProductInput input) {
        return products.replace(id, input);
    }

    @PatchMapping("/api/products/{id}")
    Product patch(@PathVariable long id, @RequestBody ProductInput patch) {
        return products.patch(id, patch);
    }

    @DeleteMapping("/api/products/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        products.delete(id);
    }
}
