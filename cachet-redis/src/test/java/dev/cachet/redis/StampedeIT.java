package dev.cachet.redis;

import dev.cachet.StampedeContract;
import dev.cachet.store.Store;
import org.junit.jupiter.api.BeforeAll;

/** {@link StampedeContract} on the Redis on 6379. */
class StampedeIT extends StampedeContract {
    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Override
    protected Store newStore() {
        return RedisStore.create(LocalRedis.options().build());
    }
}
