package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemcachedStoreOptionsTest {
    @Test
    void defaultsSuitACache() {
        MemcachedStoreOptions options = MemcachedStoreOptions.builder().build();
        assertThat(options.url()).isEqualTo("memcached://127.0.0.1:11211");
        assertThat(options.commandTimeout()).isEqualTo(Duration.ofMillis(150));
        assertThat(options.maxItemSize()).isEqualTo(1 << 20);
        assertThat(options.mutate().commandTimeout(Duration.ofSeconds(1)).build())
                .isEqualTo(new MemcachedStoreOptions(options.url(), options.connectTimeout(), Duration.ofSeconds(1),
                        options.keepAliveIdle(), options.tcpUserTimeout(), options.reconnectDelayMax(),
                        options.requestQueueSize(), options.maxItemSize()));
    }

    @Test
    void theUrlNamesServersWithTheDefaultPortWhenLeftOut() {
        assertThat(MemcachedStoreOptions.builder().url("memcached://cache-1:11311,cache-2,[::1]:11212").build().servers())
                .containsExactly(InetSocketAddress.createUnresolved("cache-1", 11311),
                        InetSocketAddress.createUnresolved("cache-2", 11211),
                        InetSocketAddress.createUnresolved("::1", 11212));
    }

    @Test
    void aBadUrlIsRefusedSayingWhy() {
        assertInvalid("redis://127.0.0.1:6379", "must start with memcached://");
        assertInvalid("memcached://", "names no server");
        assertInvalid("memcached://a:1,,b:2", "a server has no host");
        assertInvalid("memcached://a:99999", "port '99999'");
        assertInvalid("memcached://a:x", "port 'x'");
        assertInvalid("memcached://a:1,a:1", "named twice");
        assertInvalid("memcached://a,a:11211", "named twice");
        assertInvalid("memcached://user@a", "holds '@'");
        assertInvalid("memcached://a/path", "holds '/'");
        assertInvalid("memcached://[::1", "does not close it");
    }

    private static void assertInvalid(String url, String reason) {
        assertThatThrownBy(() -> MemcachedStoreOptions.builder().url(url).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + url + "'").hasMessageContaining(reason);
    }

    @Test
    void badNumbersAreRefusedWithTheirName() {
        assertThatThrownBy(() -> MemcachedStoreOptions.builder().commandTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout must be positive");
        assertThatThrownBy(() -> MemcachedStoreOptions.builder().reconnectDelayMax(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("reconnectDelayMax");
        assertThatThrownBy(() -> MemcachedStoreOptions.builder().requestQueueSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestQueueSize");
        assertThatThrownBy(() -> MemcachedStoreOptions.builder().maxItemSize(100).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxItemSize");
    }
}
