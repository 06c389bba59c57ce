package dev.cachet.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.jcache.Settings.StoreType;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void theDefaultUriIsTheLocalStore() {
        Settings settings = Settings.of(URI.create("cachet:default"), new Properties());
        assertThat(settings.store()).isEqualTo(StoreType.LOCAL);
        assertThat(settings.keyPrefix()).isEqualTo(Settings.DEFAULT_KEY_PREFIX);
    }

    @Test
    void aRedisUriIsTheRedisStoreAtThatUrlUnlessTieredIsAskedFor() {
        Settings redis = Settings.of(URI.create("redis://cache.internal:6380/2"), new Properties());
        assertThat(redis.store()).isEqualTo(StoreType.REDIS);
        assertThat(redis.redisUrl()).isEqualTo("redis://cache.internal:6380/2");

        Settings tiered = Settings.of(URI.create("redis://cache.internal:6380/2"), properties(Settings.STORE, "Tiered"));
        assertThat(tiered.store()).isEqualTo(StoreType.TIERED);
        assertThat(tiered.redisUrl()).isEqualTo("redis://cache.internal:6380/2");
    }

    @Test
    void allowedTypesAreACommaSeparatedList() {
        Settings settings = Settings.of(URI.create("cachet:default"), properties(Settings.ALLOWED_TYPES, " com.acme. ,org.example.Dto,"));
        assertThat(settings.allowedTypes()).isEqualTo(List.of("com.acme.", "org.example.Dto"));
    }

    @Test
    void aBadValueFailsNamingTheProperty() {
        URI uri = URI.create("cachet:default");
        assertThatThrownBy(() -> Settings.of(uri, properties(Settings.STORE, "memcached")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cachet.jcache.store").hasMessageContaining("memcached");
        assertThatThrownBy(() -> Settings.of(uri, properties(Settings.LOCAL_MAXIMUM_ENTRIES, "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cachet.jcache.local.maximum-entries");
        assertThatThrownBy(() -> Settings.of(uri, properties(Settings.KEY_PREFIX, " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cachet.jcache.key-prefix");
    }

    private static Properties properties(String name, String value) {
        Properties properties = new Properties();
        properties.setProperty(name, value);
        return properties;
    }
}
