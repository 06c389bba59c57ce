package dev.cachet.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.cachet.Ticker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A store that implements the primitives of {@link Store} and nothing more (plus {@link #deleteMatching},
 * since a map can list its keys), so that every lease, tag, increment and bulk operation the contract suite
 * exercises runs through the SPI's defaults: the smallest whole store, and the template for a new backend.
 */
public final class MapStore implements Store {
    /** A value, the ticker reading at which it expires (or {@link Long#MAX_VALUE}), and its token. */
    private record Item(byte[] value, long expiresAt, long cas) {}

    private final ConcurrentHashMap<String, Item> items = new ConcurrentHashMap<>();
    private final AtomicLong nextCas = new AtomicLong();
    private final Ticker ticker;

    /** A store on {@code ticker}'s time. */
    public MapStore(Ticker ticker) {
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return "map";
    }

    private Item item(byte[] value, long ttlMillis) {
        long expiresAt = ttlMillis == FOREVER ? Long.MAX_VALUE : ticker.read() + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        return new Item(value, expiresAt, nextCas.incrementAndGet());
    }

    /** The live item at {@code key}; an expired one is removed on the way. */
    private Item live(String key) {
        return items.computeIfPresent(key, (k, item) -> ticker.read() - item.expiresAt() >= 0 ? null : item);
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String key) {
        Item item = live(key);
        if (item == null) {
            return completedFuture(null);
        }
        long ttl = item.expiresAt() == Long.MAX_VALUE ? FOREVER
                : Math.max(1, TimeUnit.NANOSECONDS.toMillis(item.expiresAt() - ticker.read() + 999_999));
        return completedFuture(new Versioned(item.value(), ttl, item.cas()));
    }

    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        items.put(key, item(value, ttlMillis));
        return completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        live(key);
        return completedFuture(items.putIfAbsent(key, item(value, ttlMillis)) == null);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return completedFuture(live(key) != null && items.remove(key) != null);
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        live(key);
        return completedFuture(items.computeIfPresent(key, (k, item) -> item(item.value(), ttlMillis)) != null);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis) {
        live(key);
        boolean[] written = new boolean[1];
        items.computeIfPresent(key, (k, item) -> {
            written[0] = item.cas() == cas;
            return !written[0] ? item : value == null ? null : item(value, ttlMillis);
        });
        return completedFuture(written[0]);
    }

    @Override
    public CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun) {
        Pattern glob = Glob.compile(pattern);
        long matched = 0;
        for (String key : items.keySet()) {
            if (glob.matcher(key).matches() && filter.test(key) && live(key) != null && (dryRun || items.remove(key) != null)) {
                matched++;
            }
        }
        return completedFuture(matched);
    }

    @Override
    public void close() {
        items.clear();
    }
}
