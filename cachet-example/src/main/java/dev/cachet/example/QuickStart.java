package dev.cachet.example;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.CacheStats;
import dev.cachet.Ttl;
import dev.cachet.redis.RedisStore;
import dev.cachet.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cachet in front of a slow database: a Redis-backed cache serves product lookups from a pool of request
 * threads, most of them for a few hot products, and prints what the cache did.
 *
 * <p>Redis is found at {@code CACHET_REDIS_URL} (default {@code redis://127.0.0.1:6379}). Without a
 * reachable Redis the example still completes: the cache fails soft, every lookup goes to the database, and
 * the output says so.
 */
public final class QuickStart {
    private static final int LOOKUPS = 2_000;
    private static final int PRODUCTS = 100;
    /** 80% of lookups ask for the hottest 20% of products, as a storefront's traffic typically does. */
    private static final int HOT_PRODUCTS = PRODUCTS / 5;
    private static final double HOT_SHARE = 0.8;
    private static final int REQUEST_THREADS = 16;

    private QuickStart() {
    }

    /** Runs the example; takes no arguments. */
    public static void main(String[] args) throws InterruptedException, ExecutionException {
        String url = System.getenv().getOrDefault("CACHET_REDIS_URL", "redis://127.0.0.1:6379");
        ProductDatabase database = new ProductDatabase();
        try (Store store = RedisStore.create(url)) {
            Cache cache = Cache.create(store, CacheOptions.builder()
                    .name("products")
                    .keyPrefix("cachet-example")
                    .defaultTtl(Ttl.ofMinutes(1))
                    .build());
            // Entries of an earlier run may still be live for up to a minute; start cold so the numbers repeat.
            cache.clear();

            long started = System.nanoTime();
            lookUp(cache, database);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

            report(url, cache.stats(), elapsedMillis);
            System.out.printf(Locale.ROOT, "cleared:      %,d keys under cachet-example%n", cache.clear());
        }
    }

    /** Every lookup is a cache-aside read: the cache answers, or the database does and the cache keeps it. */
    private static void lookUp(Cache cache, ProductDatabase database) throws InterruptedException, ExecutionException {
        List<Callable<Product>> lookups = new ArrayList<>(LOOKUPS);
        for (long id : skewedIds()) {
            lookups.add(() -> cache.getOrCompute("product:" + id, Product.class, () -> database.find(id)));
        }
        try (ExecutorService requests = Executors.newFixedThreadPool(REQUEST_THREADS)) {
            for (Future<Product> lookup : requests.invokeAll(lookups)) {
                lookup.get();
            }
        }
    }

    /** Product ids with a hot-key skew, from a fixed seed so that every run asks the same questions. */
    private static long[] skewedIds() {
        Random random = new Random(7);
        long[] ids = new long[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            ids[i] = random.nextDouble() < HOT_SHARE
                    ? 1 + random.nextInt(HOT_PRODUCTS)
                    : 1 + HOT_PRODUCTS + random.nextInt(PRODUCTS - HOT_PRODUCTS);
        }
        return ids;
    }

    private static void report(String url, CacheStats stats, long elapsedMillis) {
        long uncachedMillis = LOOKUPS * ProductDatabase.QUERY_TIME.toMillis() / REQUEST_THREADS;
        System.out.println("Cachet quick start");
        System.out.println("redis:        " + url);
        System.out.printf(Locale.ROOT, "lookups:      %,d over %d products (%.0f%% on the hottest %d), %d request threads%n",
                LOOKUPS, PRODUCTS, HOT_SHARE * 100, HOT_PRODUCTS, REQUEST_THREADS);
        System.out.printf(Locale.ROOT, "hits:         %,d%n", stats.hits());
        System.out.printf(Locale.ROOT, "misses:       %,d%n", stats.misses());
        System.out.printf(Locale.ROOT, "loader calls: %,d (database queries of %d ms each; concurrent misses on one product"
                + " share one query)%n", stats.loads(), ProductDatabase.QUERY_TIME.toMillis());
        System.out.printf(Locale.ROOT, "hit ratio:    %.1f%%%n", stats.hitRatio() * 100);
        System.out.printf(Locale.ROOT, "elapsed:      %,d ms (about %,d ms with every lookup going to the database)%n",
                elapsedMillis, uncachedMillis);
        System.out.println("breaker:      " + stats.breaker());
        System.out.println("errors:       " + (stats.errors() == 0 ? "none" : stats.errorsByCause()));
        if (stats.errors() == 0) {
            System.out.println("Redis answered every call.");
        } else {
            System.out.printf(Locale.ROOT, "Redis was unreachable or failing (%,d failed calls): the cache failed soft, and every"
                    + " lookup it could not answer went to the database instead.%n", stats.errors());
        }
    }
}
