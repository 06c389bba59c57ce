package dev.cachet.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.store.Store;
import java.net.URI;
import java.util.Date;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.processor.MutableEntry;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachetCachingProviderTest {
    private CachingProvider provider;
    private CacheManager manager;

    @BeforeEach
    void openManager() {
        provider = Caching.getCachingProvider(CachetCachingProvider.class.getName());
        manager = provider.getCacheManager(URI.create("cachet:provider-test"), null, new Properties());
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void theProviderIsFoundThroughServiceLoaderAndItsDefaultManagerIsLocal() {
        assertThat(Caching.getCachingProvider()).isInstanceOf(CachetCachingProvider.class);
        assertThat(provider.getDefaultURI()).isEqualTo(URI.create("cachet:default"));
        assertThat(manager.unwrap(CachetCacheManager.class).settings().store()).isEqualTo(Settings.StoreType.LOCAL);
    }

    @Test
    void valuesAreStoredByValue() {
        Cache<String, Date> cache = manager.createCache("dates", new MutableConfiguration<String, Date>().setTypes(String.class, Date.class));
        Date date = new Date(1_000);
        cache.put("a", date);
        date.setTime(2_000);

        Date read = cache.get("a");
        assertThat(read).isEqualTo(new Date(1_000));
        read.setTime(3_000);
        assertThat(cache.get("a")).isEqualTo(new Date(1_000));
    }

    @Test
    void aCacheUnwrapsToTheCachetCacheOverTheSameEntries() {
        Cache<Long, String> cache = manager.createCache("unwrap", new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
        cache.put(7L, "seven");

        dev.cachet.Cache cachet = cache.unwrap(dev.cachet.Cache.class);
        String key = "{\"value\":[\"java.lang.Long\",7]}";
        assertThat(cachet.get(key, String.class)).isEqualTo("seven");
        assertThat(cachet.makeKey(key)).isEqualTo("jcache:unwrap:1:" + key);
        assertThat(cache.unwrap(Store.class)).isNotNull();
        assertThatThrownBy(() -> cache.unwrap(StringBuilder.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.StringBuilder");
    }

    @Test
    void anEntryProcessorChangesTheEntryAtomically() throws InterruptedException {
        Cache<String, Integer> cache = manager.createCache("counter", new MutableConfiguration<String, Integer>());
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 250; i++) {
                    cache.invoke("hits", CachetCachingProviderTest::increment);
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(cache.get("hits")).isEqualTo(1_000);
    }

    @Test
    void aZeroCreationDurationStoresNothing() {
        Cache<String, String> cache = manager.createCache("expiry", new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ZERO)));
        cache.put("a", "b");
        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void aValueOfAClassOffTheAllowListIsRefused() {
        Cache<String, Object> cache = manager.createCache("strangers", new MutableConfiguration<>());
        assertThatThrownBy(() -> cache.put("a", new Stranger("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Stranger.class.getName()).hasMessageContaining("cachet.jcache.allowed-types");
        assertThat(cache.containsKey("a")).isFalse();
    }

    private static Integer increment(MutableEntry<String, Integer> entry, Object... arguments) {
        entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
        return null;
    }

    /** A class whose package is not allowed. */
    static final class Stranger {
        private String name;

        Stranger(String name) {
            this.name = name;
        }
    }
}
