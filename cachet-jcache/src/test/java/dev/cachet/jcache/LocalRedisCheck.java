package dev.cachet.jcache;

import dev.cachet.redis.LocalRedis;
import org.junit.jupiter.api.Test;

/** Runs with the TCK on the Redis and tiered stores, so that a missing Redis fails saying so. */
class LocalRedisCheck {
    @Test
    void redisAnswers() {
        LocalRedis.require();
    }
}
