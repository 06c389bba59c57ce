package dev.cachet.jcache;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What a cache manager's URI and properties say: which store its caches live on, where Redis is, which classes
 * stored data may name, and the key prefix. Each property is looked up in the manager's properties, then in the
 * system properties, then defaults.
 *
 * @param store the store every cache of the manager lives on
 * @param redisUrl the Redis of the {@code redis} and {@code tiered} stores
 * @param allowedTypes class-name prefixes that stored keys and values may name, besides common JDK types
 * @param keyPrefix the first part of every stored key; a cache's keys are under {@code {keyPrefix}:{cache name}}
 * @param localMaximumEntries the bound of each cache's in-process store ({@code local}, first tier of {@code tiered})
 * @param failSoft whether a store failure makes a read a miss and a write one that is not kept (true), or a
 *     {@link javax.cache.CacheException} (false, the default)
 */
record Settings(StoreType store, String redisUrl, List<String> allowedTypes, String keyPrefix, long localMaximumEntries,
        boolean failSoft) {
    static final String STORE = "cachet.jcache.store";
    static final String REDIS_URL = "cachet.jcache.redis-url";
    static final String ALLOWED_TYPES = "cachet.jcache.allowed-types";
    static final String KEY_PREFIX = "cachet.jcache.key-prefix";
    static final String LOCAL_MAXIMUM_ENTRIES = "cachet.jcache.local.maximum-entries";
    static final String FAIL_SOFT = "cachet.jcache.fail-soft";

    static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    static final String DEFAULT_KEY_PREFIX = "jcache";
    static final long DEFAULT_LOCAL_MAXIMUM_ENTRIES = 100_000;

    /** Where a manager's caches keep their entries. */
    enum StoreType { LOCAL, REDIS, TIERED }

    /**
     * The settings of the manager at {@code uri}: a {@code redis://} or {@code rediss://} URI is the Redis URL (unless
     * the manager's properties name another) and means the {@code redis} store unless {@value #STORE} says
     * {@code tiered}; any other URI only names the manager.
     *
     * @throws IllegalArgumentException naming the property whose value is wrong
     */
    static Settings of(URI uri, Properties properties) {
        boolean redisUri = "redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme());
        String storeName = lookup(properties, STORE, redisUri ? "redis" : "local");
        StoreType store;
        try {
            store = StoreType.valueOf(storeName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(STORE + " must be local, redis or tiered, was '" + storeName + "'");
        }
        // A Redis URI names the server more closely than a system property does; the manager's own property most.
        if (store != StoreType.LOCAL && !redisModulePresent()) {
            throw new IllegalArgumentException(STORE + " is " + storeName.trim() + ", which needs dev.cachet:cachet-redis on the class path");
        }
        String redisUrl = properties.getProperty(REDIS_URL,
                redisUri ? uri.toString() : System.getProperty(REDIS_URL, DEFAULT_REDIS_URL));
        List<String> allowed = Arrays.stream(lookup(properties, ALLOWED_TYPES, "").split(","))
                .map(String::trim)
                .filter(prefix -> !prefix.isEmpty())
                .toList();
        String keyPrefix = lookup(properties, KEY_PREFIX, DEFAULT_KEY_PREFIX);
        if (keyPrefix.isBlank()) {
            throw new IllegalArgumentException(KEY_PREFIX + " must not be blank");
        }
        String maximum = lookup(properties, LOCAL_MAXIMUM_ENTRIES, Long.toString(DEFAULT_LOCAL_MAXIMUM_ENTRIES));
        long maximumEntries;
        try {
            maximumEntries = Long.parseLong(maximum.trim());
        } catch (NumberFormatException e) {
            maximumEntries = 0;
        }
        if (maximumEntries <= 0) {
            throw new IllegalArgumentException(LOCAL_MAXIMUM_ENTRIES + " must be a positive number, was '" + maximum + "'");
        }
        String failSoft = lookup(properties, FAIL_SOFT, "false").trim();
        if (!failSoft.equalsIgnoreCase("true") && !failSoft.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(FAIL_SOFT + " must be true or false, was '" + failSoft + "'");
        }
        return new Settings(store, redisUrl, allowed, keyPrefix, maximumEntries, Boolean.parseBoolean(failSoft));
    }

    private static boolean redisModulePresent() {
        try {
            Class.forName("dev.cachet.redis.RedisStore", false, Settings.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String lookup(Properties properties, String name, String fallback) {
        String value = properties.getProperty(name);
        return value != null ? value : System.getProperty(name, fallback);
    }
}
