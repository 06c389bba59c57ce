package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.store.Store;
import org.junit.jupiter.api.Test;

/** A store given a Sentinel URL finds the master through the Sentinel the test starts itself. */
class SentinelIT {
    @Test
    void aSentinelUrlReachesTheMaster() throws Exception {
        try (RedisServers servers = new RedisServers()) {
            int master = servers.start();
            int sentinel = servers.startSentinel("cachet-master", master);
            try (Store store = RedisStore.create("redis-sentinel://127.0.0.1:" + sentinel + "#cachet-master")) {
                Cache cache = Cache.create(store, CacheOptions.builder().keyPrefix("sentinel").build());
                assertThat(store.name()).isEqualTo("redis-sentinel://127.0.0.1:" + sentinel + "#cachet-master");
                assertThat(cache.set("k", "through sentinel")).isTrue();
                assertThat(cache.get("k", String.class)).isEqualTo("through sentinel");
                assertThat(RedisServers.cli("-p", String.valueOf(master), "get", cache.makeKey("k"))).contains("through sentinel");
            }
        }
    }
}
