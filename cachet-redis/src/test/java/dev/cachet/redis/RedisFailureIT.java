package dev.cachet.redis;

import dev.cachet.OutageContract;
import dev.cachet.store.Store;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;

/** {@link OutageContract} on Redis: the one on 6379, behind a proxy that is cut or frozen. */
class RedisFailureIT extends OutageContract {
    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    private static String url(String host, int port) {
        return "redis://" + host + ":" + port;
    }

    @Override
    protected Store newStore(String host, int port) {
        return RedisStore.create(RedisStoreOptions.builder().url(url(host, port)).build());
    }

    @Override
    protected Store newStoreAllowing100InFlight(String host, int port) {
        return RedisStore.create(RedisStoreOptions.builder().url(url(host, port))
                .requestQueueSize(100).commandTimeout(Duration.ofSeconds(5)).build());
    }

    @Override
    protected InetSocketAddress sharedServer() {
        return new InetSocketAddress(LocalRedis.HOST, LocalRedis.PORT);
    }

    @Override
    protected Duration commandTimeout() {
        return RedisStoreOptions.DEFAULT_COMMAND_TIMEOUT;
    }

    @Override
    protected String timeoutCause() {
        return "RedisCommandTimeoutException";
    }
}
