package dev.cachet.redis;

import io.lettuce.core.RedisURI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of the Redis store. Defaults suit a cache: a call that cannot be answered in a fraction of the
 * database query it saves is not worth waiting for.
 *
 * @param url where Redis is, in Lettuce's URI syntax: {@code redis://[user:password@]host[:port][/database]},
 *     {@code rediss://} for TLS, {@code redis-socket:///path/to/redis.sock?database=N} for a unix socket,
 *     {@code redis-sentinel://host:port[,host:port]/database#masterName} for Sentinel; with
 *     {@link #cluster()}, one seed node of the cluster
 * @param cluster whether {@link #url()} names a Redis Cluster node (the rest of the cluster is discovered)
 * @param clientName the name Redis shows for the connection in {@code CLIENT LIST}
 * @param connectTimeout the longest a connection attempt may take
 * @param commandTimeout the deadline of every command; a command that misses it fails (a miss, in fail-soft)
 * @param keepAliveIdle idle time before TCP keepalive probes start; three probes one second apart follow
 * @param tcpUserTimeout how long sent data may stay unacknowledged before the connection is dropped and
 *     re-established (Linux, with the native transport); a silently dead peer is noticed this quickly
 * @param reconnectDelayMax the longest wait between two reconnection attempts (they back off exponentially
 *     from 10 ms up to this)
 * @param requestQueueSize the most requests in flight on the store (a request is one command, one script,
 *     or a batch of up to 500 SETs of a {@code setMany}); beyond it calls are refused at once (a miss or
 *     {@code false}, in fail-soft) instead of queued, so a slow Redis never builds a backlog
 * @param scanBatch the {@code COUNT} hint of each {@code SCAN} and the most keys per {@code UNLINK}
 * @param trustedCertificates a PEM file of the certificate authorities a {@code rediss://} server's certificate
 *     must be signed by, for a private CA; null for the JVM's trust store. Either way the server's certificate
 *     and its name (or IP address) are verified.
 */
public record RedisStoreOptions(
        String url,
        boolean cluster,
        String clientName,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration keepAliveIdle,
        Duration tcpUserTimeout,
        Duration reconnectDelayMax,
        int requestQueueSize,
        int scanBatch,
        Path trustedCertificates) {
    /** Default {@link #url()}: {@value}. */
    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    /** Default {@link #clientName()}: {@value}. */
    public static final String DEFAULT_CLIENT_NAME = "cachet";
    /** Default {@link #connectTimeout()}: 500 ms. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Default {@link #commandTimeout()}: 150 ms (Lettuce's own default is 60 s). */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(150);
    /** Default {@link #keepAliveIdle()}: 5 s. */
    public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(5);
    /** Default {@link #tcpUserTimeout()}: 5 s. */
    public static final Duration DEFAULT_TCP_USER_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #reconnectDelayMax()}: 500 ms, so a returning Redis is used again within a second. */
    public static final Duration DEFAULT_RECONNECT_DELAY_MAX = Duration.ofMillis(500);
    /** Default {@link #requestQueueSize()}: {@value}. */
    public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;
    /** Default {@link #scanBatch()}: {@value}. */
    public static final int DEFAULT_SCAN_BATCH = 1_000;

    /** Checks the fields. */
    public RedisStoreOptions {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(clientName, "clientName");
        positive("connectTimeout", connectTimeout);
        positive("commandTimeout", commandTimeout);
        positive("keepAliveIdle", keepAliveIdle);
        positive("tcpUserTimeout", tcpUserTimeout);
        positive("reconnectDelayMax", reconnectDelayMax);
        if (url.isBlank()) {
            throw new IllegalArgumentException("url must not be blank");
        }
        parse(url);
        if (requestQueueSize < 1) {
            throw new IllegalArgumentException("requestQueueSize must be positive, was " + requestQueueSize);
        }
        if (scanBatch < 1) {
            throw new IllegalArgumentException("scanBatch must be positive, was " + scanBatch);
        }
        if (trustedCertificates != null) {
            if (!parse(url).isSsl()) {
                throw new IllegalArgumentException("trustedCertificates " + trustedCertificates + " is for TLS, and url '"
                        + redact(url) + "' does not use it: write rediss://");
            }
            if (!Files.isRegularFile(trustedCertificates) || !Files.isReadable(trustedCertificates)) {
                throw new IllegalArgumentException("trustedCertificates " + trustedCertificates + " is not a readable file");
            }
        }
    }

    /**
     * The parsed form of {@code url}.
     *
     * @throws IllegalArgumentException naming the URL (without its password) when Lettuce cannot parse it
     */
    static RedisURI parse(String url) {
        try {
            return RedisURI.create(url);
        } catch (RuntimeException e) {
            // Lettuce's message may quote the URL, password and all.
            String reason = String.valueOf(e.getMessage()).replace(url, redact(url));
            throw new IllegalArgumentException("Redis url '" + redact(url) + "' is not valid: " + reason);
        }
    }

    /** {@code url} with the password (and user) replaced by {@code ***}, for messages and logs. */
    public static String redact(String url) {
        int start = url.indexOf("//");
        int at = url.lastIndexOf('@');
        return start < 0 || at < start ? url : url.substring(0, start + 2) + "***" + url.substring(at);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (!value.isPositive()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive a variant. */
    public Builder mutate() {
        Builder b = new Builder();
        b.url = url;
        b.cluster = cluster;
        b.clientName = clientName;
        b.connectTimeout = connectTimeout;
        b.commandTimeout = commandTimeout;
        b.keepAliveIdle = keepAliveIdle;
        b.tcpUserTimeout = tcpUserTimeout;
        b.reconnectDelayMax = reconnectDelayMax;
        b.requestQueueSize = requestQueueSize;
        b.scanBatch = scanBatch;
        b.trustedCertificates = trustedCertificates;
        return b;
    }

    /** Builds {@link RedisStoreOptions}. */
    public static final class Builder {
        private String url = DEFAULT_URL;
        private boolean cluster;
        private String clientName = DEFAULT_CLIENT_NAME;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration keepAliveIdle = DEFAULT_KEEP_ALIVE_IDLE;
        private Duration tcpUserTimeout = DEFAULT_TCP_USER_TIMEOUT;
        private Duration reconnectDelayMax = DEFAULT_RECONNECT_DELAY_MAX;
        private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
        private int scanBatch = DEFAULT_SCAN_BATCH;
        private Path trustedCertificates;

        private Builder() {
        }

        /** See {@link RedisStoreOptions#url()}. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** See {@link RedisStoreOptions#cluster()}. */
        public Builder cluster(boolean cluster) {
            this.cluster = cluster;
            return this;
        }

        /** See {@link RedisStoreOptions#clientName()}. */
        public Builder clientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        /** See {@link RedisStoreOptions#connectTimeout()}. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** See {@link RedisStoreOptions#commandTimeout()}. */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** See {@link RedisStoreOptions#keepAliveIdle()}. */
        public Builder keepAliveIdle(Duration keepAliveIdle) {
            this.keepAliveIdle = keepAliveIdle;
            return this;
        }

        /** See {@link RedisStoreOptions#tcpUserTimeout()}. */
        public Builder tcpUserTimeout(Duration tcpUserTimeout) {
            this.tcpUserTimeout = tcpUserTimeout;
            return this;
        }

        /** See {@link RedisStoreOptions#reconnectDelayMax()}. */
        public Builder reconnectDelayMax(Duration reconnectDelayMax) {
            this.reconnectDelayMax = reconnectDelayMax;
            return this;
        }

        /** See {@link RedisStoreOptions#requestQueueSize()}. */
        public Builder requestQueueSize(int requestQueueSize) {
            this.requestQueueSize = requestQueueSize;
            return this;
        }

        /** See {@link RedisStoreOptions#scanBatch()}. */
        public Builder scanBatch(int scanBatch) {
            this.scanBatch = scanBatch;
            return this;
        }

        /** The options; checks them. */
        /** See {@link RedisStoreOptions#trustedCertificates()}. */
        public Builder trustedCertificates(Path trustedCertificates) {
            this.trustedCertificates = trustedCertificates;
            return this;
        }

        public RedisStoreOptions build() {
            return new RedisStoreOptions(url, cluster, clientName, connectTimeout, commandTimeout, keepAliveIdle,
                    tcpUserTimeout, reconnectDelayMax, requestQueueSize, scanBatch, trustedCertificates);
        }
    }
}
