package dev.cachet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hot key on three instances at once, on any store whose test extends this: cold, one loader call in all while the others wait for its value;
 * stale within its stale-while-revalidate window, one refresh while the others take the old value at once.
 */
public abstract class StampedeContract {
    private final List<Store> stores = new ArrayList<>();

    /** A new store, with a connection of its own: one instance of the service. */
    protected abstract Store newStore();

    @AfterEach
    void close() {
        stores.forEach(Store::close);
    }

    /** Three instances, each with its own connection, sharing the options' prefix. */
    private List<Cache> threeInstances(CacheOptions options) {
        List<Cache> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Store store = newStore();
            stores.add(store);
            instances.add(Cache.create(store, options));
        }
        return instances;
    }

    /** 500 callers spread over the instances, let go at once, each asking for the key with {@code loader}. */
    private static List<Future<String>> race(ExecutorService callers, List<Cache> instances, Ttl ttl, Callable<String> loader) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Cache instance = instances.get(i % instances.size());
            results.add(callers.submit(() -> {
                start.await();
                return instance.getOrCompute("homepage", String.class, ttl, loader);
            }));
        }
        start.countDown();
        return results;
    }

    @Test
    void fiveHundredCallersOnThreeInstancesRunTheLoaderOnce() throws Exception {
        List<Cache> instances = threeInstances(CacheOptions.builder().keyPrefix("stampede-" + UUID.randomUUID()).build());
        AtomicInteger loads = new AtomicInteger();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = race(callers, instances, Ttl.ofMinutes(1), () -> {
                loads.incrementAndGet();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                return "rendered";
            });
            for (Future<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("rendered");
            }
        }
        assertThat(loads).hasValue(1);
        instances.getFirst().clear();
    }

    @Test
    void duringAStaleWhileRevalidateRefreshEveryOtherCallerGetsTheOldValueAtOnce() throws Exception {
        FakeClock clock = new FakeClock();
        List<Cache> instances = threeInstances(CacheOptions.builder().keyPrefix("stampede-swr-" + UUID.randomUUID())
                .clock(clock).staleWhileRevalidate(Duration.ofMinutes(1)).build());
        instances.getFirst().getOrCompute("homepage", String.class, Ttl.ofSeconds(30), () -> "old");
        clock.advance(Duration.ofSeconds(31));

        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = race(callers, instances, Ttl.ofSeconds(30), () -> {
                loads.incrementAndGet();
                // The refresh lasts until every other caller has its answer.
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                return "new";
            });
            // 499 callers answer while the one refresh is still held up: none of them waited for it.
            await().atMost(Duration.ofSeconds(30)).until(() -> results.stream().filter(Future::isDone).count() == 499);
            assertThat(results.stream().filter(Future::isDone).map(Future::resultNow)).containsOnly("old");
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isIn("old", "new");
            }
        }
        assertThat(loads).hasValue(1);
        assertThat(instances.get(1).get("homepage", String.class)).isEqualTo("new");
        instances.getFirst().clear();
    }
}
