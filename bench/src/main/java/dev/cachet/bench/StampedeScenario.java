package dev.cachet.bench;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.Ttl;
import dev.cachet.redis.RedisStore;
import dev.cachet.redis.RedisStoreOptions;
import dev.cachet.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * A cold key wanted by many callers at once, over several instances: how often does the loader run? Three
 * caches, each over its own Redis store (its own connection, as three service instances would have), share
 * one prefix. For each of a series of cold keys, callers spread evenly over the instances call
 * {@code getOrCompute} together, and a slow loader counts its calls: one per key is the goal, one per
 * process through the in-process single flight, one in all through the lease in Redis.
 */
final class StampedeScenario {
    private static final String PREFIX = "bench-stampede";
    private static final int INSTANCES = 3;
    /** Long enough that every caller arrives while the load runs, as with a slow query behind a cache. */
    private static final Duration LOAD_TIME = Duration.ofMillis(50);

    /** What one cold key's race came to. */
    private record Race(int loads, int failures) {
    }

    private final String redisUrl;
    private final int keys;
    private final int callers;
    private final Ttl ttl;

    StampedeScenario(String redisUrl, int keys, int callers, Ttl ttl) {
        this.redisUrl = redisUrl;
        this.keys = keys;
        this.callers = callers;
        this.ttl = ttl;
    }

    /** Runs the scenario and returns its report lines; counters and cleanup go to {@code notes}. */
    String run(List<String> notes) throws InterruptedException {
        List<Store> stores = new ArrayList<>();
        try {
            List<Cache> instances = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                String name = "stampede-" + (char) ('a' + i);
                RedisStoreOptions redis = RedisStoreOptions.builder().url(redisUrl).clientName("cachet-bench-" + name).build();
                Store store = RedisStore.create(redis);
                stores.add(store);
                instances.add(Cache.create(store, CacheOptions.builder().name(name).keyPrefix(PREFIX).defaultTtl(ttl).build()));
            }
            try {
                // A run stopped less than a TTL ago left its keys behind, and they would not be cold.
                instances.getFirst().clear();
                return measure(instances);
            } finally {
                instances.forEach(instance -> notes.add(ResultTable.counters(instance.stats())));
                notes.add("cleanup: stampede deleted " + instances.getFirst().clear() + " keys");
            }
        } finally {
            stores.forEach(Store::close);
        }
    }

    private String measure(List<Cache> instances) throws InterruptedException {
        StoreBenchmark.progress("stampede", String.format(Locale.ROOT, "%d cold keys, %d callers each over %d instances,"
                + " after one warm-up key", keys, callers, INSTANCES));
        race(instances, "warm-up", LoadRunner.histogram());
        Histogram latency = LoadRunner.histogram();
        long loads = 0;
        int most = 0;
        long failures = 0;
        for (int k = 0; k < keys; k++) {
            Race race = race(instances, "cold-" + k, latency);
            loads += race.loads();
            most = Math.max(most, race.loads());
            failures += race.failures();
        }
        return String.format(Locale.ROOT, "stampede: %d cold keys, %d callers each over %d instances, loader %d ms:"
                        + " %d loader calls, %.2f per key, at most %d for a key; %d calls failed%n"
                        + "stampede: callers' getOrCompute latency: %s",
                keys, callers, INSTANCES, LOAD_TIME.toMillis(), loads, (double) loads / keys, most, failures,
                ResultTable.latencies(latency));
    }

    /** Lets {@code callers} calls of {@code getOrCompute} on {@code key} go at once, spread over the instances. */
    private Race race(List<Cache> instances, String key, Histogram latency) throws InterruptedException {
        AtomicInteger loads = new AtomicInteger();
        String loaded = "value of " + key;
        Callable<String> loader = () -> {
            loads.incrementAndGet();
            Thread.sleep(LOAD_TIME);
            return loaded;
        };
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> calls = new ArrayList<>(callers);
        int failures = 0;
        String firstFailure = null;
        // Virtual threads: every caller can be blocked in its call at the same time, as on a server's request
        // threads, without hundreds of platform threads on two cores.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                Cache instance = instances.get(i % instances.size());
                calls.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    long began = System.nanoTime();
                    String value = instance.getOrCompute(key, String.class, ttl, loader);
                    long nanos = System.nanoTime() - began;
                    if (!loaded.equals(value)) {
                        throw new IllegalStateException("returned '" + value + "'");
                    }
                    return nanos;
                }));
            }
            // The race starts only once every caller is parked at the gate, so that none is still starting up.
            ready.await();
            start.countDown();
            for (Future<Long> call : calls) {
                try {
                    LoadRunner.record(latency, call.get());
                } catch (ExecutionException e) {
                    failures++;
                    if (firstFailure == null) {
                        firstFailure = String.valueOf(e.getCause());
                    }
                }
            }
        }
        StoreBenchmark.progress("stampede", String.format(Locale.ROOT, "  %-8s %d loader calls, %d failed%s", key,
                loads.get(), failures, firstFailure == null ? "" : " (first: " + firstFailure + ")"));
        return new Race(loads.get(), failures);
    }
}
