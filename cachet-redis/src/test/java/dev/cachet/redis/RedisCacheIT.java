package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.CacheContract;
import dev.cachet.Ttl;
import dev.cachet.local.LocalStore;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract suite against the real Redis on 6379; every test has its own key prefix. */
class RedisCacheIT extends CacheContract {
    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Override
    protected Store newStore() {
        return RedisStore.create(LocalRedis.options().build());
    }

    @Override
    protected void passTime(Duration duration) {
        // Redis keeps real time; the contract waits for the expiry to be observed.
    }

    @Test
    void ttlsHaveMillisecondPrecision() {
        cache.set("k", "v", Ttl.ofMillis(1_234));
        assertThat(store.getEntry(cache.makeKey("k")).join().ttlMillis()).isBetween(1_000L, 1_234L);
    }

    @Test
    void aNonStringRedisTypeUnderACacheKeyIsAnUndecodableMiss() throws Exception {
        String key = cache.makeKey("list");
        RedisCli.run("RPUSH", key, "a", "b");
        assertThat(cache.get("list", String.class)).isNull();
        assertThat(cache.stats().decodeFailures()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.run("EXISTS", key).equals("0"));
    }

    @Test
    void getOrComputeOverANonStringRedisTypeLoadsInsteadOfFailing() throws Exception {
        RedisCli.run("RPUSH", cache.makeKey("list"), "a");
        assertThat(cache.getOrCompute("list", String.class, () -> "loaded")).isEqualTo("loaded");
        await().atMost(Duration.ofSeconds(5)).until(() -> !RedisCli.run("TYPE", cache.makeKey("list")).equals("list"));
    }

    @Test
    void aKeyBeingLoadedCannotBeTouchedOrIncrementedAndAnAddTakesItsPlace() throws Exception {
        String key = cache.makeKey("k");
        LeasedRead lease = store.getOrLease(key, 10_000).join();
        assertThat(lease.granted()).isTrue();
        assertThat(RedisCli.run("EXISTS", LettuceStore.leaseKey(key))).as("a miss's lease is in the key itself").isEqualTo("0");
        assertThat(cache.touch("k", Ttl.ofMinutes(1))).isFalse();
        assertThatThrownBy(() -> cache.incr("k")).isInstanceOf(NoSuchElementException.class);
        assertThat(store.getOrLease(key, 10_000).join().held()).isTrue();

        assertThat(cache.add("k", "added")).as("a placeholder is absent to an add too").isTrue();
        assertThat(store.setIfLeased(key, new byte[] {1}, 60_000, lease.token(), null).join()).isFalse();
        assertThat(cache.get("k", String.class)).isEqualTo("added");
    }

    @Test
    void refreshLeasesSitInTheSlotOfTheirKey() {
        // Only a key with a '}' and no hash tag of its own cannot have its lease beside it.
        for (String key : new String[] {"p:1:k", "p:1:{user42}:cart", "p:1:a{b", "p:1:{a}{b}"}) {
            String lease = LettuceStore.leaseKey(key);
            assertThat(lease).startsWith(LettuceStore.LEASE_PREFIX);
            assertThat(SlotHash.getSlot(lease)).as(lease).isEqualTo(SlotHash.getSlot(key));
        }
        for (String key : new String[] {"p:1:a}b", "p:1:{}x"}) {
            assertThat(SlotHash.getSlot(LettuceStore.leaseKey(key))).isNotEqualTo(SlotHash.getSlot(key));
        }
    }

    @Test
    void aStoreNamesItsServerWithoutThePassword() {
        try (Store secret = RedisStore.create(LocalRedis.options().url("redis://:s3cret@127.0.0.1:6379/3").build())) {
            assertThat(secret.name()).isEqualTo("redis://127.0.0.1:6379/3").doesNotContain("s3cret");
        }
    }

    @Test
    void anInvalidUrlIsRefusedWithAMessage() {
        assertThatThrownBy(() -> RedisStore.create("http://nowhere"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://nowhere");
    }

    @Test
    void cachesOnOneStoreAreIndependent() {
        Cache other = Cache.create(store, options().keyPrefix(prefix + "-other").build());
        other.set("k", "other");
        cache.set("k", "mine");
        assertThat(other.get("k", String.class)).isEqualTo("other");
        other.clear();
    }

    @Test
    void infoGivesTheServersFigures() {
        assertThat(RedisStore.info(store).join()).containsKeys("used_memory", "maxmemory", "maxmemory_policy",
                "evicted_keys", "keyspace_hits", "keyspace_misses", "connected_clients");
        try (Store local = LocalStore.create()) {
            assertThatThrownBy(() -> RedisStore.info(local)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a Redis store");
        }
    }
}
