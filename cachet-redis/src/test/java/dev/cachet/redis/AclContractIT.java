package dev.cachet.redis;

import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.CacheContract;
import dev.cachet.local.LocalStore;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole contract suite as a Redis ACL user that may touch only the cache's keys, leases and tag versions,
 * with only the commands the store uses: the rule the README gives, on a redis-server the test starts.
 */
class AclContractIT extends CacheContract {
    /** The ACL rule of the README, with the contract's key prefix for the cache's. */
    static final String RULE = "on >cache-secret resetkeys ~contract-* ~cachet-lease:* ~cachet-tag:* resetchannels -@all"
            + " +get +getrange +set +mget +unlink +exists +type +pttl +pexpire +persist +incrby +scan +evalsha +eval +script|load +ping"
            + " +info +client|setname +client|tracking";

    private static RedisServers servers;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        servers = new RedisServers();
        List<String> args = new ArrayList<>(List.of("--user", "default", "off", "--user", "cache"));
        args.addAll(List.of(RULE.split(" ")));
        port = servers.start(args.toArray(String[]::new));
    }

    @AfterAll
    static void stopServer() throws Exception {
        servers.close();
    }

    private static RedisStoreOptions asTheCacheUser() {
        return RedisStoreOptions.builder().url("redis://cache:cache-secret@127.0.0.1:" + port).build();
    }

    @Override
    protected Store newStore() {
        return RedisStore.create(asTheCacheUser());
    }

    @Override
    protected void passTime(Duration duration) {
        // Redis keeps real time; the contract waits for the expiry to be observed.
    }

    /** The tiered store's invalidations come by client tracking, which the rule allows the same user. */
    @Test
    void theTieredStoresTrackingConnectionIsLiveAsTheCacheUser() {
        RedisStoreOptions redis = asTheCacheUser();
        try (TieredStore tiered = TieredStore.create(LocalStore.create(), RedisStore.create(redis),
                RedisInvalidations.create(redis, prefix + "-tiered:"), TieredOptions.DEFAULTS)) {
            Cache cache = Cache.create(tiered, options().keyPrefix(prefix + "-tiered").build());
            cache.set("k", "v");
            // The first tier answers only while tracking reports every change: a hit there proves it is live.
            await().atMost(Duration.ofSeconds(5)).until(() -> "v".equals(cache.get("k", String.class)) && tiered.firstTierHits() > 0);
        }
    }
}
