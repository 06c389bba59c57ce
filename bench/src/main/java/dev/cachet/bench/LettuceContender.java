package dev.cachet.bench;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/** Raw Lettuce: one connection shared by every thread, as Lettuce recommends, and its blocking API. */
final class LettuceContender implements Contender {
    private static final String PREFIX = "bench-lettuce:";

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final RedisCommands<String, byte[]> commands;
    private final String[] keys;
    private final SetArgs expiry;

    private LettuceContender(RedisClient client, StatefulRedisConnection<String, byte[]> connection, int keys, long ttlMillis) {
        this.client = client;
        this.connection = connection;
        this.commands = connection.sync();
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            this.keys[i] = PREFIX + "k" + i;
        }
        this.expiry = SetArgs.Builder.px(ttlMillis);
    }

    /** Connects to {@code url}; entries expire after {@code ttlMillis}, so an interrupted run leaves nothing for long. */
    static LettuceContender connect(String url, int keys, long ttlMillis) {
        RedisClient client = RedisClient.create(url);
        try {
            return new LettuceContender(client, client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)),
                    keys, ttlMillis);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    @Override
    public String name() {
        return "lettuce";
    }

    @Override
    public boolean get(int key) {
        return commands.get(keys[key]) != null;
    }

    @Override
    public boolean set(int key, byte[] value) {
        return "OK".equals(commands.set(keys[key], value, expiry));
    }

    /** One {@code MGET} of every key. */
    @Override
    public int getMany(int[] keys) {
        String[] names = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            names[i] = this.keys[keys[i]];
        }
        int hits = 0;
        for (KeyValue<String, byte[]> found : commands.mget(names)) {
            if (found.hasValue()) {
                hits++;
            }
        }
        return hits;
    }

    /** SCAN and UNLINK in batches: the Redis server is shared, so neither KEYS nor FLUSHDB is acceptable. */
    @Override
    public long clear() {
        ScanArgs match = ScanArgs.Builder.matches(PREFIX + "*").limit(1_000);
        long deleted = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = commands.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                deleted += commands.unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
