package dev.cachet.redis;

import dev.cachet.CacheBackendException;
import dev.cachet.store.Store;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Owns the Lettuce client and its one connection. The constructor tries to connect, waiting at most the
 * connect timeout (longer through Sentinel or Cluster discovery); if that fails, the connection is retried
 * on demand, at most once per reconnect delay, because Lettuce only reconnects connections it once had.
 * After that, Lettuce's watchdog reconnects with exponential backoff.
 */
final class Connector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RedisStore.class.getName());
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisStoreOptions options;
    private final String name;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final RedisURI uri;
    private final long retryNanos;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile StatefulConnection<String, byte[]> connection;
    private volatile RedisClusterAsyncCommands<String, byte[]> commands;
    private volatile Throwable lastFailure;
    private volatile long lastAttempt;
    private volatile boolean closed;

    Connector(RedisStoreOptions options) {
        this.options = options;
        this.uri = parse(options);
        this.name = describe(uri, options.cluster());
        this.retryNanos = options.reconnectDelayMax().toNanos();
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), options.reconnectDelayMax(), 2, TimeUnit.MILLISECONDS))
                .nettyCustomizer(new NettyCustomizer() {
                    @Override
                    public void afterChannelInitialized(Channel channel) {
                        // Every command from every thread ends in a flush, and each flush is a write syscall on
                        // the one I/O thread: consolidated, what queued up meanwhile goes out in one write, and
                        // a lone command is flushed as soon as the I/O thread is free.
                        channel.pipeline().addFirst(new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                    }
                })
                .build();
        if (options.cluster()) {
            RedisClusterClient cluster = RedisClusterClient.create(resources, uri);
            ClusterClientOptions.Builder builder = ClusterClientOptions.builder()
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .enableAllAdaptiveRefreshTriggers()
                            // Lettuce's default lets one adaptive refresh in per 30 s: the one a dying master
                            // triggers comes before the election, and the new master would be found by the
                            // periodic refresh, with its slots failing until then.
                            .adaptiveRefreshTriggersTimeout(options.reconnectDelayMax())
                            .refreshTriggersReconnectAttempts(1)
                            .build());
            configure(builder);
            cluster.setOptions(builder.build());
            this.client = cluster;
        } else {
            RedisClient standalone = RedisClient.create(resources);
            ClientOptions.Builder builder = ClientOptions.builder();
            configure(builder);
            standalone.setOptions(builder.build());
            this.client = standalone;
        }
        this.lastAttempt = System.nanoTime() - retryNanos;
        connect().join();
    }

    private static RedisURI parse(RedisStoreOptions options) {
        RedisURI uri = RedisStoreOptions.parse(options.url());
        uri.setTimeout(options.commandTimeout());
        if (uri.getClientName() == null) {
            uri.setClientName(options.clientName());
        }
        return uri;
    }

    private static String describe(RedisURI uri, boolean cluster) {
        String where;
        if (uri.getSocket() != null) {
            where = "redis-socket://" + uri.getSocket();
        } else if (!uri.getSentinels().isEmpty()) {
            where = "redis-sentinel://" + uri.getSentinels().getFirst().getHost() + ":"
                    + uri.getSentinels().getFirst().getPort() + "#" + uri.getSentinelMasterId();
        } else {
            where = (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
        }
        return (cluster ? "cluster " : "") + where + (uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "");
    }

    private void configure(ClientOptions.Builder builder) {
        builder.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                .socketOptions(socketOptions(options))
                .sslOptions(sslOptions(options));
    }

    /** TLS with the options' certificate authorities, or the JVM's trust store. */
    static SslOptions sslOptions(RedisStoreOptions options) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        if (options.trustedCertificates() != null) {
            ssl.trustManager(options.trustedCertificates().toFile());
        }
        return ssl.build();
    }

    /**
     * What went wrong connecting, said plainly when it is TLS: a handshake refused by certificate checks
     * shows in Lettuce's message only as "unable to connect".
     */
    static Throwable explained(String name, Throwable cause, RedisStoreOptions options) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException tls) {
                String trusted = options.trustedCertificates() != null
                        ? "the certificate authorities in " + options.trustedCertificates() : "the JVM's trust store";
                return new CacheBackendException("TLS with " + name + " failed: " + tls.getMessage()
                        + " (is the server's certificate signed by " + trusted + ", and for the host name or IP address in the url?)", cause);
            }
        }
        return cause;
    }

    /** Connect timeout, keepalive and TCP user timeout: a silently dead peer is noticed in seconds. */
    static SocketOptions socketOptions(RedisStoreOptions options) {
        return SocketOptions.builder()
                .connectTimeout(options.connectTimeout())
                .keepAlive(SocketOptions.KeepAliveOptions.builder()
                        .enable()
                        .idle(options.keepAliveIdle())
                        .interval(Duration.ofSeconds(1))
                        .count(3)
                        .build())
                .tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
                        .enable()
                        .tcpUserTimeout(options.tcpUserTimeout())
                        .build())
                .build();
    }

    String name() {
        return name;
    }

    /** Threads for work that must not run on a connection's event loop. */
    Executor executor() {
        return resources.eventExecutorGroup();
    }

    /** The commands of the live connection; fails fast (and maybe starts a new attempt) without one. */
    RedisClusterAsyncCommands<String, byte[]> commands() {
        RedisClusterAsyncCommands<String, byte[]> current = commands;
        if (current != null) {
            return current;
        }
        if (closed) {
            throw new Closed(name);
        }
        if (System.nanoTime() - lastAttempt >= retryNanos) {
            connect();
        }
        Throwable failure = lastFailure;
        throw new CacheBackendException("not connected to " + name
                + (failure == null ? "" : ": " + failure.getMessage()), failure);
    }

    private CompletableFuture<Void> connect() {
        if (!connecting.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        lastAttempt = System.nanoTime();
        CompletableFuture<? extends StatefulConnection<String, byte[]>> attempt;
        try {
            // A cluster client routes nothing until it has read the topology from a seed node.
            attempt = client instanceof RedisClusterClient cluster
                    ? cluster.refreshPartitionsAsync().toCompletableFuture().thenCompose(loaded -> cluster.connectAsync(CODEC))
                    : ((RedisClient) client).connectAsync(CODEC, uri).toCompletableFuture();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        return attempt.handle((opened, error) -> {
            if (error != null) {
                Throwable cause = explained(name, Store.unwrap(error), options);
                if (lastFailure == null) {
                    LOG.log(System.Logger.Level.WARNING,
                            "Redis at {0} is not reachable ({1}); the cache misses until it is, retrying", name, cause.getMessage());
                }
                lastFailure = cause;
            } else if (closed) {
                opened.closeAsync();
            } else {
                connection = opened;
                commands = opened instanceof StatefulRedisClusterConnection<String, byte[]> cluster
                        ? cluster.async()
                        : ((StatefulRedisConnection<String, byte[]>) opened).async();
                if (lastFailure != null) {
                    LOG.log(System.Logger.Level.INFO, "connected to Redis at {0}", name);
                }
                lastFailure = null;
            }
            connecting.set(false);
            return null;
        });
    }

    /** A call on a closed store: the caller's mistake, not the backend's. */
    static final class Closed extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Closed(String name) {
            super("the Redis store for " + name + " is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        commands = null;
        shutdown(connection, client, resources, name);
    }

    /** Closes a connection and its client and waits, briefly, for their threads to stop. */
    static void shutdown(StatefulConnection<?, ?> connection, AbstractRedisClient client, ClientResources resources, String name) {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        shutdown(resources, name);
    }

    /** Shuts down a client's resources and waits, briefly, for their threads to stop. */
    static void shutdown(ClientResources resources, String name) {
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "Redis client threads for {0} did not stop in time: {1}", name, e);
        }
    }
}
