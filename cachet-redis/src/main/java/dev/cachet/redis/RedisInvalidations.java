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
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Invalidations from Redis' server-assisted client tracking (Redis 6+, RESP3): a connection of its own
 * runs {@code CLIENT TRACKING ON BCAST PREFIX <prefix> PREFIX cachet-tag:}, so Redis reports every change
 * under the cache's prefix, and every tag invalidation, by any client, as an {@code invalidate} push message.
 * When that connection drops, or leaves a PING unanswered for {@link RedisStoreOptions#reconnectDelayMax()} or
 * the command timeout, whichever is longer (a black-holed peer, which keepalive would take seconds to notice), the source stops being live and asks for a flush; once it is back
 * and tracking again, it asks for another flush, since changes in between may not have been reported.
 *
 * <p>On a Cluster each master reports only the keys it holds, so there is one tracking connection per master,
 * and tag versions, which live on other masters than the values, are reported by theirs. The masters are read
 * from the cluster every {@link RedisStoreOptions#reconnectDelayMax()}: a master that appears (a failover, a
 * new node) gets a connection, one that stops being a master loses its own. The source is live only while
 * every master it knows of is tracking, and live for a key while the master of its slot is; a master that
 * starts tracking, stops being one, or whose connection drops has the keys of its slots flushed, since
 * changes to them may have gone unreported, and the first tier keeps serving the other masters' keys.
 */
public final class RedisInvalidations implements InvalidationSource {
    private static final System.Logger LOG = System.getLogger(RedisInvalidations.class.getName());

    private final String prefix;
    private final String name;
    private final long retryMillis;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    /** Reads the cluster's masters; null for a standalone or Sentinel Redis. */
    private final RedisClusterClient topology;
    /** One per master (the one node when not a Cluster), by host:port. */
    private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();
    /** The tracker of each slot's master, as last read; empty for a standalone or Sentinel Redis. */
    private volatile Tracker[] owners = new Tracker[0];
    private volatile Listener listener;
    /** Whether the masters are known and every one of them is tracking; recomputed on every change. */
    private volatile boolean live;
    private volatile boolean mastersKnown;
    private volatile boolean closed;
    private volatile boolean warned;

    private RedisInvalidations(RedisStoreOptions options, String keyPrefix) {
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (keyPrefix.startsWith(LettuceStore.TAG_PREFIX) || keyPrefix.startsWith(LettuceStore.LEASE_PREFIX)) {
            throw new IllegalArgumentException("key prefix '" + keyPrefix + "' is under " + LettuceStore.TAG_PREFIX + " or "
                    + LettuceStore.LEASE_PREFIX + ", which Cachet keeps for tag versions and leases");
        }
        this.uri = RedisURI.create(options.url());
        // A PING unanswered for this long counts as a drop: not shorter than the probe interval, so that a busy
        // moment (a pause of this process or of Redis) does not empty the first tier.
        this.uri.setTimeout(options.commandTimeout().compareTo(options.reconnectDelayMax()) > 0
                ? options.commandTimeout() : options.reconnectDelayMax());
        this.uri.setClientName(options.clientName() + "-invalidations");
        this.name = (options.cluster() ? "cluster " : "") + uri.getHost() + ":" + uri.getPort();
        this.retryMillis = options.reconnectDelayMax().toMillis();
        this.resources = SharedResources.acquire();
        ClientOptions clientOptions = ClientOptions.builder()
                .protocolVersion(ProtocolVersion.RESP3)
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // These connections only listen, so only keepalive and the TCP user timeout can tell that
                // a peer is gone; then they reconnect, and the first tier is flushed.
                .socketOptions(Connector.socketOptions(options))
                .sslOptions(Connector.sslOptions(options))
                .build();
        this.client = RedisClient.create(resources);
        this.client.setOptions(clientOptions);
        if (options.cluster()) {
            this.topology = RedisClusterClient.create(resources, uri);
            this.topology.setOptions(ClusterClientOptions.builder(clientOptions).build());
        } else {
            this.topology = null;
        }
    }

    /**
     * A source for the keys under {@code keyPrefix} (a cache's prefix followed by {@code ':'}), on the Redis
     * that {@code options} name: one server, the master a Sentinel names, or every master of a Cluster
     * ({@link RedisStoreOptions#cluster()}). Nothing connects until {@link #start}.
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
        if (topology == null) {
            mastersKnown = true;
            Tracker only = new Tracker(uri, name);
            trackers.put(name, only);
            only.connectOnce();
        } else {
            readMasters();
        }
    }

    @Override
    public boolean isLive() {
        return live;
    }

    @Override
    public boolean isLive(String key) {
        if (live) {
            return true;
        }
        Tracker[] slots = owners;
        if (slots.length == 0 || closed) {
            return false;
        }
        Tracker owner = slots[SlotHash.getSlot(key)];
        return owner != null && owner.live;
    }

    /** The masters this source tracks, as host:port; on a standalone Redis, the one server. */
    Set<String> trackedNodes() {
        return new TreeSet<>(trackers.keySet());
    }

    /** Reads the cluster's masters, opens and closes tracking connections to match, and does so again later. */
    private void readMasters() {
        if (closed) {
            return;
        }
        topology.refreshPartitionsAsync().whenComplete((done, error) -> {
            if (error != null) {
                warnOnce("cannot read the cluster's masters", error);
            } else {
                reconcile(topology.getPartitions().stream()
                        .filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                                && !node.getSlots().isEmpty())
                        .toList());
            }
            later(this::readMasters);
        });
    }

    private void reconcile(List<RedisClusterNode> masters) {
        List<String> current = new ArrayList<>(masters.size());
        Tracker[] slots = new Tracker[SlotHash.SLOT_COUNT];
        List<Tracker> moved = new ArrayList<>();
        for (RedisClusterNode master : masters) {
            RedisURI at = master.getUri();
            String node = at.getHost() + ":" + at.getPort();
            current.add(node);
            Tracker tracker = trackers.computeIfAbsent(node, added -> new Tracker(
                    RedisURI.builder(uri).withHost(at.getHost()).withPort(at.getPort()).build(), added));
            for (int slot : master.getSlots()) {
                slots[slot] = tracker;
            }
            if (tracker.adopt(master.getSlots())) {
                moved.add(tracker);
            }
        }
        boolean first = !mastersKnown;
        // Slots that moved between live masters may have had changes the old one reported to nobody: flushed
        // before the new owner answers for them.
        moved.forEach(Tracker::flushOwn);
        owners = slots;
        List<Tracker> gone = new ArrayList<>();
        for (Map.Entry<String, Tracker> entry : trackers.entrySet()) {
            if (!current.contains(entry.getKey()) && trackers.remove(entry.getKey(), entry.getValue())) {
                // No longer a master (failed over, or removed): the new master of its slots is tracked instead.
                entry.getValue().close();
                gone.add(entry.getValue());
            }
        }
        mastersKnown = !current.isEmpty();
        recompute();
        trackers.values().forEach(Tracker::connectOnce);
        if (first) {
            listener.flushAll();
        }
        // The slots of a master that is gone: its successor's tracker flushes them again once it is live.
        gone.forEach(Tracker::flushOwn);
    }

    private void recompute() {
        boolean all = mastersKnown && !trackers.isEmpty();
        for (Tracker tracker : trackers.values()) {
            all &= tracker.live;
        }
        live = all && !closed;
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
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        live = false;
        trackers.values().forEach(Tracker::close);
        trackers.clear();
        if (topology != null) {
            topology.shutdown(0, 2, TimeUnit.SECONDS);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        SharedResources.release(resources);
    }

    /** The tracking connection to one node. */
    private final class Tracker {
        private final RedisURI node;
        private final String nodeName;
        private volatile StatefulRedisConnection<String, String> connection;
        private volatile boolean live;
        private volatile boolean stopped;
        /** Dropped for a PING that went unanswered on a connection that stayed open, with tracking still on. */
        private volatile boolean suspended;
        private final AtomicBoolean started = new AtomicBoolean();
        /** The slots this master holds, as last read; null on a standalone Redis, whose one node holds every key. */
        private volatile BitSet slots;

        Tracker(RedisURI node, String nodeName) {
            this.node = node;
            this.nodeName = nodeName;
        }

        /** Takes the slots this master now serves; whether they differ from the ones it served before. */
        boolean adopt(List<Integer> served) {
            BitSet mine = new BitSet(SlotHash.SLOT_COUNT);
            served.forEach(mine::set);
            BitSet before = slots;
            slots = mine;
            return before != null && !before.equals(mine);
        }

        /** Flushes the keys this node reports on: changes to them may have gone unreported. */
        void flushOwn() {
            BitSet mine = slots;
            if (mine == null) {
                listener.flushAll();
            } else {
                listener.flush(key -> mine.get(SlotHash.getSlot(key)));
            }
        }

        void connectOnce() {
            if (started.compareAndSet(false, true)) {
                connect();
            }
        }

        private void connect() {
            if (stopped()) {
                return;
            }
            client.connectAsync(StringCodec.UTF8, node).whenComplete((opened, error) -> {
                if (error != null) {
                    warnOnce("cannot connect to " + nodeName + " for invalidations", error);
                    later(this::connect);
                    return;
                }
                if (stopped()) {
                    opened.closeAsync();
                    return;
                }
                opened.addListener(this::onPush);
                opened.addListener(new RedisConnectionStateListener() {
                    @Override
                    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                        // Tracking is off on the connection that comes back: only turning it on again resumes.
                        dropped(false);
                    }

                    @Override
                    public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                        later(Tracker.this::track);
                    }
                });
                connection = opened;
                track();
                later(this::probe);
            });
        }

        /**
         * PINGs the connection every {@code reconnectDelayMax}: a black-holed peer answers nothing and sends
         * nothing, while keepalive would take seconds to notice and its invalidations would stop arriving
         * unseen. A PING that fails or misses its timeout counts as a drop; the next one that is
         * answered flushes again (reports may have been lost meanwhile) and makes the node live.
         */
        private void probe() {
            StatefulRedisConnection<String, String> current = connection;
            if (stopped() || current == null) {
                return;
            }
            current.async().ping().whenComplete((pong, error) -> {
                if (stopped()) {
                    return;
                }
                if (error != null) {
                    if (live) {
                        warnOnce(nodeName + " did not answer a PING on the tracking connection", error);
                        dropped(true);
                    }
                } else if (!live && suspended) {
                    suspended = false;
                    warned = false;
                    // Flushed before it counts as live again: until then its keys are not read from the first tier.
                    flushOwn();
                    live = true;
                    recompute();
                }
                later(this::probe);
            });
        }

        private boolean stopped() {
            return stopped || closed;
        }

        /** Turns tracking on; retried until it works, since a reconnected connection has it off. */
        private void track() {
            StatefulRedisConnection<String, String> current = connection;
            if (stopped() || current == null || live) {
                return;
            }
            current.async().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(trackedPrefixes())).whenComplete((ok, error) -> {
                if (error != null) {
                    warnOnce("cannot turn client tracking on at " + nodeName, error);
                    later(this::track);
                    return;
                }
                if (stopped()) {
                    return;
                }
                warned = false;
                flushOwn();
                live = true;
                recompute();
            });
        }

        /** {@code unanswered}: a PING went unanswered on a connection still open, with tracking on, so an answer resumes. */
        private void dropped(boolean unanswered) {
            live = false;
            suspended = unanswered;
            recompute();
            flushOwn();
        }

        private void onPush(PushMessage message) {
            if (!"invalidate".equals(message.getType()) || stopped) {
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

        void close() {
            stopped = true;
            live = false;
            StatefulRedisConnection<String, String> current = connection;
            if (current != null) {
                current.closeAsync();
            }
        }
    }

    /** The cache's prefix and the tags' one; Redis refuses prefixes that overlap, so then only the shorter. */
    private String[] trackedPrefixes() {
        return LettuceStore.TAG_PREFIX.startsWith(prefix) ? new String[] {prefix} : new String[] {prefix, LettuceStore.TAG_PREFIX};
    }
}
