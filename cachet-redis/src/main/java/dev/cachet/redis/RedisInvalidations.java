package dev.cachet.redis;

import dev.cachet.tiered.InvalidationSource;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Invalidations from Redis' server-assisted client tracking (Redis 6+, RESP3): a connection of its own
 * runs {@code CLIENT TRACKING ON BCAST PREFIX <prefix> PREFIX cachet-tag:}, so Redis reports every change
 * under the cache's prefix, and every tag invalidation, by any client, as an {@code invalidate} push message. When that connection drops, the source stops being
 * live and asks for a flush; once it is back and tracking again, it asks for another flush, since changes
 * in between were not reported.
 *
 * <p>Standalone and Sentinel only: on a Cluster, tracking would need a connection per master.
 */
public final class RedisInvalidations implements InvalidationSource {
    private static final System.Logger LOG = System.getLogger(RedisInvalidations.class.getName());

    private final String prefix;
    private final String name;
    private final long retryMillis;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile Listener listener;
    private volatile boolean live;
    private volatile boolean closed;
    private volatile boolean warned;

    private RedisInvalidations(RedisStoreOptions options, String keyPrefix) {
        if (options.cluster()) {
            throw new IllegalArgumentException("invalidations by client tracking need a standalone or Sentinel Redis;"
                    + " a Cluster would need one tracking connection per master");
        }
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (keyPrefix.startsWith(LettuceStore.TAG_PREFIX) || keyPrefix.startsWith(LettuceStore.LEASE_PREFIX)) {
            throw new IllegalArgumentException("key prefix '" + keyPrefix + "' is under " + LettuceStore.TAG_PREFIX + " or "
                    + LettuceStore.LEASE_PREFIX + ", which Cachet keeps for tag versions and leases");
        }
        this.uri = RedisURI.create(options.url());
        this.uri.setTimeout(options.commandTimeout());
        this.uri.setClientName(options.clientName() + "-invalidations");
        this.name = uri.getHost() + ":" + uri.getPort();
        this.retryMillis = options.reconnectDelayMax().toMillis();
        this.resources = ClientResources.create();
        this.client = RedisClient.create(resources);
        this.client.setOptions(ClientOptions.builder()
                .protocolVersion(ProtocolVersion.RESP3)
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // This connection only listens, so only keepalive and the TCP user timeout can tell that
                // its peer is gone; then it reconnects, and the first tier is flushed.
                .socketOptions(Connector.socketOptions(options))
                .sslOptions(Connector.sslOptions(options))
                .build());
    }

    /**
     * A source for the keys under {@code keyPrefix} (a cache's prefix followed by {@code ':'}), on the Redis
     * that {@code options} name. Nothing connects until {@link #start}.
     */
    public static RedisInvalidations create(RedisStoreOptions options, String keyPrefix) {
        return new RedisInvalidations(options, keyPrefix);
    }

    @Override
    public void start(Listener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("already started");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        connect();
    }

    @Override
    public boolean isLive() {
        return live;
    }

    private void connect() {
        if (closed) {
            return;
        }
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((opened, error) -> {
            if (error != null) {
                warnOnce("cannot connect for invalidations", error);
                later(this::connect);
                return;
            }
            if (closed) {
                opened.closeAsync();
                return;
            }
            opened.addListener(this::onPush);
            opened.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                    dropped();
                }

                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                    later(RedisInvalidations.this::track);
                }
            });
            connection = opened;
            track();
        });
    }

    /** Turns tracking on; retried until it works, since a reconnected connection has it off. */
    private void track() {
        StatefulRedisConnection<String, String> current = connection;
        if (closed || current == null || live) {
            return;
        }
        current.async().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(trackedPrefixes())).whenComplete((ok, error) -> {
            if (error != null) {
                warnOnce("cannot turn client tracking on", error);
                later(this::track);
                return;
            }
            live = true;
            warned = false;
            listener.flushAll();
        });
    }

    /** The cache's prefix and the tags' one; Redis refuses prefixes that overlap, so then only the shorter. */
    private String[] trackedPrefixes() {
        return LettuceStore.TAG_PREFIX.startsWith(prefix) ? new String[] {prefix} : new String[] {prefix, LettuceStore.TAG_PREFIX};
    }

    private void dropped() {
        live = false;
        listener.flushAll();
    }

    private void onPush(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        if (content.size() < 2 || content.get(1) == null) {
            listener.flushAll();
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> reported = (List<String>) content.get(1);
        List<String> keys = new ArrayList<>(reported.size());
        List<String> tags = new ArrayList<>();
        for (String key : reported) {
            if (key.startsWith(LettuceStore.TAG_PREFIX)) {
                tags.add(key.substring(LettuceStore.TAG_PREFIX.length()));
            } else {
                keys.add(key);
            }
        }
        if (!tags.isEmpty()) {
            listener.invalidateTags(tags);
        }
        if (!keys.isEmpty()) {
            listener.invalidate(keys);
        }
    }

    private void later(Runnable step) {
        if (!closed) {
            resources.eventExecutorGroup().schedule(step, retryMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void warnOnce(String what, Throwable error) {
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "Redis at {0}: {1} ({2}); the first tier is bypassed until it works",
                    name, what, error.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        live = false;
        Connector.shutdown(connection, client, resources, name + " (invalidations)");
    }
}
