package dev.cachet.redis;

import dev.cachet.CacheContract;
import dev.cachet.local.LocalStore;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite against the tiered store: the in-process tier in front of the real Redis. */
class TieredContractIT extends CacheContract {
    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Override
    protected Store newStore() {
        RedisStoreOptions redis = LocalRedis.options().build();
        return TieredStore.create(LocalStore.create(), RedisStore.create(redis),
                RedisInvalidations.create(redis, prefix + ":"), TieredOptions.DEFAULTS);
    }

    @Override
    protected void passTime(Duration duration) {
        // Both tiers keep real time here; the contract waits for the expiry to be observed.
    }
}
