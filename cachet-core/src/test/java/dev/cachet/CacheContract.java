package dev.cachet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachet.resilience.ResilienceOptions;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import dev.cachet.store.Versioned;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every store must give the {@link Cache} API. A store's test extends this and says how to
 * build the store and how time passes for it; each test gets its own key prefix so runs never collide.
 */
public abstract class CacheContract {
    /** A value type with nested and decimal fields, as cached rows look. */
    public record Product(long id, String name, BigDecimal price, List<String> tags) {}

    protected Store store;
    protected Cache cache;
    protected String prefix;
    private final List<String> tagsUsed = new ArrayList<>();

    /** A new store for one test; {@link #prefix} is already this test's. */
    protected abstract Store newStore();

    /**
     * Whether the store can list its keys: pattern deletes, version purges and a counted {@code clear()}
     * need it. A store that cannot (Memcached) refuses the first two and answers -1 from {@code clear()}.
     */
    protected boolean listsKeys() {
        return true;
    }

    /**
     * Lets {@code duration} pass for the store: a fake ticker moves, a real server's clock just runs (tests
     * then wait on the condition, never sleep).
     */
    protected abstract void passTime(Duration duration);

    @BeforeEach
    void openCache() {
        prefix = "contract-" + UUID.randomUUID();
        store = newStore();
        cache = Cache.create(store, options().build());
    }

    /** The options of the cache under test; tests derive variants from it. */
    protected CacheOptions.Builder options() {
        return CacheOptions.builder().name("contract").keyPrefix(prefix);
    }

    @AfterEach
    void closeCache() {
        if (store != null) {
            if (!tagsUsed.isEmpty()) {
                cache.invalidateTags(tagsUsed);
            }
            cache.clear();
            store.close();
        }
    }

    private void awaitMiss(String key) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> !cache.contains(key));
    }

    // --- get and set ---------------------------------------------------------------------------------

    @Test
    void missReturnsNullOrTheDefault() {
        assertThat(cache.get("absent", String.class)).isNull();
        assertThat(cache.get("absent", String.class, "fallback")).isEqualTo("fallback");
    }

    @Test
    void valuesRoundTripWithTheCallersType() {
        Product product = new Product(7, "Lamp", new BigDecimal("19.90"), List.of("home", "light"));
        assertThat(cache.set("product", product)).isTrue();
        assertThat(cache.get("product", Product.class)).isEqualTo(product);

        List<Product> page = List.of(product, new Product(8, "Desk", new BigDecimal("120.00"), List.of()));
        cache.set("page", page);
        assertThat(cache.get("page", new TypeRef<List<Product>>() {})).isEqualTo(page);

        cache.set("flag", true);
        cache.set("ratio", 0.25d);
        cache.set("map", Map.of("a", 1));
        assertThat(cache.get("flag", Boolean.class)).isTrue();
        assertThat(cache.get("ratio", Double.class)).isEqualTo(0.25d);
        assertThat(cache.get("map", new TypeRef<Map<String, Integer>>() {})).containsEntry("a", 1);
    }

    @Test
    void unicodeAndBinaryValuesRoundTrip() {
        String text = "héllo — 日本語 🎉 \u0000 end";
        cache.set("unicode", text);
        assertThat(cache.get("unicode", String.class)).isEqualTo(text);

        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        cache.set("binary", everyByte);
        assertThat(cache.get("binary", byte[].class)).isEqualTo(everyByte);
    }

    @Test
    void unicodeKeysAreAllowed() {
        cache.set("ключ:日本", "v");
        assertThat(cache.get("ключ:日本", String.class)).isEqualTo("v");
    }

    @Test
    void integersAreStoredAsPlainDecimal() {
        cache.set("count", 42L);
        cache.set("small", 7);
        assertThat(store.get(cache.makeKey("count")).join()).isEqualTo("42".getBytes(StandardCharsets.US_ASCII));
        assertThat(cache.get("count", Long.class)).isEqualTo(42L);
        assertThat(cache.get("small", Integer.class)).isEqualTo(7);
    }

    @Test
    void aHitIsCountedByPresenceNotByValue() {
        cache.set("k", "fallback");
        assertThat(cache.get("k", String.class, "fallback")).isEqualTo("fallback");
        cache.get("absent", String.class, "fallback");
        CacheStats stats = cache.stats();
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.hitRatio()).isEqualTo(0.5);
    }

    @Test
    void nullValuesAreRefused() {
        assertThatThrownBy(() -> cache.set("k", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("'k'");
    }

    // --- TTL -----------------------------------------------------------------------------------------

    @Test
    void anEntryExpiresAfterItsTtl() {
        cache.set("short", "v", Ttl.ofMillis(200));
        assertThat(cache.get("short", String.class)).isEqualTo("v");
        passTime(Duration.ofMillis(250));
        awaitMiss("short");
        assertThat(cache.get("short", String.class)).isNull();
    }

    @Test
    void theDefaultTtlIs300Seconds() {
        cache.set("k", "v");
        StoredEntry entry = store.getEntry(cache.makeKey("k")).join();
        assertThat(entry.ttlMillis()).isBetween(290_000L, 300_000L);
    }

    @Test
    void aZeroTtlDeletesTheKey() {
        cache.set("k", "v");
        assertThat(cache.set("k", "w", Ttl.NONE)).isTrue();
        assertThat(cache.contains("k")).isFalse();
    }

    @Test
    void foreverHasNoExpiryWithoutACap() {
        cache.set("k", "v", Ttl.FOREVER);
        assertThat(store.getEntry(cache.makeKey("k")).join().ttlMillis()).isEqualTo(Store.FOREVER);
    }

    @Test
    void aTtlBeyondACenturyIsForever() {
        assertThat(cache.set("k", "v", Ttl.ofMillis(Long.MAX_VALUE))).isTrue();
        assertThat(store.getEntry(cache.makeKey("k")).join().ttlMillis()).isEqualTo(Store.FOREVER);
    }

    @Test
    void maxTtlCapsForeverAndLongTtls() {
        Cache capped = Cache.create(store, options().defaultTtl(Ttl.ofSeconds(5)).maxTtl(Ttl.ofSeconds(10)).build());
        capped.set("forever", "v", Ttl.FOREVER);
        capped.set("long", "v", Ttl.ofMinutes(60));
        assertThat(store.getEntry(capped.makeKey("forever")).join().ttlMillis()).isBetween(1L, 10_000L);
        assertThat(store.getEntry(capped.makeKey("long")).join().ttlMillis()).isBetween(1L, 10_000L);
    }

    @Test
    void negativeTtlsAndContradictoryOptionsAreRefused() {
        assertThatThrownBy(() -> Ttl.ofMillis(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> Ttl.of(Duration.ofSeconds(-5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options().defaultTtl(Ttl.ofMinutes(10)).maxTtl(Ttl.ofMinutes(5)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTtl");
    }

    // --- add, touch, contains, delete -----------------------------------------------------------------

    @Test
    void addStoresOnlyWhenAbsent() {
        assertThat(cache.add("k", "first")).isTrue();
        assertThat(cache.add("k", "second")).isFalse();
        assertThat(cache.get("k", String.class)).isEqualTo("first");
        assertThat(cache.add("zero", "v", Ttl.NONE)).isFalse();
        assertThat(cache.contains("zero")).isFalse();
    }

    @Test
    void addStoresAgainAfterExpiry() {
        cache.add("k", "first", Ttl.ofMillis(100));
        passTime(Duration.ofMillis(150));
        awaitMiss("k");
        assertThat(cache.add("k", "second")).isTrue();
        assertThat(cache.get("k", String.class)).isEqualTo("second");
    }

    @Test
    void touchGivesANewTtl() {
        assertThat(cache.touch("absent", Ttl.ofMinutes(1))).isFalse();
        cache.set("k", "v", Ttl.ofMillis(200));
        assertThat(cache.touch("k", Ttl.ofMinutes(10))).isTrue();
        assertThat(store.getEntry(cache.makeKey("k")).join().ttlMillis()).isGreaterThan(60_000L);
        assertThat(cache.touch("k", Ttl.FOREVER)).isTrue();
        assertThat(store.getEntry(cache.makeKey("k")).join().ttlMillis()).isEqualTo(Store.FOREVER);
        assertThat(cache.touch("k", Ttl.NONE)).isTrue();
        assertThat(cache.contains("k")).isFalse();
    }

    @Test
    void deleteSaysWhetherTheKeyExisted() {
        cache.set("k", "v");
        assertThat(cache.contains("k")).isTrue();
        assertThat(cache.delete("k")).isTrue();
        assertThat(cache.delete("k")).isFalse();
        assertThat(cache.contains("k")).isFalse();
    }

    // --- many ---------------------------------------------------------------------------------------

    @Test
    void getManyReturnsWhatIsFoundInTheOrderAsked() {
        cache.setMany(Map.of("a", "1", "c", "3"));
        Map<String, String> found = cache.getMany(List.of("c", "b", "a", "c"), String.class);
        assertThat(found).containsExactly(Map.entry("c", "3"), Map.entry("a", "1"));
        assertThat(cache.getMany(List.of(), String.class)).isEmpty();
    }

    @Test
    void setManyStoresEverythingAndReportsNoFailures() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            values.put("k" + i, "v" + i);
        }
        assertThat(cache.setMany(values, Ttl.ofMinutes(1))).isEmpty();
        assertThat(cache.getMany(values.keySet(), String.class)).hasSize(100).containsEntry("k42", "v42");
        assertThat(cache.deleteMany(List.of("k1", "k2", "absent"))).isEqualTo(2);
    }

    @Test
    void setManyWithABadValueWritesNothing() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("good", "v");
        values.put("huge", new byte[CacheOptions.DEFAULT_MAX_VALUE_BYTES + 1]);
        assertThatThrownBy(() -> cache.setMany(values)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'huge'");
        assertThat(cache.contains("good")).isFalse();
    }

    @Test
    void setManyWithZeroTtlDeletes() {
        cache.set("a", "1");
        assertThat(cache.setMany(Map.of("a", "2", "b", "2"), Ttl.NONE)).isEmpty();
        assertThat(cache.contains("a")).isFalse();
    }

    // --- incr / decr -----------------------------------------------------------------------------------

    @Test
    void incrAndDecrAreAtomicAndKeepTheTtl() throws Exception {
        cache.set("n", 10, Ttl.ofMinutes(5));
        assertThat(cache.incr("n")).isEqualTo(OptionalLong.of(11));
        assertThat(cache.incr("n", 5)).isEqualTo(OptionalLong.of(16));
        assertThat(cache.decr("n", 20)).isEqualTo(OptionalLong.of(-4));
        assertThat(cache.get("n", Long.class)).isEqualTo(-4L);
        assertThat(store.getEntry(cache.makeKey("n")).join().ttlMillis()).isBetween(200_000L, 300_000L);

        cache.set("counter", 0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            done.add(pool.submit(() -> cache.incr("counter")));
        }
        for (Future<?> f : done) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(cache.get("counter", Long.class)).isEqualTo(400L);
    }

    @Test
    void incrOnAMissingKeyIsAnErrorAsInDjango() {
        assertThatThrownBy(() -> cache.incr("absent")).isInstanceOf(NoSuchElementException.class).hasMessageContaining("absent");
        assertThat(cache.contains("absent")).isFalse();
    }

    @Test
    void incrOnANonIntegerOrPastOverflowIsAnError() {
        cache.set("text", "abc");
        assertThatThrownBy(() -> cache.incr("text")).isInstanceOf(IllegalStateException.class).hasMessageContaining("not an integer");
        cache.set("big", Long.MAX_VALUE);
        assertThatThrownBy(() -> cache.incr("big")).isInstanceOf(IllegalStateException.class).hasMessageContaining("overflow");
        assertThat(cache.get("big", Long.class)).isEqualTo(Long.MAX_VALUE);
    }

    // --- clear, prefix, versions, key function ---------------------------------------------------------

    @Test
    void clearDeletesOnlyThisPrefixAtEveryVersion() {
        Cache neighbour = Cache.create(store, options().keyPrefix(prefix + "-neighbour").build());
        try {
            cache.set("a", "1");
            cache.withVersion(2).set("b", "2");
            neighbour.set("a", "kept");
            assertThat(cache.clear()).isEqualTo(listsKeys() ? 2 : -1);
            assertThat(cache.contains("a")).isFalse();
            assertThat(cache.withVersion(2).contains("b")).isFalse();
            assertThat(neighbour.get("a", String.class)).isEqualTo("kept");
        } finally {
            neighbour.clear();
        }
    }

    @Test
    void clearCopesWithManyKeysAndGlobCharactersInThePrefix() {
        Cache globby = Cache.create(store, options().keyPrefix(prefix + "*[?]").build());
        Cache lookalike = Cache.create(store, options().keyPrefix(prefix + "x[?]").build());
        try {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < 2_500; i++) {
                values.put("k" + i, i);
            }
            globby.setMany(values);
            lookalike.set("k", "kept");
            assertThat(globby.clear()).isEqualTo(listsKeys() ? 2_500 : -1);
            assertThat(globby.getMany(List.of("k0", "k1234", "k2499"), Integer.class)).isEmpty();
            assertThat(lookalike.get("k", String.class)).isEqualTo("kept");
        } finally {
            lookalike.clear();
        }
    }

    @Test
    void deleteByPatternTakesOnlyMatchingKeysOfThisVersionAndCanDryRun() {
        if (!listsKeys()) {
            assertThatThrownBy(() -> cache.deleteByPattern("product_list:*")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("cannot list its keys");
            assertThatThrownBy(() -> cache.countByPattern("product_list:*")).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        for (int page = 1; page <= 3; page++) {
            cache.set("product_list:category_12:page_" + page, "p");
            cache.set("product_list:category_120:page_" + page, "p");
        }
        cache.set("product_detail_12", "d");
        cache.withVersion(2).set("product_list:category_12:page_1", "other version");
        cache.set("glob*chars?", "literal");

        assertThat(cache.countByPattern("product_list:category_12:*")).isEqualTo(3);
        assertThat(cache.contains("product_list:category_12:page_1")).isTrue();
        assertThat(cache.deleteByPattern("product_list:category_12:*")).isEqualTo(3);
        assertThat(cache.contains("product_list:category_12:page_2")).isFalse();
        assertThat(cache.contains("product_list:category_120:page_2")).isTrue();
        assertThat(cache.contains("product_detail_12")).isTrue();
        assertThat(cache.withVersion(2).contains("product_list:category_12:page_1")).isTrue();

        assertThat(cache.deleteByPattern("product_list:category_12?:page_[12]")).isEqualTo(2);
        assertThat(cache.deleteByPattern("glob\\*chars\\?")).isEqualTo(1);
        assertThat(cache.async().countByPattern("product_*").join()).isEqualTo(2);
        assertThatThrownBy(() -> cache.deleteByPattern("")).isInstanceOf(IllegalArgumentException.class);
        Cache custom = Cache.create(store, options().keyFunction((p, v, k) -> p + ":" + v + ":" + k).build());
        assertThatThrownBy(() -> custom.deleteByPattern("*")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("standard key function");
    }

    @Test
    void purgeOldVersionsKeepsOnlyTheCurrentVersion() {
        if (!listsKeys()) {
            assertThatThrownBy(() -> cache.purgeOldVersions()).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("cannot list its keys");
            assertThatThrownBy(() -> cache.countOldVersions()).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        Cache v1 = cache;
        Cache v2 = cache.withVersion(2);
        Cache v12 = cache.withVersion(12);
        for (int i = 0; i < 5; i++) {
            v1.set("k" + i, i);
            v2.set("k" + i, i);
            v12.set("k" + i, i);
        }
        Cache neighbour = Cache.create(store, options().keyPrefix(prefix + "-other").build());
        neighbour.set("k0", 0);
        try {
            assertThat(v2.countOldVersions()).isEqualTo(10);
            assertThat(v1.contains("k0")).isTrue();
            assertThat(v2.purgeOldVersions()).isEqualTo(10);
            assertThat(v1.contains("k0")).isFalse();
            assertThat(v12.contains("k0")).isFalse();
            assertThat(v2.getMany(List.of("k0", "k1", "k2", "k3", "k4"), Integer.class)).hasSize(5);
            assertThat(neighbour.contains("k0")).isTrue();
        } finally {
            neighbour.clear();
        }
    }

    @Test
    void keysAreMadeAsPrefixVersionKey() {
        assertThat(cache.makeKey("k")).isEqualTo(prefix + ":1:k");
        assertThat(cache.withVersion(3).makeKey("k")).isEqualTo(prefix + ":3:k");
        Cache custom = Cache.create(store, options().keyFunction((p, v, k) -> p + ":v" + v + ":" + k.toLowerCase()).build());
        custom.set("MiXeD", "v");
        assertThat(custom.get("mixed", String.class)).isEqualTo("v");
        Cache broken = Cache.create(store, options().keyFunction((p, v, k) -> k).build());
        assertThatThrownBy(() -> broken.get("k", String.class)).isInstanceOf(IllegalStateException.class).hasMessageContaining("does not start with");
    }

    @Test
    void versionsAreSeparateNamespaces() {
        cache.set("k", "v1");
        Cache v2 = cache.withVersion(2);
        assertThat(v2.get("k", String.class)).isNull();
        v2.set("k", "v2");
        assertThat(cache.get("k", String.class)).isEqualTo("v1");
        assertThat(v2.get("k", String.class)).isEqualTo("v2");
    }

    @Test
    void incrVersionMovesTheValueAndKeepsItsTtl() {
        cache.set("k", "v", Ttl.ofMinutes(5));
        assertThat(cache.incrVersion("k")).isEqualTo(OptionalInt.of(2));
        assertThat(cache.contains("k")).isFalse();
        Cache v2 = cache.withVersion(2);
        assertThat(v2.get("k", String.class)).isEqualTo("v");
        assertThat(store.getEntry(v2.makeKey("k")).join().ttlMillis()).isBetween(200_000L, 300_000L);
        assertThat(v2.decrVersion("k")).isEqualTo(OptionalInt.of(1));
        assertThat(cache.get("k", String.class)).isEqualTo("v");
        assertThatThrownBy(() -> cache.incrVersion("absent")).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> cache.incrVersion("k", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- bad keys and values -------------------------------------------------------------------------

    @Test
    void badKeysFailAtTheCallAndNameTheProblem() {
        assertThatThrownBy(() -> cache.set("", "v")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> cache.get("line\nbreak", String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+000A").hasMessageContaining("line\\u000abreak");
        assertThatThrownBy(() -> cache.contains("del\u007f")).isInstanceOf(IllegalArgumentException.class);
        String tooLong = "k".repeat(CacheOptions.DEFAULT_MAX_KEY_BYTES);
        assertThatThrownBy(() -> cache.set(tooLong, "v")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxKeyBytes");
        assertThatThrownBy(() -> cache.set(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.set("a\uD800", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate U+D800");
        assertThatThrownBy(() -> cache.get("a\uDC00b", String.class)).isInstanceOf(IllegalArgumentException.class);
        CompletableFuture<String> async = cache.async().get("", String.class);
        assertThat(async).isCompletedExceptionally();
    }

    @Test
    void valuesUpToTheLimitAreStoredAndLargerOnesRefused() {
        Cache small = Cache.create(store, options().maxValueBytes(10_000).compressionThreshold(1_000_000).build());
        byte[] atLimit = new byte[10_000];
        Arrays.fill(atLimit, (byte) 7);
        assertThat(small.set("at", atLimit)).isTrue();
        assertThat(small.get("at", byte[].class)).isEqualTo(atLimit);
        assertThatThrownBy(() -> small.set("over", new byte[10_001]))
                .isInstanceOf(ValueTooLargeException.class).hasMessageContaining("'over'").hasMessageContaining("maxValueBytes");
        assertThat(small.contains("over")).isFalse();
        // A loaded value that is too large still reaches the caller; it is just not kept.
        assertThat(small.getOrCompute("loaded", byte[].class, () -> new byte[10_001])).hasSize(10_001);
        assertThat(small.contains("loaded")).isFalse();
        assertThat(small.getOrCompute("loaded", byte[].class, () -> new byte[3])).hasSize(3);
    }

    @Test
    void largeValuesAreCompressed() {
        String repetitive = "the same line again and again\n".repeat(2_000);
        cache.set("big", repetitive);
        assertThat(cache.get("big", String.class)).isEqualTo(repetitive);
        assertThat(store.get(cache.makeKey("big")).join().length).isLessThan(repetitive.length() / 10);
    }

    @Test
    void undecodableValuesAreCountedMissesAndRemoved() {
        String key = cache.makeKey("foreign");
        store.set(key, new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 't', 'x'}, Store.FOREVER).join();
        assertThat(cache.get("foreign", String.class)).isNull();
        assertThat(cache.stats().decodeFailures()).isEqualTo(1);
        // The removal does not hold up the read that found the value; it follows it.
        awaitMiss("foreign");

        cache.set("text", "not a number");
        assertThat(cache.get("text", Product.class)).isNull();
        assertThat(cache.stats().decodeFailures()).isEqualTo(2);
        awaitMiss("text");
    }

    @Test
    void anUndecodableValueIsRemovedOnlyIfNothingReplacedIt() {
        String key = cache.makeKey("k");
        byte[] foreign = {1, 2, 3};
        store.set(key, foreign, Store.FOREVER).join();
        assertThat(store.deleteIfSame(key, new byte[] {9}).join()).isFalse();
        assertThat(store.contains(key).join()).isTrue();
        assertThat(store.deleteIfSame(key, foreign).join()).isTrue();
        assertThat(store.contains(key).join()).isFalse();
        assertThat(store.deleteIfSame(key, foreign).join()).isFalse();
    }

    @Test
    void compareAndSetWritesOnlyOverWhatWasReadAndDeletesWithNull() {
        String key = cache.makeKey("k");
        byte[] one = "one".getBytes(StandardCharsets.US_ASCII);
        byte[] two = "two".getBytes(StandardCharsets.US_ASCII);
        byte[] three = "three".getBytes(StandardCharsets.US_ASCII);
        assertThat(store.getVersioned(key).join()).isNull();
        store.set(key, one, 60_000).join();
        Versioned first = store.getVersioned(key).join();
        assertThat(first.value()).isEqualTo(one);
        assertThat(first.ttlMillis()).isBetween(1L, 60_000L);

        store.set(key, two, 60_000).join();
        assertThat(store.compareAndSet(key, first.cas(), three, 60_000).join()).as("written since the read").isFalse();
        Versioned second = store.getVersioned(key).join();
        assertThat(store.compareAndSet(key, second.cas(), three, Store.FOREVER).join()).isTrue();
        assertThat(store.getEntry(key).join().value()).isEqualTo(three);
        assertThat(store.getEntry(key).join().ttlMillis()).isEqualTo(Store.FOREVER);

        Versioned third = store.getVersioned(key).join();
        assertThat(store.compareAndSet(key, third.cas(), null, Store.FOREVER).join()).isTrue();
        assertThat(store.contains(key).join()).isFalse();
        assertThat(store.compareAndSet(key, third.cas(), one, 60_000).join()).as("absent").isFalse();
        assertThat(store.contains(key).join()).isFalse();
    }

    // --- get-or-compute ------------------------------------------------------------------------------

    @Test
    void getOrComputeLoadsOnceThenHits() {
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(cache.getOrCompute("k", String.class, Ttl.ofMinutes(1), () -> "loaded-" + calls.incrementAndGet()))
                    .isEqualTo("loaded-1");
        }
        assertThat(calls).hasValue(1);
        assertThat(cache.stats().loads()).isEqualTo(1);
    }

    @Test
    void getOrComputeDoesNotCacheNullsOrFailures() {
        assertThat(cache.getOrCompute("k", String.class, () -> null)).isNull();
        assertThat(cache.contains("k")).isFalse();
        assertThatThrownBy(() -> cache.getOrCompute("k", String.class, () -> {
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("database down");
        assertThatThrownBy(() -> cache.getOrCompute("k", String.class, () -> {
            throw new IOException("checked");
        })).isInstanceOf(CacheLoaderException.class).hasCauseInstanceOf(IOException.class).hasMessageContaining("'k'");
        assertThat(cache.contains("k")).isFalse();
        assertThat(cache.stats().loadFailures()).isEqualTo(2);
    }

    @Test
    void concurrentGetOrComputeRunsTheLoaderOncePerKey() throws Exception {
        int threads = 50;
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> cache.getOrCompute("hot", String.class, Ttl.ofMinutes(1), () -> {
                    calls.incrementAndGet();
                    release.await();
                    return "value";
                })));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1 && cache.stats().misses() >= threads);
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("value");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls).hasValue(1);
    }

    // --- leases --------------------------------------------------------------------------------------

    private byte[] encoded(String value) {
        cache.set("encoding", value);
        byte[] bytes = store.get(cache.makeKey("encoding")).join();
        cache.delete("encoding");
        return bytes;
    }

    @Test
    void aLeaseIsGrantedOnceAndADeleteVoidsIt() {
        String key = cache.makeKey("k");
        LeasedRead first = store.getOrLease(key, 10_000).join();
        assertThat(first.granted()).isTrue();
        assertThat(store.getOrLease(key, 10_000).join().held()).isTrue();

        store.delete(key).join();
        assertThat(store.setIfLeased(key, encoded("stale"), 60_000, first.token(), null).join()).isFalse();
        assertThat(store.contains(key).join()).isFalse();

        LeasedRead second = store.getOrLease(key, 10_000).join();
        assertThat(second.granted()).isTrue();
        assertThat(store.setIfLeased(key, encoded("fresh"), 60_000, second.token(), null).join()).isTrue();
        assertThat(cache.get("k", String.class)).isEqualTo("fresh");
        assertThat(store.getOrLease(key, 10_000).join().value()).isNotNull();
    }

    @Test
    void aWritersSetWinsOverAnOlderLease() {
        String key = cache.makeKey("k");
        LeasedRead lease = store.getOrLease(key, 10_000).join();
        cache.set("k", "written through");
        assertThat(store.setIfLeased(key, encoded("loaded before the write"), 60_000, lease.token(), null).join()).isFalse();
        assertThat(cache.get("k", String.class)).isEqualTo("written through");
    }

    @Test
    void everyWriteVoidsALeaseAClearToo() {
        String key = cache.makeKey("k");
        LeasedRead beforeSet = store.getOrLease(key, 10_000).join();
        cache.set("k", "written", Ttl.ofMillis(100));
        passTime(Duration.ofMillis(150));
        awaitMiss("k");
        assertThat(store.setIfLeased(key, encoded("loaded before the write"), 60_000, beforeSet.token(), null).join()).isFalse();

        LeasedRead beforeClear = store.getOrLease(key, 10_000).join();
        assertThat(beforeClear.granted()).isTrue();
        cache.clear();
        assertThat(store.setIfLeased(key, encoded("loaded before the clear"), 60_000, beforeClear.token(), null).join()).isFalse();
        assertThat(cache.contains("k")).isFalse();
    }

    @Test
    void aKeyBeingLoadedIsAbsentToEveryRead() {
        String key = cache.makeKey("k");
        LeasedRead lease = store.getOrLease(key, 10_000).join();
        assertThat(lease.granted()).isTrue();
        assertThat(cache.get("k", String.class)).isNull();
        assertThat(cache.getMany(List.of("k"), String.class)).isEmpty();
        assertThat(cache.contains("k")).isFalse();
        assertThat(store.getEntry(key).join()).isNull();
        assertThat(store.getOrLease(key, 10_000).join().held()).as("the lease outlives the reads").isTrue();
    }

    @Test
    void aRefreshLeaseStoresOnlyOverWhatItsHolderSaw() {
        cache.set("k", "stale");
        String key = cache.makeKey("k");
        byte[] seen = store.get(key).join();

        LeasedRead untouched = store.lease(key, 10_000).join();
        assertThat(untouched.granted()).isTrue();
        assertThat(store.lease(key, 10_000).join().held()).isTrue();
        assertThat(cache.get("k", String.class)).as("the value stays readable while it refreshes").isEqualTo("stale");
        assertThat(store.setIfLeased(key, encoded("refreshed"), 60_000, untouched.token(), seen).join()).isTrue();
        assertThat(cache.get("k", String.class)).isEqualTo("refreshed");

        seen = store.get(key).join();
        LeasedRead overwritten = store.lease(key, 10_000).join();
        cache.set("k", "written");
        assertThat(store.setIfLeased(key, encoded("loaded before the write"), 60_000, overwritten.token(), seen).join()).isFalse();
        assertThat(cache.get("k", String.class)).isEqualTo("written");

        seen = store.get(key).join();
        LeasedRead deleted = store.lease(key, 10_000).join();
        assertThat(deleted.granted()).as("the refused store ended the last lease").isTrue();
        cache.delete("k");
        assertThat(store.setIfLeased(key, encoded("loaded before the delete"), 60_000, deleted.token(), seen).join()).isFalse();
        assertThat(cache.contains("k")).isFalse();
    }

    @Test
    void aLoaderThatFindsNothingOrFailsLetsTheNextCallerLoadAtOnce() {
        assertThat(cache.getOrCompute("absent", String.class, () -> null)).isNull();
        assertThat(store.getOrLease(cache.makeKey("absent"), 10_000).join().granted()).isTrue();

        assertThatThrownBy(() -> cache.getOrCompute("failing", String.class, () -> {
            throw new IllegalStateException("database down");
        })).hasMessage("database down");
        assertThat(store.getOrLease(cache.makeKey("failing"), 10_000).join().granted()).isTrue();
    }

    @Test
    void aStoredLoadCountsAsASet() {
        cache.getOrCompute("k", String.class, () -> "loaded");
        assertThat(cache.stats().sets()).isEqualTo(1);
        assertThatThrownBy(() -> cache.getOrCompute("k", String.class, (Ttl) null, () -> "x")).isInstanceOf(NullPointerException.class);
        assertThat(cache.getOrCompute("k2", String.class, Ttl.ofMinutes(1), () -> "fine")).isEqualTo("fine");
    }

    @Test
    void getOrComputeTakesTheValueOfTheLeaseHolderOnAnotherInstance() throws Exception {
        String key = cache.makeKey("k");
        LeasedRead elsewhere = store.getOrLease(key, 10_000).join();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(
                () -> cache.getOrCompute("k", String.class, () -> "mine-" + calls.incrementAndGet()));
        assertThat(store.setIfLeased(key, encoded("theirs"), 60_000, elsewhere.token(), null).join()).isTrue();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("theirs");
        assertThat(calls).hasValue(0);
    }

    @Test
    void loadTimeAndLeaseWaitsAreCounted() {
        FakeTicker ticker = new FakeTicker();
        Cache timed = Cache.create(store, options().resilience(ResilienceOptions.builder().ticker(ticker).build())
                .leaseWait(Duration.ofMillis(30)).build());
        timed.getOrCompute("k", String.class, () -> {
            ticker.advance(Duration.ofMillis(250));
            return "loaded";
        });
        assertThat(timed.stats().loadNanos()).isEqualTo(Duration.ofMillis(250).toNanos());
        store.getOrLease(timed.makeKey("held"), 10_000).join();
        timed.getOrCompute("held", String.class, () -> "mine");
        assertThat(timed.stats().leaseWaits()).isEqualTo(1);
    }

    @Test
    void getOrComputeLoadsWithoutStoringWhenTheHolderNeverDelivers() {
        Cache impatient = Cache.create(store, options().leaseWait(Duration.ofMillis(30)).build());
        LeasedRead elsewhere = store.getOrLease(impatient.makeKey("k"), 10_000).join();
        assertThat(elsewhere.granted()).isTrue();
        assertThat(impatient.getOrCompute("k", String.class, () -> "loaded")).isEqualTo("loaded");
        assertThat(impatient.contains("k")).isFalse();
        assertThat(impatient.stats().loads()).isEqualTo(1);
    }

    @Test
    void asyncFormsMatchTheSyncOnes() {
        AsyncCache async = cache.async();
        assertThat(async.set("k", "v", Ttl.ofMinutes(1)).join()).isTrue();
        assertThat(async.get("k", String.class).join()).isEqualTo("v");
        assertThat(async.contains("k").join()).isTrue();
        assertThat(async.getOrCompute("loaded", TypeRef.of(String.class), Ttl.ofMinutes(1),
                () -> CompletableFuture.completedFuture("computed")).join()).isEqualTo("computed");
        assertThat(cache.get("loaded", String.class)).isEqualTo("computed");
        assertThat(async.delete("k").join()).isTrue();
        assertThat(async.sync().contains("k")).isFalse();
    }

    // --- tags ----------------------------------------------------------------------------------------

    /** A tag of this test's own: tags belong to the whole backend. It is invalidated (removed) after the test. */
    protected String tag(String name) {
        String tag = prefix + "-" + name;
        tagsUsed.add(tag);
        return tag;
    }

    @Test
    void invalidatingATagMakesEveryValueWithItAMiss() {
        String category = tag("category-7");
        String product = tag("product-42");
        assertThat(cache.set("p42", "phone", Ttl.ofMinutes(5), List.of(category, product))).isTrue();
        assertThat(cache.set("p43", "case", Ttl.ofMinutes(5), List.of(category))).isTrue();
        assertThat(cache.set("other", "kept", Ttl.ofMinutes(5), List.of(tag("category-8")))).isTrue();
        assertThat(cache.get("p42", String.class)).isEqualTo("phone");

        assertThat(cache.invalidateTags(category)).isTrue();

        assertThat(cache.get("p42", String.class)).isNull();
        assertThat(cache.get("p43", String.class)).isNull();
        assertThat(cache.contains("p43")).isFalse();
        assertThat(cache.getMany(List.of("p42", "p43", "other"), String.class)).containsOnlyKeys("other");
        // The tag lives on with a new version: values written now carry it and stay.
        assertThat(cache.set("p43", "new case", Ttl.ofMinutes(5), List.of(category))).isTrue();
        assertThat(cache.get("p43", String.class)).isEqualTo("new case");
        assertThat(cache.invalidateTags(tag("never-used"))).isTrue();
        assertThat(cache.get("p43", String.class)).isEqualTo("new case");
    }

    @Test
    void getOrComputeStampsTagsAndReloadsAfterAnInvalidation() {
        String category = tag("category");
        AtomicInteger loads = new AtomicInteger();
        ComputeOptions tagged = ComputeOptions.builder().ttl(Ttl.ofMinutes(5)).tags(category).build();
        assertThat(cache.getOrCompute("page", String.class, tagged, () -> "page-" + loads.incrementAndGet())).isEqualTo("page-1");
        assertThat(cache.getOrCompute("page", String.class, tagged, () -> "page-" + loads.incrementAndGet())).isEqualTo("page-1");
        cache.invalidateTags(category);
        assertThat(cache.getOrCompute("page", String.class, tagged, () -> "page-" + loads.incrementAndGet())).isEqualTo("page-2");
        assertThat(cache.get("page", String.class)).isEqualTo("page-2");
    }

    @Test
    void aTagInvalidatedWhileTheLoaderRunsLeavesNoStaleValue() {
        String row = tag("row");
        ComputeOptions tagged = ComputeOptions.builder().tags(row).build();
        String loaded = cache.getOrCompute("k", String.class, tagged, () -> {
            // A writer commits and invalidates the tag after this loader read the old row.
            cache.invalidateTags(row);
            return "old row";
        });
        assertThat(loaded).isEqualTo("old row");
        assertThat(cache.get("k", String.class)).isNull();
    }

    @Test
    void tagsOfTheLoadedValueDropItToo() {
        String category = tag("category");
        String first = tag("product-1");
        String second = tag("product-2");
        AtomicInteger loads = new AtomicInteger();
        ComputeOptions page = ComputeOptions.builder().ttl(Ttl.ofMinutes(5)).tags(category)
                .valueTags(List.class, shown -> ((List<?>) shown).stream().map(Object::toString)
                        .filter(item -> !item.startsWith("load-")).toList()).build();
        TypeRef<List<String>> type = new TypeRef<>() {};
        assertThat(cache.getOrCompute("page", type, page, () -> List.of(first, second, "load-" + loads.incrementAndGet())))
                .endsWith("load-1");
        assertThat(cache.getOrCompute("page", type, page, () -> List.of(first, "load-" + loads.incrementAndGet()))).endsWith("load-1");
        cache.invalidateTags(second);
        assertThat(cache.get("page", type)).as("dropped with one of the products it shows").isNull();
        assertThat(cache.getOrCompute("page", type, page, () -> List.of(first, "load-" + loads.incrementAndGet()))).endsWith("load-2");
        cache.invalidateTags(second);
        assertThat(cache.get("page", type)).as("no longer shows that product").isNotNull();
        cache.invalidateTags(category);
        assertThat(cache.get("page", type)).isNull();
    }

    @Test
    void aBadTagOfTheLoadedValueIsRefusedAndNothingIsStored() {
        ComputeOptions bad = ComputeOptions.builder().valueTags(String.class, value -> List.of("bad\ntag")).build();
        assertThatThrownBy(() -> cache.getOrCompute("k", String.class, bad, () -> "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag 'bad?tag' holds a control character");
        assertThat(cache.contains("k")).isFalse();
        assertThat(cache.getOrCompute("k", String.class, Ttl.DEFAULT, () -> "after")).isEqualTo("after");
        assertThat(cache.get("k", String.class)).as("stored: the failed call left no lease behind").isEqualTo("after");
    }

    @Test
    void tagsAreSharedByEveryCacheOnTheBackend() {
        String shared = tag("shared");
        Cache other = Cache.create(store, options().keyPrefix(prefix + "-other").build());
        other.set("k", "theirs", Ttl.ofMinutes(5), List.of(shared));
        cache.set("k", "mine", Ttl.ofMinutes(5), List.of(shared));
        cache.invalidateTags(shared);
        assertThat(cache.get("k", String.class)).isNull();
        assertThat(other.get("k", String.class)).isNull();
        other.clear();
    }

    @Test
    void badTagsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> cache.set("k", "v", Ttl.DEFAULT, List.of("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag must not be empty");
        assertThatThrownBy(() -> cache.invalidateTags("bad\ntag"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag 'bad?tag' holds a control character");
        assertThatThrownBy(() -> ComputeOptions.builder().tags("x".repeat(300)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over 256 bytes");
        assertThat(cache.contains("k")).isFalse();
    }

    @Test
    void aTaggedIntegerIsStillAnInteger() {
        cache.set("n", 41L, Ttl.ofMinutes(5), List.of(tag("n")));
        assertThat(cache.get("n", Long.class)).isEqualTo(41L);
    }

    // --- stale on purpose and early refresh ---------------------------------------------------------

    private final FakeClock clock = new FakeClock();

    private Cache staleCache(Duration whileRevalidate, Duration ifError) {
        return Cache.create(store, options().clock(clock).staleWhileRevalidate(whileRevalidate).staleIfError(ifError).build());
    }

    @Test
    void aValuePastItsTtlIsGoneForPlainReads() {
        Cache stale = staleCache(Duration.ofMinutes(1), Duration.ZERO);
        stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "v1");
        assertThat(stale.get("k", String.class)).isEqualTo("v1");
        clock.advance(Duration.ofSeconds(11));
        assertThat(stale.get("k", String.class)).isNull();
        assertThat(stale.contains("k")).isFalse();
        assertThat(stale.getMany(List.of("k"), String.class)).isEmpty();
    }

    @Test
    void staleWhileRevalidateServesTheOldValueWhileOneCallerRefreshes() throws Exception {
        Cache stale = staleCache(Duration.ofMinutes(1), Duration.ZERO);
        stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "v1");
        clock.advance(Duration.ofSeconds(11));

        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> refresher = pool.submit(() -> stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> {
                refreshing.countDown();
                release.await();
                return "v2";
            }));
            assertThat(refreshing.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicInteger others = new AtomicInteger();
            assertThat(stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "other-" + others.incrementAndGet())).isEqualTo("v1");
            Cache elsewhere = staleCache(Duration.ofMinutes(1), Duration.ZERO);
            assertThat(elsewhere.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "other-" + others.incrementAndGet())).isEqualTo("v1");
            assertThat(others).hasValue(0);
            release.countDown();
            assertThat(refresher.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(stale.get("k", String.class)).isEqualTo("v2");
        assertThat(stale.stats().staleHits()).isEqualTo(1);
    }

    @Test
    void pastTheStaleWindowACallerLoadsAsOnAMiss() {
        Cache stale = staleCache(Duration.ofSeconds(30), Duration.ZERO);
        stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "v1");
        clock.advance(Duration.ofSeconds(41));
        assertThat(stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "v2")).isEqualTo("v2");
        assertThat(stale.stats().staleHits()).isZero();
    }

    @Test
    void staleIfErrorServesTheOldValueWhileTheLoaderFailsWithinTheWindow() {
        Cache stale = staleCache(Duration.ZERO, Duration.ofMinutes(1));
        stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "v1");
        clock.advance(Duration.ofSeconds(11));
        Callable<String> failing = () -> {
            throw new IllegalStateException("database down");
        };
        assertThat(stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), failing)).isEqualTo("v1");
        assertThat(stale.stats().staleHits()).isEqualTo(1);
        assertThat(stale.stats().loadFailures()).isEqualTo(1);
        // The loader works again: the value is refreshed.
        assertThat(stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), () -> "v2")).isEqualTo("v2");
        clock.advance(Duration.ofSeconds(75));
        long misses = stale.stats().misses();
        assertThatThrownBy(() -> stale.getOrCompute("k", String.class, Ttl.ofSeconds(10), failing))
                .isInstanceOf(IllegalStateException.class).hasMessage("database down");
        assertThat(stale.stats().misses()).as("a read that served nothing is a miss").isEqualTo(misses + 1);
        assertThat(stale.stats().staleHits()).isEqualTo(1);
    }

    @Test
    void aStaleTaggedValueIsRefreshedAndStoredOverTheStaleOne() {
        Cache stale = staleCache(Duration.ofMinutes(1), Duration.ZERO);
        ComputeOptions tagged = ComputeOptions.builder().ttl(Ttl.ofSeconds(10)).tags(tag("row")).build();
        AtomicInteger loads = new AtomicInteger();
        Callable<String> loader = () -> "v" + loads.incrementAndGet();
        assertThat(stale.getOrCompute("k", String.class, tagged, loader)).isEqualTo("v1");
        // Read again, so a tiered store's first tier holds its own stamped copy.
        assertThat(stale.getOrCompute("k", String.class, tagged, loader)).isEqualTo("v1");
        assertThat(stale.getOrCompute("k", String.class, tagged, loader)).isEqualTo("v1");
        clock.advance(Duration.ofSeconds(11));
        assertThat(stale.getOrCompute("k", String.class, tagged, loader)).isEqualTo("v2");
        assertThat(stale.getOrCompute("k", String.class, tagged, loader)).as("the refresh was stored").isEqualTo("v2");
        assertThat(loads).hasValue(2);
        assertThat(stale.stats().hits() + stale.stats().misses() + stale.stats().staleHits()).as("one count per read").isEqualTo(5);
    }

    @Test
    void perCallWindowsOverrideTheCaches() {
        Cache stale = staleCache(Duration.ZERO, Duration.ZERO);
        ComputeOptions forgiving = ComputeOptions.builder().ttl(Ttl.ofSeconds(10)).staleIfError(Duration.ofMinutes(1)).build();
        stale.getOrCompute("k", String.class, forgiving, () -> "v1");
        clock.advance(Duration.ofSeconds(11));
        assertThat(stale.getOrCompute("k", String.class, forgiving, () -> {
            throw new IllegalStateException("down");
        })).isEqualTo("v1");
    }

    @Test
    void earlyRefreshReloadsAValueBeforeItExpires() {
        FakeTicker ticker = new FakeTicker();
        Cache early = Cache.create(store, options().clock(clock)
                .resilience(ResilienceOptions.builder().ticker(ticker).build()).earlyRefresh(1e12).build());
        AtomicInteger loads = new AtomicInteger();
        Callable<String> slowLoader = () -> {
            ticker.advance(Duration.ofSeconds(2));
            return "v" + loads.incrementAndGet();
        };
        assertThat(early.getOrCompute("k", String.class, Ttl.ofMinutes(5), slowLoader)).isEqualTo("v1");
        // Fresh for minutes yet, but a load of 2 s and a huge beta make the refresh all but certain.
        assertThat(early.getOrCompute("k", String.class, Ttl.ofMinutes(5), slowLoader)).isEqualTo("v2");

        Cache never = Cache.create(store, options().clock(clock).keyPrefix(prefix + "-never").build());
        never.getOrCompute("k", String.class, Ttl.ofMinutes(5), slowLoader);
        assertThat(never.getOrCompute("k", String.class, Ttl.ofMinutes(5), slowLoader)).isEqualTo("v3");
        never.clear();
    }

    @Test
    void badStaleSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> options().staleWhileRevalidate(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staleWhileRevalidate must not be negative");
        assertThatThrownBy(() -> ComputeOptions.builder().earlyRefresh(Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("earlyRefresh");
    }
}
