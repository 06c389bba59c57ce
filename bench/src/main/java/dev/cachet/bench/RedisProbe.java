package dev.cachet.bench;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;

/**
 * Checks that Redis answers before anything is measured: Cachet's store fails soft, so against a dead Redis
 * it would "measure" fast misses and report nonsense instead of failing.
 */
final class RedisProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private RedisProbe() {
    }

    /**
     * PINGs Redis at {@code url} and returns its version.
     *
     * @throws io.lettuce.core.RedisException if Redis cannot be reached or does not answer in time
     */
    static String version(String url) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                .build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
            return connection.sync().info("server").lines()
                    .filter(line -> line.startsWith("redis_version:"))
                    .map(line -> line.substring("redis_version:".length()).strip())
                    .findFirst()
                    .orElse("unknown");
        } finally {
            client.shutdown();
        }
    }
}
