package dev.cachet.catalog.product;

import dev.cachet.catalog.CacheInvalidation;
import java.util.List;

/**
 * A short list of the products the shop shows: the best sellers, or what a search found.
 *
 * @param products the products, best sellers first
 * @param more whether more products matched than the list holds
 */
public record ProductList(List<Product> products, boolean more) {
    /** The tags of the products listed, so that a write to any of them drops the cached list. */
    List<String> tags() {
        return products.stream().map(product -> CacheInvalidation.product(product.id())).toList();
    }
}
