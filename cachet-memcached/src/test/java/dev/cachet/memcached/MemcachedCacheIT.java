package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.Cache;
import dev.cachet.CacheContract;
import dev.cachet.Ttl;
import dev.cachet.ValueTooLargeException;
import dev.cachet.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract suite against the real memcached on 11211; every test has its own key prefix. */
class MemcachedCacheIT extends CacheContract {
    @BeforeAll
    static void memcachedIsUp() {
        LocalMemcached.require();
    }

    @Override
    protected Store newStore() {
        return MemcachedStore.create(LocalMemcached.options().build());
    }

    @Override
    protected void passTime(Duration duration) {
        // memcached keeps real time (in whole seconds); the contract waits for the expiry to be observed.
    }

    @Override
    protected boolean listsKeys() {
        return false;
    }

    @Test
    void aClearOnOneInstanceHidesTheEntriesFromAnotherAtOnce() {
        try (Store elsewhere = newStore()) {
            Cache other = Cache.create(elsewhere, options().build());
            cache.set("a", "1");
            cache.withVersion(2).set("b", "2");
            assertThat(other.get("a", String.class)).isEqualTo("1");

            assertThat(other.clear()).isEqualTo(-1);

            assertThat(cache.get("a", String.class)).isNull();
            assertThat(cache.withVersion(2).getMany(List.of("b"), String.class)).isEmpty();
            assertThat(cache.add("a", "after")).as("a cleared key is absent to add too").isTrue();
            assertThat(other.get("a", String.class)).isEqualTo("after");
            assertThat(cache.delete("b")).isFalse();
        }
    }

    @Test
    void anInstanceThatMissedTheClearWritesNothingStale() {
        try (Store elsewhere = newStore()) {
            Cache other = Cache.create(elsewhere, options().build());
            cache.set("k", "before");
            other.clear();
            // This instance has not read since the clear: its write carries the old version and stays hidden.
            cache.set("k", "written with the old version");
            assertThat(other.get("k", String.class)).isNull();
            // Its next read learns the new version, and its writes carry it from then on.
            assertThat(cache.get("k", String.class)).isNull();
            assertThat(cache.set("k", "after")).isTrue();
            assertThat(other.get("k", String.class)).isEqualTo("after");
        }
    }

    @Test
    void aCompareAndSetAcrossAClearLeavesNothingVisible() {
        String key = cache.makeKey("n");
        cache.set("n", 5);
        long cas = store.getVersioned(key).join().cas();
        cache.clear();
        assertThat(cache.contains("n")).as("this instance now knows the new version").isFalse();
        store.compareAndSet(key, cas, "6".getBytes(), Store.FOREVER).join();
        assertThat(cache.get("n", Long.class)).isNull();
    }

    @Test
    void aClearOnlyTouchesItsNamespace() {
        Cache neighbour = Cache.create(store, options().keyPrefix(prefix + "-neighbour").build());
        Cache sharingTheFirstSegment = Cache.create(store, options().keyPrefix(prefix + ":inner").build());
        try {
            neighbour.set("k", "kept");
            sharingTheFirstSegment.set("k", "cleared with it");
            cache.set("k", "cleared");
            cache.clear();
            assertThat(neighbour.get("k", String.class)).isEqualTo("kept");
            assertThat(sharingTheFirstSegment.get("k", String.class)).as("same namespace: over-cleared, never stale").isNull();
        } finally {
            neighbour.clear();
        }
    }

    @Test
    void aTagInvalidationIsNotUndoneByAClear() {
        String tag = tag("t");
        cache.set("k", "v", Ttl.ofMinutes(5), List.of(tag));
        cache.clear();
        cache.set("k", "v", Ttl.ofMinutes(5), List.of(tag));
        cache.invalidateTags(tag);
        assertThat(cache.get("k", String.class)).isNull();
    }

    @Test
    void longAndUnsendableKeysAreHashedAndRoundTrip() {
        String longKey = "k".repeat(600);
        String spaced = "with space and ünïcödé";
        cache.setMany(Map.of(longKey, "long", spaced, "spaced", "#hash", "hash"));
        assertThat(cache.get(longKey, String.class)).isEqualTo("long");
        assertThat(cache.getMany(List.of(spaced, "#hash", longKey), String.class))
                .containsExactly(Map.entry(spaced, "spaced"), Map.entry("#hash", "hash"), Map.entry(longKey, "long"));
        assertThat(cache.delete(longKey)).isTrue();
        assertThat(cache.contains(longKey)).isFalse();
    }

    @Test
    void aValueOverTheItemSizeIsRefusedNamingTheKeyAndSizes() {
        try (Store small = MemcachedStore.create(LocalMemcached.options().maxItemSize(4_096).build())) {
            Cache cache = Cache.create(small, options().compressionThreshold(1_000_000).build());
            assertThat(cache.set("fits", new byte[3_900])).isTrue();
            assertThatThrownBy(() -> cache.set("over", new byte[4_096]))
                    .isInstanceOf(ValueTooLargeException.class).hasMessageContaining("'" + cache.makeKey("over") + "'")
                    .hasMessageContaining("4096 bytes").hasMessageContaining("maxItemSize");
            assertThat(cache.contains("over")).isFalse();
        }
        byte[] nearTheDefaultLimit = new byte[1_048_000];
        new Random(42).nextBytes(nearTheDefaultLimit);
        assertThat(cache.set("near the default limit", nearTheDefaultLimit)).isTrue();
        assertThat(cache.get("near the default limit", byte[].class)).isEqualTo(nearTheDefaultLimit);
    }

    @Test
    void aTtlOverThirtyDaysIsKeptNotExpiredAtOnce() {
        cache.set("k", "v", Ttl.of(Duration.ofDays(45)));
        // Sent as a Unix time, read back against memcached's clock: its wall-clock time at start plus the
        // monotonic time since, ticking once a second. It falls behind this machine's wall clock as that is
        // adjusted (6 s after two hours of a memcached on a virtual machine): up to a minute over.
        assertThat(store.getEntry(cache.makeKey("k")).join().ttlMillis())
                .isBetween(Duration.ofDays(44).toMillis(), Duration.ofDays(45).plusMinutes(1).toMillis());
    }

    @Test
    void theStoreIsNamedByItsServers() {
        assertThat(store.name()).isEqualTo("memcached://127.0.0.1:11211");
        assertThatThrownBy(() -> MemcachedStore.create("redis://127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memcached://");
    }

    @Test
    void callsAfterCloseAreTheCallersMistake() {
        Store closed = newStore();
        closed.close();
        assertThatThrownBy(() -> closed.get("k").join()).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
