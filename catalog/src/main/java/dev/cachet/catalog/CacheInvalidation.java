package dev.cachet.catalog;

import dev.cachet.spring.CachetCaches;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Invalidates, once a write's transaction has committed, the tags of what it changed, in every cache: the
 * object, query, page and fragment caches each keep their own in-process copies, and nothing is ever written
 * to a cache inside an open transaction.
 */
@Component
public class CacheInvalidation {
    /**
     * What a committed write changed: the tags of the cached things that show it, worked out once the write
     * has committed, so that a query among them sees every other write committed before it.
     */
    public record Changed(Supplier<List<String>> tags) {
        /** A change whose tags are known at once. */
        public static Changed of(List<String> tags) {
            List<String> copy = List.copyOf(tags);
            return new Changed(() -> copy);
        }
    }

    private static final System.Logger LOG = System.getLogger(CacheInvalidation.class.getName());

    private final CachetCaches caches;

    CacheInvalidation(CachetCaches caches) {
        this.caches = caches;
    }

    @TransactionalEventListener
    void afterCommit(Changed changed) {
        List<String> tags = changed.tags().get();
        caches.all().forEach((alias, cache) -> {
            if (!cache.invalidateTags(tags)) {
                // The cache remembers the tags and invalidates them before it reads from Redis again.
                LOG.log(System.Logger.Level.WARNING, "cache {0}: invalidating {1} after a committed write failed (Redis"
                        + " down?); it is replayed when Redis answers, and other instances may show the old data until"
                        + " then", alias, tags);
            }
        });
    }

    /** The tag of a product's cached copies. */
    public static String product(long id) {
        return "product:" + id;
    }

    /** The tag of everything that lists a category's products. */
    public static String category(long id) {
        return "category:" + id;
    }

    /** The tag of the category list. */
    public static final String CATEGORIES = "categories";

    /**
     * The tag of what shows the best sellers (the home page): every product write invalidates it, since a page
     * cached whole cannot carry the tags of the products it happens to list.
     */
    public static final String BEST_SELLERS = "best-sellers";
}
