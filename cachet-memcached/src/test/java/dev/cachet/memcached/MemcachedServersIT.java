package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two memcached processes of the test's own behind one store: keys spread by ketama, each on one server. */
class MemcachedServersIT {
    private static final int KEYS = 400;

    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private MemcachedServer first;
    private MemcachedServer second;
    private String url;
    private String prefix;

    @BeforeEach
    void start() throws IOException {
        first = new MemcachedServer();
        second = new MemcachedServer();
        closeLater.add(first);
        closeLater.add(second);
        url = "memcached://127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port();
        prefix = "servers-" + UUID.randomUUID();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeLater.reversed()) {
            closeable.close();
        }
    }

    private Cache cache() {
        Store store = MemcachedStore.create(MemcachedStoreOptions.builder().url(url).commandTimeout(Duration.ofSeconds(2)).build());
        closeLater.add(store);
        return Cache.create(store, CacheOptions.builder().keyPrefix(prefix).build());
    }

    /** Whether the server on {@code port} holds {@code wireKey}, asked over a socket of the test's own. */
    private static boolean holds(int port, String wireKey) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(MemcachedServer.HOST, port), 1_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write(("mg " + wireKey + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
            return reply.startsWith("HD");
        }
    }

    private Map<String, Integer> placement(Cache cache) throws IOException {
        Map<String, Integer> placed = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String wire = WireKey.of(cache.makeKey("k" + i));
            boolean onFirst = holds(first.port(), wire);
            boolean onSecond = holds(second.port(), wire);
            assertThat(onFirst ^ onSecond).as("k%d is on exactly one server", i).isTrue();
            placed.put("k" + i, onFirst ? first.port() : second.port());
        }
        return placed;
    }

    @Test
    void keysSpreadOverBothServersAndAKeyAlwaysGoesToTheSameOne() throws IOException {
        Cache writer = cache();
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            values.put("k" + i, i);
        }
        assertThat(writer.setMany(values)).isEmpty();

        Map<String, Integer> placed = placement(writer);
        long onFirst = placed.values().stream().filter(port -> port == first.port()).count();
        assertThat(onFirst).as("keys on the first server").isBetween(KEYS * 25L / 100, KEYS * 75L / 100);

        // Another instance, with its own connections, finds every key where the first put it.
        Cache reader = cache();
        assertThat(reader.getMany(values.keySet(), Integer.class)).hasSize(KEYS);
        for (int i = 0; i < KEYS; i += 7) {
            reader.set("k" + i, -i);
        }
        assertThat(placement(reader)).isEqualTo(placed);
        assertThat(writer.get("k7", Integer.class)).isEqualTo(-7);
    }

    @Test
    void aServerThatIsDownCostsOnlyItsShareOfTheKeys() throws IOException {
        Cache cache = cache();
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            values.put("k" + i, i);
        }
        cache.setMany(values);
        Map<String, Integer> placed = placement(cache);
        // The namespace key must stay up: while its server is down, the whole cache misses (see the README).
        String namespaceKey = WireKey.of(MetaStore.NAMESPACE_PREFIX + prefix + ":");
        MemcachedServer stopped = holds(first.port(), namespaceKey) ? second : first;

        stopped.stop();
        Map<String, Integer> found = cache.getMany(values.keySet(), Integer.class);
        long elsewhere = placed.values().stream().filter(port -> port != stopped.port()).count();
        assertThat(found).hasSize((int) elsewhere);
        assertThat(found.keySet()).allSatisfy(key -> assertThat(placed.get(key)).isNotEqualTo(stopped.port()));
    }
}
