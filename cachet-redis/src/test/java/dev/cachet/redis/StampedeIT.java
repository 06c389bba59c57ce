package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.Ttl;
import dev.cachet.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cold hot key on three instances at once: one loader call in all, the others wait for its value. */
class StampedeIT {
    private final List<Store> stores = new ArrayList<>();

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @AfterEach
    void close() {
        stores.forEach(Store::close);
    }

    @Test
    void fiveHundredCallersOnThreeInstancesRunTheLoaderOnce() throws Exception {
        String prefix = "stampede-" + UUID.randomUUID();
        List<Cache> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Store store = RedisStore.create(LocalRedis.options().build());
            stores.add(store);
            instances.add(Cache.create(store, CacheOptions.builder().keyPrefix(prefix).build()));
        }
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 500; i++) {
                Cache instance = instances.get(i % 3);
                results.add(callers.submit(() -> {
                    start.await();
                    return instance.getOrCompute("homepage", String.class, Ttl.ofMinutes(1), () -> {
                        loads.incrementAndGet();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                        return "rendered";
                    });
                }));
            }
            start.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("rendered");
            }
        }
        assertThat(loads).hasValue(1);
        instances.getFirst().clear();
    }
}
