package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.ComputeOptions;
import dev.cachet.Ttl;
import dev.cachet.store.Store;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tag invalidation at scale, on a redis-server of the test's own, so that the commands Redis processed can
 * be counted exactly: invalidating a tag that 10,000 values carry costs O(1) commands, and a hit on a tagged
 * value costs one request, stamps checked included.
 */
class TagsIT {
    private static final Pattern COMMANDS = Pattern.compile("total_commands_processed:(\\d+)");
    private static final Pattern EVALSHA = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");
    private static RedisServers servers;
    private static int port;

    @BeforeAll
    static void startRedis() throws Exception {
        servers = new RedisServers();
        port = servers.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        servers.close();
    }

    /** Commands processed so far (the INFO that reads them included), and EVALSHA requests among them. */
    private record Counts(long commands, long scripts) {}

    private static Counts counts() throws Exception {
        String info = RedisServers.cli("-p", String.valueOf(port), "INFO", "stats", "commandstats");
        Matcher commands = COMMANDS.matcher(info);
        assertThat(commands.find()).isTrue();
        Matcher scripts = EVALSHA.matcher(info);
        return new Counts(Long.parseLong(commands.group(1)), scripts.find() ? Long.parseLong(scripts.group(1)) : 0);
    }

    @Test
    void invalidatingATagOfTenThousandValuesTakesConstantCommands() throws Exception {
        // This test counts commands; a get-many of 10,000 keys on a busy machine may take more than the default
        // 150 ms deadline, and a fail-soft miss would be counted as a wrong answer.
        RedisStoreOptions patient = RedisStoreOptions.builder().url("redis://127.0.0.1:" + port).commandTimeout(Duration.ofSeconds(5)).build();
        try (Store store = RedisStore.create(patient)) {
            Cache cache = Cache.create(store, CacheOptions.builder().keyPrefix("tags").build());
            Map<String, String> warm = new HashMap<>();
            for (int i = 0; i < 10_000; i++) {
                String key = "product:" + i;
                assertThat(cache.set(key, "row " + i, Ttl.ofMinutes(10), List.of("category:7", "product:" + i))).isTrue();
                warm.put(key, "row " + i);
            }
            cache.set("elsewhere", "kept", Ttl.ofMinutes(10), List.of("category:8"));
            assertThat(cache.getMany(warm.keySet(), String.class)).isEqualTo(warm);

            Counts before = counts();
            assertThat(cache.invalidateTags("category:7")).isTrue();
            // One UNLINK, plus the INFO that read the count.
            assertThat(counts().commands() - before.commands()).isEqualTo(2);

            assertThat(cache.getMany(warm.keySet(), String.class)).isEmpty();
            for (int i = 0; i < 10_000; i += 997) {
                assertThat(cache.get("product:" + i, String.class)).isNull();
            }
            assertThat(cache.get("elsewhere", String.class)).isEqualTo("kept");

            Counts beforeHit = counts();
            assertThat(cache.get("elsewhere", String.class)).isEqualTo("kept");
            Counts afterHit = counts();
            // A GET of the value, an MGET of its tag's version (one round trip more than an untagged value),
            // then the INFO that read the count; no script.
            assertThat(afterHit.scripts() - beforeHit.scripts()).isZero();
            assertThat(afterHit.commands() - beforeHit.commands()).isEqualTo(3);
        }
    }

    @Test
    void aRefilledValueCarriesTheTagsNewVersion() throws Exception {
        try (Store store = RedisStore.create("redis://127.0.0.1:" + port)) {
            Cache cache = Cache.create(store, CacheOptions.builder().keyPrefix("refill").build());
            ComputeOptions tagged = ComputeOptions.builder().ttl(Ttl.ofMinutes(10)).tags("category:9").build();
            assertThat(cache.getOrCompute("page:1", String.class, tagged, () -> "before")).isEqualTo("before");
            String before = RedisServers.cli("-p", String.valueOf(port), "GET", "cachet-tag:category:9").trim();
            cache.invalidateTags("category:9");
            assertThat(cache.getOrCompute("page:1", String.class, tagged, () -> "after")).isEqualTo("after");
            assertThat(cache.get("page:1", String.class)).isEqualTo("after");
            String after = RedisServers.cli("-p", String.valueOf(port), "GET", "cachet-tag:category:9").trim();
            assertThat(after).isNotEmpty().isNotEqualTo(before);
            // The tag's version lives at least as long as the values stamped with it.
            long tagTtl = Long.parseLong(RedisServers.cli("-p", String.valueOf(port), "PTTL", "cachet-tag:category:9").trim());
            long valueTtl = Long.parseLong(RedisServers.cli("-p", String.valueOf(port), "PTTL", cache.makeKey("page:1")).trim());
            assertThat(tagTtl).isGreaterThanOrEqualTo(valueTtl);
        }
    }
}
