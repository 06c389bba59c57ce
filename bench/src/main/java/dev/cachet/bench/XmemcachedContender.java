package dev.cachet.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.exception.MemcachedException;

/**
 * Raw xmemcached, the maintained Java Memcached client most applications use: one client (one NIO connection
 * per server), the binary protocol, its blocking API, and byte arrays stored as they are.
 */
final class XmemcachedContender implements Contender {
    private static final String PREFIX = "bench-xmemcached:";

    private final MemcachedClient client;
    private final String[] keys;
    private final int ttlSeconds;

    private XmemcachedContender(MemcachedClient client, int keys, int ttlSeconds) {
        this.client = client;
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            this.keys[i] = PREFIX + "k" + i;
        }
        this.ttlSeconds = ttlSeconds;
    }

    /** Connects to {@code servers}; entries expire after {@code ttlSeconds}, so an interrupted run leaves nothing for long. */
    static XmemcachedContender connect(List<InetSocketAddress> servers, int keys, int ttlSeconds) {
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(servers);
        builder.setCommandFactory(new BinaryCommandFactory());
        try {
            return new XmemcachedContender(builder.build(), keys, ttlSeconds);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("xmemcached could not connect to " + servers, e);
        }
    }

    @Override
    public String name() {
        return "xmemcached";
    }

    @Override
    public boolean get(int key) {
        return call(() -> client.get(keys[key]) != null);
    }

    @Override
    public boolean set(int key, byte[] value) {
        return call(() -> client.set(keys[key], ttlSeconds, value));
    }

    /** One multi-key get. */
    @Override
    public int getMany(int[] keys) {
        List<String> names = new ArrayList<>(keys.length);
        for (int key : keys) {
            names.add(this.keys[key]);
        }
        try {
            Map<String, Object> found = client.get(names);
            return found == null ? 0 : found.size();
        } catch (TimeoutException | MemcachedException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Memcached cannot list keys, but this contender knows every key it wrote. */
    @Override
    public long clear() {
        long deleted = 0;
        for (String key : keys) {
            if (call(() -> client.delete(key))) {
                deleted++;
            }
        }
        return deleted;
    }

    /** A command the benchmark counts as failed when the client throws; an interrupt is kept for the caller. */
    private static boolean call(Command command) {
        try {
            return command.run();
        } catch (TimeoutException | MemcachedException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One blocking xmemcached call. */
    private interface Command {
        boolean run() throws TimeoutException, InterruptedException, MemcachedException;
    }

    @Override
    public void close() {
        try {
            client.shutdown();
        } catch (java.io.IOException e) {
            // closing anyway
        }
    }
}
