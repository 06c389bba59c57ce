package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bytes another client wrote under a cache key: a miss that is counted and removed, never a class instantiated. */
class ForeignDataIT {
    /** Counts deserializations; a gadget chain would start in a method like this one. */
    static final AtomicInteger READ_OBJECT_CALLS = new AtomicInteger();

    /** A serializable class whose deserialization is observable. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        String command = "touch /tmp/pwned";

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            READ_OBJECT_CALLS.incrementAndGet();
            in.defaultReadObject();
        }
    }

    private Store store;
    private Cache cache;

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @BeforeEach
    void open() {
        store = RedisStore.create(LocalRedis.options().build());
        cache = Cache.create(store, CacheOptions.builder().keyPrefix("foreign-" + UUID.randomUUID()).build());
    }

    @AfterEach
    void close() {
        cache.clear();
        store.close();
    }

    /** The removal of an undecodable value follows the read that found it. */
    private static void awaitRemoved(String key) {
        await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.run("EXISTS", key).equals("0"));
    }

    @Test
    void garbageBytesAreACountedMissAndAreRemoved() throws Exception {
        byte[] garbage = new byte[64];
        new Random(42).nextBytes(garbage);
        garbage[0] = (byte) 0xC9;
        String key = cache.makeKey("garbage");
        RedisCli.runWithBytes(garbage, "SET", key);
        assertThat(RedisCli.run("EXISTS", key)).isEqualTo("1");

        assertThat(cache.get("garbage", Object.class)).isNull();
        assertThat(cache.stats().decodeFailures()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
        awaitRemoved(key);
    }

    @Test
    void aJavaSerializedObjectIsNeverDeserialized() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Gadget());
        }
        String key = cache.makeKey("gadget");
        RedisCli.runWithBytes(bytes.toByteArray(), "SET", key);

        assertThat(cache.get("gadget", Gadget.class)).isNull();
        awaitRemoved(key);
        RedisCli.runWithBytes(bytes.toByteArray(), "SET", key);
        assertThat(cache.get("gadget", Object.class)).isNull();

        assertThat(READ_OBJECT_CALLS).hasValue(0);
        assertThat(cache.stats().decodeFailures()).isEqualTo(2);
        awaitRemoved(key);
    }

    @Test
    void plainTextFromAnotherClientIsAMissForAStructuredType() throws Exception {
        String key = cache.makeKey("text");
        RedisCli.run("SET", key, "hello from redis-cli");
        assertThat(cache.get("text", CacheContractRow.class)).isNull();
        assertThat(cache.stats().decodeFailures()).isEqualTo(1);
    }

    @Test
    void anIntegerFromAnotherClientIsReadAndIncremented() throws Exception {
        String key = cache.makeKey("visits");
        RedisCli.run("SET", key, "41");
        assertThat(cache.get("visits", Long.class)).isEqualTo(41L);
        assertThat(cache.incr("visits").getAsLong()).isEqualTo(42L);
        assertThat(RedisCli.run("GET", key)).isEqualTo("42");
    }

    /** A structured type to read foreign text as. */
    record CacheContractRow(long id, String name) {}
}
