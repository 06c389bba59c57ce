package dev.cachet.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code cachet.*} properties: caches by alias, as Django's {@code CACHES}. Each alias becomes a
 * {@link dev.cachet.Cache} and a Spring cache of the same name. Every alias starts from
 * {@code cachet.defaults.*} and overrides what it sets.
 *
 * <pre>
 * cachet.defaults.url=redis://cache.internal:6379
 * cachet.caches.products.store=tiered
 * cachet.caches.products.default-ttl=1h
 * cachet.caches.sessions.store=local
 * </pre>
 */
@ConfigurationProperties("cachet")
public class CachetProperties {
    /** Settings every cache starts from; cachet.caches.ALIAS.* overrides them per cache. */
    private final CacheProperties defaults = new CacheProperties();

    /** Caches by alias; the alias is also the Spring cache name. Each takes every setting of cachet.defaults. */
    private Map<String, CacheProperties> caches = new LinkedHashMap<>();

    /** Spring's CacheManager over the caches. */
    private final CacheManager cacheManager = new CacheManager();

    public CacheManager getCacheManager() {
        return cacheManager;
    }

    /** Spring's CacheManager over the caches. */
    public static class CacheManager {
        /** Whether to give Spring's cache abstraction (@Cacheable) a CacheManager over the caches. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The JCache (JSR-107) cache manager over Cachet, when dev.cachet:cachet-jcache is on the class path. */
    private final JCache jcache = new JCache();

    public JCache getJcache() {
        return jcache;
    }

    /** The JCache (JSR-107) cache manager over Cachet, for libraries that speak JCache (Hibernate's second-level cache). */
    public static class JCache {
        /** Whether to give the application a javax.cache.CacheManager over Cachet when cachet-jcache is present. */
        private boolean enabled = true;

        /**
         * Where the JCache caches keep their entries: local, redis or tiered; cachet.defaults.store when unset, so
         * that an application whose caches are shared across instances shares its JCache caches too.
         */
        private String store;

        /**
         * Whether Hibernate's second-level cache (hibernate-jcache on the class path) keeps its regions in this
         * manager, unless hibernate.javax.cache.* names a manager of its own.
         */
        private boolean hibernate = true;

        /** Redis URL of the redis and tiered stores; cachet.defaults.url when unset. */
        private String url;

        /**
         * Class-name prefixes that stored keys and values may name, besides common JDK types and the application's
         * own packages (those of @SpringBootApplication).
         */
        private List<String> allowedTypes = new ArrayList<>();

        /** First part of every stored key; cachet.defaults.key-prefix and ':jcache' when that is set, else 'jcache'. */
        private String keyPrefix;

        /** The bound of each JCache cache's in-process store (local, and the first tier of tiered). */
        private long localMaximumEntries = 100_000;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getStore() {
            return store;
        }

        public void setStore(String store) {
            this.store = store;
        }

        public boolean isHibernate() {
            return hibernate;
        }

        public void setHibernate(boolean hibernate) {
            this.hibernate = hibernate;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public List<String> getAllowedTypes() {
            return allowedTypes;
        }

        public void setAllowedTypes(List<String> allowedTypes) {
            this.allowedTypes = allowedTypes;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public long getLocalMaximumEntries() {
            return localMaximumEntries;
        }

        public void setLocalMaximumEntries(long localMaximumEntries) {
            this.localMaximumEntries = localMaximumEntries;
        }
    }

    /** How Redis servers are watched for health and metrics. */
    private final Monitor monitor = new Monitor();

    public CacheProperties getDefaults() {
        return defaults;
    }

    public Monitor getMonitor() {
        return monitor;
    }

    /** The whole-response cache. */
    private final Web web = new Web();

    public Web getWeb() {
        return web;
    }

    /** Template fragment caching. */
    private final Fragments fragments = new Fragments();

    public Fragments getFragments() {
        return fragments;
    }

    /** Template fragment caching ({@code cachet:cache} in Thymeleaf templates). */
    public static class Fragments {
        /** The cache alias fragments are kept in, unless a fragment names another with cachet:alias. */
        private String cache;

        public String getCache() {
            return cache;
        }

        public void setCache(String cache) {
            this.cache = cache;
        }
    }

    /** The whole-response cache: per site (every GET/HEAD) or per endpoint ({@code @CachePage}). */
    public static class Web {
        /** Whether the response cache runs at all (per site or for @CachePage). */
        private boolean enabled = true;

        /** Cache every GET and HEAD response that allows it, as Django's per-site cache middleware. */
        private boolean site;

        /** The cache alias responses are kept in, unless @CachePage names another. */
        private String cache;

        /** What response keys start with inside the cache, unless @CachePage gives another. */
        private String keyPrefix = "page";

        /**
         * TTL of @CachePage responses with neither a ttl of their own nor s-maxage, max-age or Expires; the cache's
         * default TTL when unset. Never used for responses the application did not mark (site mode).
         */
        private Duration defaultTtl;

        /** The statuses of responses that may be stored. */
        private List<Integer> cacheableStatuses = new ArrayList<>(List.of(200));

        /** The response header that says whether a response came from the cache (HIT) or not (MISS); empty for none. */
        private String statusHeader = "X-Cache";

        /**
         * Host names (as in Host, without the port) whose responses are cached; other hosts are passed through.
         * Unset: this machine's own names (localhost, its loopback addresses, its host name, server.address).
         */
        private List<String> hosts = new ArrayList<>();

        /** Cookies that carry a session: a request with one has credentials, as one with Authorization has. */
        private List<String> sessionCookies = new ArrayList<>(List.of("JSESSIONID", "SESSION"));

        /**
         * Answer anonymous GET and HEAD requests (no Authorization, no cookie at all, no client certificate, no
         * Origin) ahead of Spring Security's filter chain, from pages stored from anonymous requests, once the whole
         * chain has let an anonymous request for the same URL through to that page in this process. It relies on an
         * anonymous response stored for a URL being right for any anonymous request for the same URL and variant:
         * leave it off when who may read a cached URL depends on anything but credentials (address, other headers).
         */
        private boolean anonymousHitsBeforeSecurity;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isSite() {
            return site;
        }

        public void setSite(boolean site) {
            this.site = site;
        }

        public String getCache() {
            return cache;
        }

        public void setCache(String cache) {
            this.cache = cache;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getDefaultTtl() {
            return defaultTtl;
        }

        public void setDefaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }

        public List<Integer> getCacheableStatuses() {
            return cacheableStatuses;
        }

        public void setCacheableStatuses(List<Integer> cacheableStatuses) {
            this.cacheableStatuses = cacheableStatuses;
        }

        public String getStatusHeader() {
            return statusHeader;
        }

        public void setStatusHeader(String statusHeader) {
            this.statusHeader = statusHeader;
        }

        public List<String> getHosts() {
            return hosts;
        }

        public void setHosts(List<String> hosts) {
            this.hosts = hosts;
        }

        public List<String> getSessionCookies() {
            return sessionCookies;
        }

        public void setSessionCookies(List<String> sessionCookies) {
            this.sessionCookies = sessionCookies;
        }

        public boolean isAnonymousHitsBeforeSecurity() {
            return anonymousHitsBeforeSecurity;
        }

        public void setAnonymousHitsBeforeSecurity(boolean anonymousHitsBeforeSecurity) {
            this.anonymousHitsBeforeSecurity = anonymousHitsBeforeSecurity;
        }
    }

    /** The background probe of each Redis (INFO) that the health indicator and the Redis gauges read. */
    public static class Monitor {
        /** How often each Redis is probed; health checks and scrapes read the latest probe, never Redis itself. */
        private Duration interval = Duration.ofSeconds(10);

        /** How long a probe may take before the Redis counts as down. */
        private Duration timeout = Duration.ofSeconds(1);

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    public Map<String, CacheProperties> getCaches() {
        return caches;
    }

    public void setCaches(Map<String, CacheProperties> caches) {
        this.caches = caches;
    }

    /** Where a cache keeps its entries. */
    public enum StoreType {
        /** In this process only (Caffeine). */
        LOCAL,
        /** In Redis, shared by every instance. */
        REDIS,
        /** In process in front of Redis, kept coherent across instances by Redis client tracking. */
        TIERED,
        /** In Memcached, shared by every instance; needs {@code dev.cachet:cachet-memcached} on the classpath. */
        MEMCACHED
    }

    /** One cache. */
    public static class CacheProperties {
        /** Where entries are kept: local, redis, tiered or memcached. */
        private StoreType store = StoreType.LOCAL;

        /**
         * Redis URL for the redis and tiered stores: redis://[user:password@]host[:port][/db], rediss:// for
         * TLS, redis-socket:///path, redis-sentinel://host:port/db#master; for the memcached store, its servers:
         * memcached://host[:port][,host[:port]...] (keys spread over them by consistent hashing).
         */
        private String url = "redis://127.0.0.1:6379";

        /**
         * PEM file of the certificate authorities a rediss:// server's certificate must be signed by, for a
         * private CA; unset: the JVM's trust store. The certificate and the host name are verified either way.
         */
        private Path trustedCertificates;

        /** Whether the URL names a seed node of a Redis Cluster. */
        private boolean cluster;

        /** Deadline of each Redis or Memcached command; keep it far below the query a cache hit saves. */
        private Duration commandTimeout = Duration.ofMillis(150);

        /** Deadline of connecting to Redis or to a Memcached server. */
        private Duration connectTimeout = Duration.ofMillis(500);

        /** TTL of entries written without one. */
        private Duration defaultTtl = Duration.ofSeconds(300);

        /** The longest TTL stored; longer ones, "forever" included, are cut to it. None when unset. */
        private Duration maxTtl;

        /**
         * First part of every stored key; the cache's alias when unset. Set in cachet.defaults, it goes in front
         * of each cache's own (release-42:products): a release id there isolates deploys.
         */
        private String keyPrefix;

        /** Default key version, the second part of every stored key. */
        private int version = 1;

        /**
         * Classes that may be read back from JSON type information: a package ending in '.' (com.acme.catalog.)
         * or a class's nested classes ending in '$' admit every class under them, any other entry that one class
         * (com.acme.Money). Values stored through Spring's cache abstraction carry their class name. The
         * application's own packages (those of @SpringBootApplication) and common JDK value types are always
         * allowed.
         */
        private List<String> allowedTypes = new ArrayList<>();

        /** Values whose serialized form is at least this large are compressed with LZ4. */
        private DataSize compressionThreshold = DataSize.ofKilobytes(8);

        /** The largest value stored, serialized and before compression; larger ones are refused. */
        private DataSize maxValueSize = DataSize.ofMegabytes(1);

        /** Whether Spring's cache abstraction may cache null results (as Spring's own caches do by default). */
        private boolean allowNullValues = true;

        /** Whether Redis trouble makes reads misses and writes no-ops (true), or throws. */
        private boolean failSoft = true;

        /**
         * How many keys and tags whose write or invalidation failed during a Redis outage are remembered, to be
         * invalidated before Redis is read again; 0 forgets them, and their old values stay until they expire.
         */
        private int maxPendingInvalidations = 10_000;

        /**
         * For store=local and store=tiered: whether an in-process hit of an unchanged value of any type hands
         * out the instance decoded before, instead of decoding it again. Only for values that nothing modifies
         * once read; without it, only types nobody can modify (strings, numbers, java.time values, enums,
         * records of these) are shared.
         */
        private boolean shareDecodedValues;

        /** Serve a value this long past its TTL while one caller refreshes it (get-or-compute). */
        private Duration staleWhileRevalidate = Duration.ZERO;

        /** Serve a value this long past its TTL while its loader fails (get-or-compute). */
        private Duration staleIfError = Duration.ZERO;

        /** XFetch beta of probabilistic early refresh; 0 turns it off, 1 is the usual setting. */
        private double earlyRefresh;

        /** How long a get-or-compute loader's lease lasts at most. */
        private Duration leaseTtl = Duration.ofSeconds(10);

        /** How long get-or-compute waits for another instance's loader before loading itself. */
        private Duration leaseWait = Duration.ofMillis(500);

        private final Local local = new Local();

        private final Breaker breaker = new Breaker();

        public StoreType getStore() {
            return store;
        }

        public void setStore(StoreType store) {
            this.store = store;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public Path getTrustedCertificates() {
            return trustedCertificates;
        }

        public void setTrustedCertificates(Path trustedCertificates) {
            this.trustedCertificates = trustedCertificates;
        }

        public boolean isCluster() {
            return cluster;
        }

        public void setCluster(boolean cluster) {
            this.cluster = cluster;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getDefaultTtl() {
            return defaultTtl;
        }

        public void setDefaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }

        public Duration getMaxTtl() {
            return maxTtl;
        }

        public void setMaxTtl(Duration maxTtl) {
            this.maxTtl = maxTtl;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public int getVersion() {
            return version;
        }

        public void setVersion(int version) {
            this.version = version;
        }

        public List<String> getAllowedTypes() {
            return allowedTypes;
        }

        public void setAllowedTypes(List<String> allowedTypes) {
            this.allowedTypes = allowedTypes;
        }

        public DataSize getCompressionThreshold() {
            return compressionThreshold;
        }

        public void setCompressionThreshold(DataSize compressionThreshold) {
            this.compressionThreshold = compressionThreshold;
        }

        public DataSize getMaxValueSize() {
            return maxValueSize;
        }

        public void setMaxValueSize(DataSize maxValueSize) {
            this.maxValueSize = maxValueSize;
        }

        public boolean isAllowNullValues() {
            return allowNullValues;
        }

        public void setAllowNullValues(boolean allowNullValues) {
            this.allowNullValues = allowNullValues;
        }

        public boolean isFailSoft() {
            return failSoft;
        }

        public void setFailSoft(boolean failSoft) {
            this.failSoft = failSoft;
        }

        public boolean isShareDecodedValues() {
            return shareDecodedValues;
        }

        public void setShareDecodedValues(boolean shareDecodedValues) {
            this.shareDecodedValues = shareDecodedValues;
        }

        public int getMaxPendingInvalidations() {
            return maxPendingInvalidations;
        }

        public void setMaxPendingInvalidations(int maxPendingInvalidations) {
            this.maxPendingInvalidations = maxPendingInvalidations;
        }

        public Duration getStaleWhileRevalidate() {
            return staleWhileRevalidate;
        }

        public void setStaleWhileRevalidate(Duration staleWhileRevalidate) {
            this.staleWhileRevalidate = staleWhileRevalidate;
        }

        public Duration getStaleIfError() {
            return staleIfError;
        }

        public void setStaleIfError(Duration staleIfError) {
            this.staleIfError = staleIfError;
        }

        public double getEarlyRefresh() {
            return earlyRefresh;
        }

        public void setEarlyRefresh(double earlyRefresh) {
            this.earlyRefresh = earlyRefresh;
        }

        public Duration getLeaseTtl() {
            return leaseTtl;
        }

        public void setLeaseTtl(Duration leaseTtl) {
            this.leaseTtl = leaseTtl;
        }

        public Duration getLeaseWait() {
            return leaseWait;
        }

        public void setLeaseWait(Duration leaseWait) {
            this.leaseWait = leaseWait;
        }

        public Local getLocal() {
            return local;
        }

        public Breaker getBreaker() {
            return breaker;
        }

        /** A copy, for a cache to start from and override. */
        CacheProperties copy() {
            CacheProperties copy = new CacheProperties();
            copy.store = store;
            copy.url = url;
            copy.trustedCertificates = trustedCertificates;
            copy.cluster = cluster;
            copy.commandTimeout = commandTimeout;
            copy.connectTimeout = connectTimeout;
            copy.defaultTtl = defaultTtl;
            copy.maxTtl = maxTtl;
            copy.keyPrefix = keyPrefix;
            copy.version = version;
            copy.allowedTypes = new ArrayList<>(allowedTypes);
            copy.compressionThreshold = compressionThreshold;
            copy.maxValueSize = maxValueSize;
            copy.allowNullValues = allowNullValues;
            copy.failSoft = failSoft;
            copy.maxPendingInvalidations = maxPendingInvalidations;
            copy.shareDecodedValues = shareDecodedValues;
            copy.staleWhileRevalidate = staleWhileRevalidate;
            copy.staleIfError = staleIfError;
            copy.earlyRefresh = earlyRefresh;
            copy.leaseTtl = leaseTtl;
            copy.leaseWait = leaseWait;
            copy.local.maximumEntries = local.maximumEntries;
            copy.local.maximumSize = local.maximumSize;
            copy.local.ttl = local.ttl;
            copy.breaker.failureThreshold = breaker.failureThreshold;
            copy.breaker.openDuration = breaker.openDuration;
            return copy;
        }
    }

    /** The in-process store: the whole cache for store=local, the first tier for store=tiered. */
    public static class Local {
        /** The most entries kept in process. */
        private long maximumEntries = 10_000;

        /** The most memory kept in process, keys and values; when set, it bounds instead of maximum-entries. */
        private DataSize maximumSize;

        /** For store=tiered: the longest an entry stays in process, a bound on staleness if a message is lost. */
        private Duration ttl = Duration.ofSeconds(30);

        public long getMaximumEntries() {
            return maximumEntries;
        }

        public void setMaximumEntries(long maximumEntries) {
            this.maximumEntries = maximumEntries;
        }

        public DataSize getMaximumSize() {
            return maximumSize;
        }

        public void setMaximumSize(DataSize maximumSize) {
            this.maximumSize = maximumSize;
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }
    }

    /** The circuit breaker in front of Redis. */
    public static class Breaker {
        /** Consecutive Redis failures that open the breaker. */
        private int failureThreshold = 5;

        /** How long an open breaker refuses calls before letting one probe through. */
        private Duration openDuration = Duration.ofSeconds(1);

        public int getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        public Duration getOpenDuration() {
            return openDuration;
        }

        public void setOpenDuration(Duration openDuration) {
            this.openDuration = openDuration;
        }
    }
}
