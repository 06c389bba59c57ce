package dev.cachet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stale-set race, made real on any store whose test extends this: readers load rows from a "database" and cache them while
 * writers update rows and invalidate. A reader that loaded a row before a write and stores it after the
 * invalidation leaves a stale entry for its whole TTL. Plain cache-aside shows the race; get-or-compute
 * with leases must leave no stale entry.
 */
public abstract class StaleSetRaceContract {
    private static final int ROWS = 5;
    private static final int READERS = 8;
    private static final int WRITERS = 2;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A race shows up in most rounds, not all: the plain run may take a few to show it. */
    private static final int ROUNDS = 8;

    private final Map<Integer, Integer> database = new ConcurrentHashMap<>();
    private Store store;
    private Cache cache;

    /** A new store for one test. */
    protected abstract Store newStore();

    @BeforeEach
    void open() {
        for (int row = 0; row < ROWS; row++) {
            database.put(row, 0);
        }
        store = newStore();
        cache = Cache.create(store, CacheOptions.builder().keyPrefix("race-" + UUID.randomUUID()).build());
    }

    @AfterEach
    void close() {
        cache.clear();
        store.close();
    }

    /** A query: read the row, then take a moment, as a query over the network does. */
    private int query(int row) {
        int value = database.get(row);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        return value;
    }

    /** Runs readers and writers together, then counts cache entries that differ from the database. */
    private long staleEntriesAfter(BiFunction<Cache, Integer, Integer> read) throws InterruptedException {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicBoolean reading = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (reading.get()) {
                    read.apply(cache, ThreadLocalRandom.current().nextInt(ROWS));
                }
            }));
        }
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            writers.add(Thread.ofPlatform().start(() -> {
                while (writing.get()) {
                    int row = ThreadLocalRandom.current().nextInt(ROWS);
                    database.merge(row, 1, Integer::sum);
                    cache.delete("row:" + row);
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
                }
            }));
        }
        long until = System.nanoTime() + RUN_NANOS;
        while (System.nanoTime() - until < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        // Readers stop with the writers: a load that began before the last write still finishes and stores.
        writing.set(false);
        reading.set(false);
        for (Thread writer : writers) {
            writer.join();
        }
        for (Thread reader : threads) {
            reader.join();
        }
        long stale = 0;
        for (int row = 0; row < ROWS; row++) {
            Integer cached = cache.get("row:" + row, Integer.class);
            if (cached != null && !cached.equals(database.get(row))) {
                stale++;
            }
        }
        return stale;
    }

    /** Cache-aside as the brief writes it: read, else query and set. */
    private int cacheAside(Cache cache, int row) {
        Integer cached = cache.get("row:" + row, Integer.class);
        if (cached != null) {
            return cached;
        }
        int loaded = query(row);
        cache.set("row:" + row, loaded, Ttl.ofMinutes(5));
        return loaded;
    }

    @Test
    void plainCacheAsideLeavesStaleEntries() throws InterruptedException {
        long stale = 0;
        for (int round = 0; round < ROUNDS && stale == 0; round++) {
            stale = staleEntriesAfter(this::cacheAside);
        }
        assertThat(stale).as("the race this test is about exists").isPositive();
    }

    @Test
    void getOrComputeWithLeasesLeavesNone() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            long stale = staleEntriesAfter((cache, row) ->
                    cache.getOrCompute("row:" + row, Integer.class, Ttl.ofMinutes(5), () -> query(row)));
            assertThat(stale).as("stale entries after round %d", round).isZero();
        }
    }
}
