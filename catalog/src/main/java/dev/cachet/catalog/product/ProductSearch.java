package dev.cachet.catalog.product;

import dev.cachet.Cache;
import dev.cachet.ComputeOptions;
import dev.cachet.catalog.CatalogProperties;
import dev.cachet.spring.CachetCaches;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;

/**
 * Search over the names of the products the shop shows, each query's results kept in the {@code searches} cache.
 * Anyone can send any query, so what is kept is bounded: a query is normalized first (spaces trimmed and collapsed,
 * lower case), so that its spellings share one entry; one longer than {@value #MAX_QUERY} characters is refused;
 * an entry holds at most {@value #RESULTS} products; and the alias has a size bound and a short TTL of its own
 * ({@code cachet.caches.searches.*}). An entry is tagged with each product it lists, so a write to one drops it; a
 * product added since shows up once the entry expires.
 */
@Service
public class ProductSearch {
    /** The shortest query searched for: one letter would match most of the catalog. */
    public static final int MIN_QUERY = 2;
    /** The longest query accepted, after normalization. */
    public static final int MAX_QUERY = 60;
    /** The most products a search answers with (and keeps). */
    public static final int RESULTS = 20;

    private final ProductRepository products;
    private final Cache searches;
    private final boolean caching;

    ProductSearch(ProductRepository products, CachetCaches caches, CatalogProperties properties) {
        this.products = products;
        this.searches = caches.get("searches");
        this.caching = properties.caching();
    }

    /** {@code query} as it is searched for and kept: trimmed, runs of spaces and control characters as one space, lower case. */
    public static String normalize(String query) {
        return query == null ? "" : query.replaceAll("[\\s\\p{Cntrl}]+", " ").strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The best-selling products whose name contains {@code query}, normalized as {@link #normalize} does.
     *
     * @throws IllegalArgumentException when the normalized query is shorter than {@value #MIN_QUERY} or longer
     *     than {@value #MAX_QUERY} characters
     */
    public ProductList search(String query) {
        String normalized = normalize(query);
        if (normalized.length() < MIN_QUERY || normalized.length() > MAX_QUERY) {
            throw new IllegalArgumentException("a search is " + MIN_QUERY + " to " + MAX_QUERY + " characters long, was "
                    + normalized.length());
        }
        if (!caching) {
            return load(normalized);
        }
        ComputeOptions options = ComputeOptions.builder().valueTags(ProductList.class, ProductList::tags).build();
        return searches.getOrCompute("search:" + normalized, ProductList.class, options, () -> load(normalized));
    }

    private ProductList load(String normalized) {
        List<Product> found = products.nameContains(normalized, RESULTS + 1);
        return found.size() > RESULTS ? new ProductList(List.copyOf(found.subList(0, RESULTS)), true) : new ProductList(found, false);
    }
}
