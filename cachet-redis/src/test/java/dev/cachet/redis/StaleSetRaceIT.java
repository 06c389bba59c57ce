package dev.cachet.redis;

import dev.cachet.StaleSetRaceContract;
import dev.cachet.store.Store;
import org.junit.jupiter.api.BeforeAll;

/** {@link StaleSetRaceContract} on the Redis on 6379. */
class StaleSetRaceIT extends StaleSetRaceContract {
    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Override
    protected Store newStore() {
        return RedisStore.create(LocalRedis.options().build());
    }
}
