package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.Cache;
import dev.cachet.OutageContract;
import dev.cachet.store.Store;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link OutageContract} on memcached (behind a proxy in front of the one on 11211), and a memcached process of
 * the test's own that is killed and started again.
 */
class MemcachedFailureIT extends OutageContract {
    @BeforeAll
    static void memcachedIsUp() {
        LocalMemcached.require();
    }

    private static String url(String host, int port) {
        return "memcached://" + host + ":" + port;
    }

    @Override
    protected Store newStore(String host, int port) {
        return MemcachedStore.create(MemcachedStoreOptions.builder().url(url(host, port)).build());
    }

    @Override
    protected Store newStoreAllowing100InFlight(String host, int port) {
        return MemcachedStore.create(MemcachedStoreOptions.builder().url(url(host, port))
                .requestQueueSize(100).commandTimeout(Duration.ofSeconds(5)).build());
    }

    @Override
    protected InetSocketAddress sharedServer() {
        return new InetSocketAddress(LocalMemcached.HOST, LocalMemcached.PORT);
    }

    @Override
    protected Duration commandTimeout() {
        return MemcachedStoreOptions.DEFAULT_COMMAND_TIMEOUT;
    }

    @Override
    protected String timeoutCause() {
        return "Timeout";
    }

    @Test
    void aServerThatIsKilledAndStartedAgainIsUsedAgainByItself() throws Exception {
        MemcachedServer server = new MemcachedServer();
        closeLater.add(server);
        Cache cache = cacheOn("127.0.0.1", server.port(), true);
        assertThat(cache.set("k", "v")).isTrue();
        assertThat(cache.get("k", String.class)).isEqualTo("v");

        server.stop();
        everyOperationFailsSoft(cache);

        server.start();
        awaitWorkingAgain(cache);
        assertThat(cache.get("k", String.class)).as("a restarted memcached holds nothing").isNull();
    }
}
