package dev.cachet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachet.local.LocalStore;
import dev.cachet.local.LocalStoreOptions;
import dev.cachet.store.Store;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LocalCacheTest extends CacheContract {
    private final FakeTicker ticker = new FakeTicker();

    @Override
    protected Store newStore() {
        return LocalStore.create(LocalStoreOptions.builder().maximumEntries(100_000).ticker(ticker).build());
    }

    @Override
    protected void passTime(Duration duration) {
        ticker.advance(duration);
    }

    @Test
    void entriesExpireExactlyOnTheInjectedClock() {
        cache.set("k", "v", Ttl.ofMillis(1_000));
        ticker.advance(Duration.ofMillis(999));
        assertThat(cache.contains("k")).isTrue();
        ticker.advance(Duration.ofMillis(1));
        assertThat(cache.contains("k")).isFalse();
    }

    @Test
    void sharedDecodedValuesAreDecodedOncePerStoredValue() {
        try (Store store = newStore()) {
            Cache shared = Cache.create(store, CacheOptions.builder().shareDecodedValues(true).build());
            Product lamp = new Product(1, "lamp", new BigDecimal("9.50"), List.of("light"));
            shared.set("p", lamp);
            Product first = shared.get("p", Product.class);
            assertThat(first).isEqualTo(lamp);
            assertThat(shared.get("p", Product.class)).isSameAs(first);
            assertThat(shared.async().get("p", Product.class).join()).as("asynchronously too").isSameAs(first);
            assertThat(shared.get("p", new TypeRef<Map<String, Object>>() {})).as("decoded anew as another type")
                    .containsEntry("name", "lamp");

            shared.set("p", new Product(1, "desk", new BigDecimal("99.00"), List.of()));
            assertThat(shared.get("p", Product.class).name()).as("a new stored value is decoded").isEqualTo("desk");
            Product desk = shared.get("p", Product.class);
            shared.touch("p", Ttl.ofMinutes(5));
            assertThat(shared.get("p", Product.class)).as("a touch keeps the value").isSameAs(desk);

            ComputeOptions tagged = ComputeOptions.builder().tags("furniture").build();
            shared.getOrCompute("q", Product.class, tagged, () -> lamp);
            Product read = shared.getOrCompute("q", Product.class, tagged, () -> null);
            assertThat(shared.getOrCompute("q", Product.class, tagged, () -> null)).as("an enveloped value").isSameAs(read);
            shared.invalidateTags("furniture");
            assertThat(shared.getOrCompute("q", Product.class, tagged, () -> new Product(2, "chair", BigDecimal.ONE, List.of())).name())
                    .isEqualTo("chair");

            Cache own = Cache.create(store);
            own.set("o", lamp);
            assertThat(own.get("o", Product.class)).as("a record with a list in it is decoded for each read")
                    .isEqualTo(lamp).isNotSameAs(own.get("o", Product.class));
        }
    }

    /** A record that nobody can change: every component is a value type. */
    record Price(String sku, BigDecimal amount, java.time.Instant since, Currency currency) {}

    enum Currency { EUR, USD }

    @Test
    void valuesOfTypesNobodyCanChangeAreSharedWithoutAskingAndOthersNever() {
        try (Store store = newStore()) {
            Cache cache = Cache.create(store);
            cache.set("price", new Price("lamp", new BigDecimal("9.50"), java.time.Instant.EPOCH, Currency.EUR));
            cache.set("name", "lamp ".repeat(100));
            cache.set("tags", List.of("light"));
            cache.set("bytes", new byte[] {1, 2, 3});
            assertThat(cache.get("price", Price.class)).isSameAs(cache.get("price", Price.class));
            assertThat(cache.get("name", String.class)).isSameAs(cache.get("name", String.class));
            assertThat(cache.get("tags", new TypeRef<List<String>>() {})).isNotSameAs(cache.get("tags", new TypeRef<List<String>>() {}));
            byte[] mine = cache.get("bytes", byte[].class);
            mine[0] = 9;
            assertThat(cache.get("bytes", byte[].class)).as("a changed array is the caller's own").containsExactly(1, 2, 3);
        }
    }

    @Test
    void theStoreIsBoundedByEntries() {
        try (Store small = LocalStore.create(LocalStoreOptions.builder().maximumEntries(100).build())) {
            Cache bounded = Cache.create(small);
            IntStream.range(0, 1_000).forEach(i -> bounded.set("k" + i, i));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    IntStream.range(0, 1_000).filter(i -> bounded.contains("k" + i)).count() <= 100);
        }
    }

    @Test
    void theStoreIsBoundedByBytes() {
        try (Store small = LocalStore.create(LocalStoreOptions.builder().maximumBytes(64 * 1024).build())) {
            Cache bounded = Cache.create(small);
            IntStream.range(0, 100).forEach(i -> bounded.set("k" + i, new byte[4 * 1024]));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    IntStream.range(0, 100).filter(i -> bounded.contains("k" + i)).count() <= 16);
        }
    }

    @Test
    void aStoreHasExactlyOneBound() {
        assertThatThrownBy(() -> LocalStoreOptions.builder().maximumEntries(10).maximumBytes(10))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one bound");
        assertThatThrownBy(() -> LocalStoreOptions.builder().maximumEntries(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumEntries");
    }
}
