package dev.cachet.catalog.cache;

import dev.cachet.Cache;
import dev.cachet.Ttl;
import dev.cachet.catalog.CacheInvalidation;
import dev.cachet.catalog.category.Category;
import dev.cachet.catalog.category.CategoryRepository;
import dev.cachet.catalog.product.ProductService;
import dev.cachet.spring.CachetCaches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The actions an operator takes on the caches, from the command line ({@code cache warm}, {@code cache
 * invalidate}) or the cache dashboard: what one would do (a dry run), and doing it, in every cache. Each action
 * done is logged, with who asked, on the {@value #LOGGER} logger.
 */
@Service
public class CacheOperations {
    /** The logger of the actions done. */
    public static final String LOGGER = "dev.cachet.catalog.cache.actions";
    /** Tags go to the backend in batches of this many, with progress reported between them. */
    private static final int TAG_BATCH = 500;
    private static final Logger ACTIONS = LoggerFactory.getLogger(LOGGER);

    /** Told how much of a long action is done. */
    @FunctionalInterface
    public interface Progress {
        /** No one is told. */
        Progress NONE = (done, total) -> { };

        /** {@code done} of {@code total} units are done. */
        void done(long done, long total);
    }

    /**
     * What warming put in the caches.
     *
     * @param categories the categories warmed
     * @param pages their pages of products, in the query cache
     * @param products their products, in the object cache
     * @param took how long it took
     */
    public record Warmed(int categories, int pages, long products, Duration took) {}

    private final CachetCaches caches;
    private final CategoryRepository categories;
    private final ProductService products;

    CacheOperations(CachetCaches caches, CategoryRepository categories, ProductService products) {
        this.caches = caches;
        this.categories = categories;
        this.products = products;
    }

    /** Every cache, by alias. */
    public Map<String, Cache> caches() {
        return caches.all();
    }

    /**
     * The tags that invalidating a category takes: its own, then those of all its products (active or not), which
     * is what the product pages and {@code /api/products/{id}} keep.
     *
     * @throws NoSuchElementException when there is no such category
     */
    public List<String> categoryTags(long categoryId) {
        categories.find(categoryId).orElseThrow(() -> new NoSuchElementException("no category " + categoryId));
        List<String> tags = new ArrayList<>(List.of(CacheInvalidation.category(categoryId)));
        categories.productIds(categoryId).forEach(id -> tags.add(CacheInvalidation.product(id)));
        return tags;
    }

    /**
     * Invalidates {@code tags} in every cache, in batches, telling {@code progress} how many (tag, cache) pairs
     * are done. Tags are invalidated by bumping their versions, so there is no count of the entries dropped.
     *
     * @param what the tags as the log names them ("tag product:4", "category 2 and its 80 products")
     * @throws IllegalStateException when a cache's backend did not take the invalidation
     */
    public void invalidateTags(String who, String what, List<String> tags, Progress progress) {
        long done = 0;
        long total = (long) tags.size() * caches.all().size();
        for (Map.Entry<String, Cache> cache : caches.all().entrySet()) {
            for (int from = 0; from < tags.size(); from += TAG_BATCH) {
                List<String> batch = tags.subList(from, Math.min(tags.size(), from + TAG_BATCH));
                if (!cache.getValue().invalidateTags(batch)) {
                    ACTIONS.warn("{} invalidated {}: the backend of cache {} did not take it", who, what, cache.getKey());
                    throw new IllegalStateException("the backend of cache " + cache.getKey() + " did not take the invalidation");
                }
                done += batch.size();
                progress.done(done, total);
            }
        }
        ACTIONS.info("{} invalidated {} in caches {}", who, what, caches.all().keySet());
    }

    /**
     * How many keys of the current version match the Redis glob {@code pattern}, per cache.
     *
     * @throws UnsupportedOperationException when a cache's store cannot list its keys (Memcached)
     */
    public Map<String, Long> countByPattern(String pattern) {
        Map<String, Long> counts = new LinkedHashMap<>();
        caches.all().forEach((alias, cache) -> counts.put(alias, cache.countByPattern(pattern)));
        return counts;
    }

    /** Deletes the keys of the current version matching {@code pattern} in every cache; how many, per cache. */
    public Map<String, Long> deleteByPattern(String who, String pattern) {
        Map<String, Long> deleted = new LinkedHashMap<>();
        caches.all().forEach((alias, cache) -> deleted.put(alias, cache.deleteByPattern(pattern)));
        ACTIONS.info("{} deleted the keys matching '{}': {}", who, pattern, deleted);
        return deleted;
    }

    /**
     * Whether cache {@code alias} holds {@code key}.
     *
     * @throws NoSuchElementException when there is no cache by that alias
     */
    public boolean contains(String alias, String key) {
        return caches.get(alias).contains(key);
    }

    /** Deletes {@code key} from cache {@code alias}; whether it was there. */
    public boolean deleteKey(String who, String alias, String key) {
        boolean deleted = caches.get(alias).delete(key);
        ACTIONS.info("{} deleted key '{}' of cache {} ({})", who, key, alias, deleted ? "it was there" : "it was not there");
        return deleted;
    }

    /**
     * The categories a warm-up covers: {@code category}, or every active one when null.
     *
     * @throws IllegalArgumentException when there is no such category
     */
    public List<Category> warmTargets(Long category) {
        if (category == null) {
            return categories.active();
        }
        return List.of(categories.find(category).orElseThrow(() -> new IllegalArgumentException("no category " + category)));
    }

    /** How many products warming {@code targets} goes through. */
    public long productsToWarm(List<Category> targets) {
        return targets.stream().mapToLong(category -> products.countShown(category.id())).sum();
    }

    /**
     * Fills what is missing of {@code targets} in the caches, for {@code ttl}: every page of the products each
     * shows in the query cache and every product on them in the object cache, through get-or-compute as a read
     * would, telling {@code progress} how many products are done.
     */
    public Warmed warm(String who, List<Category> targets, Ttl ttl, Progress progress) {
        long total = productsToWarm(targets);
        long started = System.nanoTime();
        int pages = 0;
        long done = 0;
        for (Category target : targets) {
            long before = done;
            ProductService.Warmed warmed = products.warm(target.id(), ttl, n -> progress.done(before + n, total));
            done = before + warmed.products();
            pages += warmed.pages();
        }
        Warmed warmed = new Warmed(targets.size(), pages, done, Duration.ofNanos(System.nanoTime() - started));
        ACTIONS.info("{} warmed {}: {} pages and {} products in {} ms", who,
                targets.size() == 1 ? "category " + targets.getFirst().id() : targets.size() + " categories", pages, done,
                warmed.took().toMillis());
        return warmed;
    }
}
