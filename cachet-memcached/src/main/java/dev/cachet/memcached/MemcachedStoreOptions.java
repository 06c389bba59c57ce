package dev.cachet.memcached;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Options of the Memcached store. Defaults suit a cache, as the Redis store's do: a call that cannot be
 * answered in a fraction of the database query it saves is not worth waiting for.
 *
 * @param url the servers: {@code memcached://host[:port][,host[:port]...]}, port 11211 when left out, an
 *     IPv6 address in brackets ({@code memcached://[::1]:11211}); with several, keys are spread over them by
 *     ketama consistent hashing, so adding or removing one server moves only about its share of the keys
 * @param connectTimeout the longest a connection attempt may take
 * @param commandTimeout the deadline of every command; a command that misses it fails (a miss, in fail-soft)
 * @param keepAliveIdle idle time before TCP keepalive probes start; three probes one second apart follow
 *     (Linux, with the native transport)
 * @param tcpUserTimeout how long sent data may stay unacknowledged before the connection is dropped and
 *     re-established (Linux, with the native transport); a silently dead server is noticed this quickly
 * @param reconnectDelayMax the longest wait between two reconnection attempts to a server (they back off
 *     exponentially from 10 ms up to this)
 * @param requestQueueSize the most commands in flight on the store, over all servers; beyond it calls are
 *     refused at once (a miss or {@code false}, in fail-soft) instead of queued, so a slow server never
 *     builds a backlog
 * @param maxItemSize the servers' item size limit (memcached's {@code -I}): a value that would not fit in one
 *     item with its key and memcached's item header is refused with {@link dev.cachet.ValueTooLargeException}
 *     before it is sent
 */
public record MemcachedStoreOptions(
        String url,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration keepAliveIdle,
        Duration tcpUserTimeout,
        Duration reconnectDelayMax,
        int requestQueueSize,
        int maxItemSize) {
    /** Default {@link #url()}: {@value}. */
    public static final String DEFAULT_URL = "memcached://127.0.0.1:11211";
    /** The port of a server named without one: {@value}. */
    public static final int DEFAULT_PORT = 11211;
    /** Default {@link #connectTimeout()}: 500 ms. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** Default {@link #commandTimeout()}: 150 ms, as the Redis store's. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(150);
    /** Default {@link #keepAliveIdle()}: 5 s. */
    public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(5);
    /** Default {@link #tcpUserTimeout()}: 5 s. */
    public static final Duration DEFAULT_TCP_USER_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #reconnectDelayMax()}: 500 ms, so a returning server is used again within a second. */
    public static final Duration DEFAULT_RECONNECT_DELAY_MAX = Duration.ofMillis(500);
    /** Default {@link #requestQueueSize()}: {@value}. */
    public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;
    /** Default {@link #maxItemSize()}: 1 MiB, memcached's own default. */
    public static final int DEFAULT_MAX_ITEM_SIZE = 1 << 20;

    private static final String SCHEME = "memcached://";

    /** Checks the fields. */
    public MemcachedStoreOptions {
        Objects.requireNonNull(url, "url");
        positive("connectTimeout", connectTimeout);
        positive("commandTimeout", commandTimeout);
        positive("keepAliveIdle", keepAliveIdle);
        positive("tcpUserTimeout", tcpUserTimeout);
        positive("reconnectDelayMax", reconnectDelayMax);
        parse(url);
        if (requestQueueSize < 1) {
            throw new IllegalArgumentException("requestQueueSize must be positive, was " + requestQueueSize);
        }
        // memcached refuses -I below 1 KiB; an item must at least hold a key and its header.
        if (maxItemSize < 1024) {
            throw new IllegalArgumentException("maxItemSize must be at least 1024 bytes, was " + maxItemSize);
        }
    }

    /** The servers of {@link #url()}, in the order given, unresolved: names are looked up when connecting. */
    public List<InetSocketAddress> servers() {
        return parse(url);
    }

    /**
     * The servers that {@code url} names.
     *
     * @throws IllegalArgumentException naming the URL and what is wrong with it
     */
    static List<InetSocketAddress> parse(String url) {
        if (!url.startsWith(SCHEME)) {
            throw invalid(url, "it must start with " + SCHEME);
        }
        String list = url.substring(SCHEME.length());
        if (list.isEmpty()) {
            throw invalid(url, "it names no server");
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String server : list.split(",", -1)) {
            InetSocketAddress address = server(url, server);
            if (!seen.add(address.getHostString() + ":" + address.getPort())) {
                throw invalid(url, "server " + server + " is named twice");
            }
            servers.add(address);
        }
        return List.copyOf(servers);
    }

    private static InetSocketAddress server(String url, String server) {
        String host;
        String port;
        if (server.startsWith("[")) {
            int close = server.indexOf(']');
            if (close < 0) {
                throw invalid(url, "'" + server + "' opens an IPv6 address with '[' and does not close it");
            }
            host = server.substring(1, close);
            String rest = server.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw invalid(url, "'" + server + "' has '" + rest + "' after its address");
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = server.indexOf(':');
            host = colon < 0 ? server : server.substring(0, colon);
            port = colon < 0 ? null : server.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw invalid(url, "a server has no host");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%')) {
                throw invalid(url, "host '" + host + "' holds '" + c + "' (a path, query or user is not allowed)");
            }
        }
        return InetSocketAddress.createUnresolved(host, port == null ? DEFAULT_PORT : port(url, port));
    }

    private static int port(String url, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the URL.
        }
        throw invalid(url, "port '" + text + "' is not a number from 1 to 65535");
    }

    private static IllegalArgumentException invalid(String url, String reason) {
        return new IllegalArgumentException("Memcached url '" + url + "' is not valid: " + reason);
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
        b.connectTimeout = connectTimeout;
        b.commandTimeout = commandTimeout;
        b.keepAliveIdle = keepAliveIdle;
        b.tcpUserTimeout = tcpUserTimeout;
        b.reconnectDelayMax = reconnectDelayMax;
        b.requestQueueSize = requestQueueSize;
        b.maxItemSize = maxItemSize;
        return b;
    }

    /** Builds {@link MemcachedStoreOptions}. */
    public static final class Builder {
        private String url = DEFAULT_URL;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration keepAliveIdle = DEFAULT_KEEP_ALIVE_IDLE;
        private Duration tcpUserTimeout = DEFAULT_TCP_USER_TIMEOUT;
        private Duration reconnectDelayMax = DEFAULT_RECONNECT_DELAY_MAX;
        private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
        private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;

        private Builder() {
        }

        /** See {@link MemcachedStoreOptions#url()}. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** See {@link MemcachedStoreOptions#connectTimeout()}. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** See {@link MemcachedStoreOptions#commandTimeout()}. */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** See {@link MemcachedStoreOptions#keepAliveIdle()}. */
        public Builder keepAliveIdle(Duration keepAliveIdle) {
            this.keepAliveIdle = keepAliveIdle;
            return this;
        }

        /** See {@link MemcachedStoreOptions#tcpUserTimeout()}. */
        public Builder tcpUserTimeout(Duration tcpUserTimeout) {
            this.tcpUserTimeout = tcpUserTimeout;
            return this;
        }

        /** See {@link MemcachedStoreOptions#reconnectDelayMax()}. */
        public Builder reconnectDelayMax(Duration reconnectDelayMax) {
            this.reconnectDelayMax = reconnectDelayMax;
            return this;
        }

        /** See {@link MemcachedStoreOptions#requestQueueSize()}. */
        public Builder requestQueueSize(int requestQueueSize) {
            this.requestQueueSize = requestQueueSize;
            return this;
        }

        /** See {@link MemcachedStoreOptions#maxItemSize()}. */
        public Builder maxItemSize(int maxItemSize) {
            this.maxItemSize = maxItemSize;
            return this;
        }

        /** The options; checks them. */
        public MemcachedStoreOptions build() {
            return new MemcachedStoreOptions(url, connectTimeout, commandTimeout, keepAliveIdle, tcpUserTimeout,
                    reconnectDelayMax, requestQueueSize, maxItemSize);
        }
    }
}
