package dev.cachet.spring;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.Codec;
import dev.cachet.store.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.cache.transaction.AbstractTransactionSupportingCacheManager;

/**
 * Spring's {@link org.springframework.cache.CacheManager} over Cachet caches: one Spring cache per configured
 * name, with that cache's TTL, so {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} use them.
 *
 * <p>Names are the application's own ({@code productCache}, {@code catalog.products}). A name that is not
 * configured as it is finds the cache configured under its relaxed form, lower-case with each word and each
 * '.' or '_' turned into '-' ({@code productCache} and {@code product_cache} find {@code product-cache},
 * {@code catalog.products} finds {@code catalog-products}), as Spring Boot's relaxed binding reads property
 * names. A name that finds neither has no cache, so a typo in {@code @Cacheable("prodcts")} fails loudly
 * rather than caching in a map nobody configured. With transaction awareness on, puts and evictions inside a
 * transaction happen after it commits.
 *
 * <p>Under Spring Boot the starter builds one from {@code cachet.caches.*}. Without it, {@link #builder(Store)}
 * makes one over a store, as Spring Data's {@code RedisCacheManager.builder} does:
 *
 * <pre>{@code
 * CachetCacheManager manager = CachetCacheManager.builder(RedisStore.create(redisOptions))
 *         .defaults(CacheOptions.builder().defaultTtl(Ttl.ofMinutes(10)).build())
 *         .withCache("productCache")
 *         .withCache("catalog.products", CacheOptions.builder().defaultTtl(Ttl.ofHours(1)).build())
 *         .allowedTypes("com.acme.shop.")
 *         .build();
 * }</pre>
 *
 * <p>A manager from the builder owns its store and closes it in {@link #close()} (which a Spring context
 * calls for a bean). Thread-safe.
 */
public final class CachetCacheManager extends AbstractTransactionSupportingCacheManager implements AutoCloseable {
    /** A cache by the name it was configured under, with its null policy. */
    private record Configured(Cache cache, boolean allowNullValues) {}

    private final Map<String, Configured> configured;
    private final List<AutoCloseable> owned;

    private CachetCacheManager(Map<String, Configured> configured, boolean transactionAware, List<AutoCloseable> owned) {
        this.configured = Collections.unmodifiableMap(new LinkedHashMap<>(configured));
        this.owned = List.copyOf(owned);
        setTransactionAware(transactionAware);
    }

    /** The manager over the caches the starter built; the starter's {@link CachetCaches} owns their stores. */
    static CachetCacheManager of(CachetCaches caches, boolean transactionAware) {
        Map<String, Configured> configured = new LinkedHashMap<>();
        caches.all().forEach((alias, cache) -> configured.put(alias, new Configured(cache, caches.settings(alias).isAllowNullValues())));
        return new CachetCacheManager(configured, transactionAware, List.of());
    }

    /** A builder of a manager over {@code store}, which the manager then owns and closes. */
    public static Builder builder(Store store) {
        return new Builder(Objects.requireNonNull(store, "store"));
    }

    @Override
    protected Collection<? extends org.springframework.cache.Cache> loadCaches() {
        List<org.springframework.cache.Cache> loaded = new ArrayList<>();
        configured.forEach((name, cache) -> loaded.add(new SpringCache(name, cache.cache(), cache.allowNullValues())));
        return loaded;
    }

    /** A name not configured as it is: the cache configured under its relaxed form, by the name asked for. */
    @Override
    protected org.springframework.cache.Cache getMissingCache(String name) {
        Configured relaxed = configured.get(relaxed(name));
        return relaxed == null ? null : new SpringCache(name, relaxed.cache(), relaxed.allowNullValues());
    }

    /**
     * {@code name} as Spring Boot writes a property name: lower-case, words of a camel-case name and runs
     * around '.' or '_' joined by '-'.
     */
    static String relaxed(String name) {
        StringBuilder form = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.' || c == '_') {
                form.append('-');
            } else if (Character.isUpperCase(c)) {
                if (i > 0 && form.charAt(form.length() - 1) != '-' && !Character.isUpperCase(name.charAt(i - 1))) {
                    form.append('-');
                }
                form.append(Character.toLowerCase(c));
            } else {
                form.append(c);
            }
        }
        return form.toString().toLowerCase(Locale.ROOT);
    }

    /** Closes the stores this manager owns: those of a manager from {@link #builder(Store)}, none of the starter's. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + resource + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Builds a {@link CachetCacheManager} over one store; each name is checked when it is added. */
    public static final class Builder {
        private final Store store;
        private final Map<String, CacheOptions> caches = new LinkedHashMap<>();
        private final List<String> allowedTypes = new ArrayList<>(Codec.JDK_VALUE_TYPES);
        private CacheOptions defaults = CacheOptions.DEFAULTS;
        private boolean allowNullValues = true;
        private boolean transactionAware;

        private Builder(Store store) {
            this.store = store;
            allowedTypes.add(SpringValues.Holder.class.getName());
        }

        /**
         * The options of each cache added by {@link #withCache(String)}: its TTLs, stale windows, leases and
         * resilience. Each such cache is named after its Spring name, and its key prefix is that name (after
         * these options' own prefix and ':', when they have one).
         */
        public Builder defaults(CacheOptions defaults) {
            this.defaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /** A cache by the name Spring code uses, with {@link #defaults(CacheOptions)}. */
        public Builder withCache(String name) {
            checkName(name);
            String prefix = defaults.keyPrefix().isEmpty() ? name : defaults.keyPrefix() + ":" + name;
            caches.put(name, defaults.mutate().name(name).keyPrefix(prefix).build());
            return this;
        }

        /** A cache by the name Spring code uses, with options of its own (a name and a prefix included). */
        public Builder withCache(String name, CacheOptions options) {
            checkName(name);
            caches.put(name, Objects.requireNonNull(options, "options"));
            return this;
        }

        private void checkName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("a cache name must not be blank nor hold control characters, was '" + name + "'");
            }
            if (caches.containsKey(name)) {
                throw new IllegalArgumentException("cache '" + name + "' is added twice");
            }
        }

        /**
         * Package prefixes ({@code com.acme.shop.}) or class names whose values may be read back. Spring asks for a
         * value without saying its type, so values are stored as JSON that names their classes, and only classes
         * on this list (and common JDK value and collection classes) are ever loaded from it; every cache's codec
         * is that, whatever its options say.
         */
        public Builder allowedTypes(String... prefixes) {
            for (String prefix : prefixes) {
                if (prefix == null || prefix.isBlank()) {
                    throw new IllegalArgumentException("an allowed type prefix must not be blank");
                }
                allowedTypes.add(prefix);
            }
            return this;
        }

        /** Whether null results are cached (as Spring's {@code NullValue}); true by default. */
        public Builder allowNullValues(boolean allowNullValues) {
            this.allowNullValues = allowNullValues;
            return this;
        }

        /** Whether puts and evictions inside a Spring-managed transaction wait for its commit; false by default. */
        public Builder transactionAware(boolean transactionAware) {
            this.transactionAware = transactionAware;
            return this;
        }

        /**
         * The manager, ready to use (a Spring context need not initialize it).
         *
         * @throws IllegalStateException if no cache was added
         */
        public CachetCacheManager build() {
            if (caches.isEmpty()) {
                throw new IllegalStateException("a cache manager needs at least one cache: add one with withCache(name)");
            }
            Codec codec = Codec.typedJson(allowedTypes);
            Map<String, Configured> configured = new LinkedHashMap<>();
            caches.forEach((name, options) -> configured.put(name,
                    new Configured(Cache.create(store, options.mutate().codec(codec).build()), allowNullValues)));
            CachetCacheManager manager = new CachetCacheManager(configured, transactionAware, List.of(store));
            manager.initializeCaches();
            return manager;
        }
    }
}
