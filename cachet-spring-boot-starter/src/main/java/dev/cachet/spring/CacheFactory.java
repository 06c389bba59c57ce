package dev.cachet.spring;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.Codec;
import dev.cachet.Ttl;
import dev.cachet.local.LocalStore;
import dev.cachet.local.LocalStoreOptions;
import dev.cachet.redis.RedisInvalidations;
import dev.cachet.redis.RedisStore;
import dev.cachet.redis.RedisStoreOptions;
import dev.cachet.resilience.CircuitBreaker;
import dev.cachet.resilience.GuardedStore;
import dev.cachet.resilience.ResilienceOptions;
import dev.cachet.spring.CachetProperties.CacheProperties;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds the caches that {@link CachetProperties} describe. Every property is checked first, and a bad
 * one stops start-up with a message that names it ({@code cachet.caches.products.default-ttl}); nothing is
 * connected until all are good. Caches on the same Redis share one connection.
 */
final class CacheFactory {
    /** An alias that can stand in a property name as it is; any other is written in brackets. */
    private static final Pattern PLAIN_ALIAS = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final Map<String, CacheProperties> settings;
    private final List<String> applicationPackages;
    private final ClassLoader classLoader;

    /**
     * @param settings each alias' settings, {@code cachet.defaults} with the alias' own on top
     * @param applicationPackages the application's packages, whose classes may be read back from JSON
     * @param classLoader the application's, which tells whether an optional store module is there
     */
    CacheFactory(Map<String, CacheProperties> settings, List<String> applicationPackages, ClassLoader classLoader) {
        this.settings = settings;
        this.applicationPackages = applicationPackages;
        this.classLoader = classLoader;
    }

    /** Each alias' settings: a copy of {@code cachet.defaults} with {@code cachet.caches.<alias>.*} bound over it. */
    static Map<String, CacheProperties> resolve(CachetProperties properties, Binder binder) {
        Map<String, CacheProperties> resolved = new LinkedHashMap<>();
        for (String alias : properties.getCaches().keySet()) {
            checkAlias(alias);
            CacheProperties merged = properties.getDefaults().copy();
            // In brackets, so that a name Spring code uses as it is (productCache, catalog.products) binds too.
            binder.bind("cachet.caches[" + alias + "]", Bindable.ofInstance(merged));
            // A shared prefix goes in front of each cache's own, so that caches never share keys.
            String own = properties.getCaches().get(alias).getKeyPrefix();
            String shared = properties.getDefaults().getKeyPrefix();
            merged.setKeyPrefix((shared != null ? shared + ":" : "") + (own != null ? own : alias));
            resolved.put(alias, merged);
        }
        return resolved;
    }

    CachetCaches build() {
        Map<String, CacheOptions> options = new LinkedHashMap<>();
        settings.forEach((alias, cache) -> options.put(alias, options(alias, cache)));

        Map<String, CachetCaches.Entry> entries = new LinkedHashMap<>();
        Map<RedisStoreOptions, Store> redisByOptions = new HashMap<>();
        Map<String, CircuitBreaker> breakers = new HashMap<>();
        MemcachedCaches memcachedStores = new MemcachedCaches(classLoader);
        List<AutoCloseable> owned = new ArrayList<>();
        Function<RedisStoreOptions, Store> sharedRedis = redis -> redisByOptions.computeIfAbsent(redis, o -> own(owned, RedisStore.create(o)));
        try {
            settings.forEach((alias, cache) -> {
                CacheOptions cacheOptions = options.get(alias);
                CachetCaches.Entry entry = switch (cache.getStore()) {
                    case LOCAL -> {
                        Store local = own(owned, localStore(alias, cache));
                        yield new CachetCaches.Entry(Cache.create(local, cacheOptions), cache, null, local, null);
                    }
                    case REDIS -> {
                        RedisStoreOptions redis = redisOptions(alias, cache);
                        Store shared = sharedRedis.apply(redis);
                        yield new CachetCaches.Entry(Cache.create(guarded(shared, redis, cacheOptions, breakers), cacheOptions),
                                cache, shared, null, null);
                    }
                    case TIERED -> {
                        RedisStoreOptions redis = redisOptions(alias, cache);
                        TieredOptions tieredOptions = new TieredOptions(positive(alias, "local.ttl", cache.getLocal().getTtl()));
                        Store first = localStore(alias, cache);
                        Store second = sharedRedis.apply(redis);
                        // The tracking connection is the cache's own, named after it in CLIENT LIST. The tiered store
                        // is owned after the Redis store it shares, so it closes first, and it leaves that store open.
                        RedisStoreOptions tracking = redisOptions(alias, cache, "cachet-" + alias);
                        TieredStore tiered = own(owned, TieredStore.createOverShared(first, second,
                                RedisInvalidations.create(tracking, cacheOptions.keyPrefix() + ":"), tieredOptions));
                        yield new CachetCaches.Entry(Cache.create(guarded(tiered, redis, cacheOptions, breakers), cacheOptions),
                                cache, second, first, tiered);
                    }
                    case MEMCACHED -> {
                        Store shared = memcachedStores.shared(alias, cache, owned::add);
                        yield new CachetCaches.Entry(Cache.create(shared, cacheOptions), cache, null, null, null);
                    }
                };
                entries.put(alias, entry);
            });
        } catch (RuntimeException e) {
            new CachetCaches(Map.of(), owned).close();
            throw e;
        }
        return new CachetCaches(entries, owned);
    }

    /**
     * {@code store} guarded by the breaker of its Redis, which every cache on that Redis with the same breaker
     * settings shares: when Redis stops answering, a request that touches several caches pays a few timeouts
     * between them, not a few per cache.
     */
    private static GuardedStore guarded(Store store, RedisStoreOptions redis, CacheOptions options, Map<String, CircuitBreaker> breakers) {
        ResilienceOptions resilience = options.resilience();
        String server = RedisStoreOptions.redact(redis.url()) + " " + resilience.failureThreshold() + " " + resilience.openDuration();
        return GuardedStore.wrap(store, resilience, breakers.computeIfAbsent(server, key -> new CircuitBreaker(RedisStoreOptions.redact(redis.url()), resilience)));
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T resource) {
        owned.add(resource);
        return resource;
    }

    private Store localStore(String alias, CacheProperties cache) {
        LocalStoreOptions.Builder local = LocalStoreOptions.builder().name(alias);
        if (cache.getLocal().getMaximumSize() != null) {
            local.maximumBytes(positive(alias, "local.maximum-size", cache.getLocal().getMaximumSize().toBytes()));
        } else {
            local.maximumEntries(positive(alias, "local.maximum-entries", cache.getLocal().getMaximumEntries()));
        }
        return LocalStore.create(local.build());
    }

    private RedisStoreOptions redisOptions(String alias, CacheProperties cache) {
        // One name for the Redis stores, so that caches with the same settings share a connection.
        return redisOptions(alias, cache, "cachet");
    }

    private RedisStoreOptions redisOptions(String alias, CacheProperties cache, String clientName) {
        String url = cache.getUrl();
        if (url == null || url.isBlank()) {
            throw invalid(alias, "url", url, "a redis or tiered cache needs a Redis URL");
        }
        Path trusted = cache.getTrustedCertificates();
        if (trusted != null && (!Files.isRegularFile(trusted) || !Files.isReadable(trusted))) {
            throw invalid(alias, "trusted-certificates", trusted, "not a readable file");
        }
        return check(alias, "url", RedisStoreOptions.redact(url), () -> RedisStoreOptions.builder()
                .url(url)
                .trustedCertificates(trusted)
                .cluster(cache.isCluster())
                .clientName(clientName)
                .commandTimeout(positive(alias, "command-timeout", cache.getCommandTimeout()))
                .connectTimeout(positive(alias, "connect-timeout", cache.getConnectTimeout()))
                .build());
    }

    private CacheOptions options(String alias, CacheProperties cache) {
        String prefix = cache.getKeyPrefix();
        Ttl defaultTtl = Ttl.of(positive(alias, "default-ttl", cache.getDefaultTtl()));
        Ttl maxTtl = cache.getMaxTtl() == null ? Ttl.FOREVER : Ttl.of(positive(alias, "max-ttl", cache.getMaxTtl()));
        if (!maxTtl.isForever() && defaultTtl.toMillis() > maxTtl.toMillis()) {
            throw invalid(alias, "default-ttl", cache.getDefaultTtl(), "longer than max-ttl " + cache.getMaxTtl());
        }
        if (cache.getMaxPendingInvalidations() < 0) {
            throw invalid(alias, "max-pending-invalidations", cache.getMaxPendingInvalidations(), "must not be negative");
        }
        ResilienceOptions resilience = check(alias, "breaker", cache.getBreaker().getFailureThreshold(), () -> ResilienceOptions.builder()
                .failSoft(cache.isFailSoft())
                .failureThreshold(positive(alias, "breaker.failure-threshold", cache.getBreaker().getFailureThreshold()))
                .openDuration(positive(alias, "breaker.open-duration", cache.getBreaker().getOpenDuration()))
                .maxPendingInvalidations(cache.getMaxPendingInvalidations())
                .build());
        List<String> allowed = new ArrayList<>(Codec.JDK_VALUE_TYPES);
        allowed.add(SpringValues.Holder.class.getName());
        // The response cache's entries, and what it learns of each URL.
        allowed.add("dev.cachet.spring.web.CachedResponse");
        allowed.add("dev.cachet.spring.web.ResponseKeys$Variants");
        applicationPackages.forEach(pkg -> allowed.add(pkg + "."));
        for (String type : cache.getAllowedTypes()) {
            if (type == null || type.isBlank()) {
                throw invalid(alias, "allowed-types", type, "an allowed type prefix must not be blank");
            }
            allowed.add(type);
        }
        Codec codec = Codec.typedJson(allowed);
        return check(alias, "key-prefix", prefix, () -> CacheOptions.builder()
                .name(alias)
                .keyPrefix(prefix)
                .version(cache.getVersion())
                .defaultTtl(defaultTtl)
                .maxTtl(maxTtl)
                .codec(codec)
                .compressionThreshold(intBytes(alias, "compression-threshold", cache.getCompressionThreshold().toBytes()))
                .maxValueBytes(intBytes(alias, "max-value-size", cache.getMaxValueSize().toBytes()))
                .resilience(resilience)
                .staleWhileRevalidate(notNegative(alias, "stale-while-revalidate", cache.getStaleWhileRevalidate()))
                .staleIfError(notNegative(alias, "stale-if-error", cache.getStaleIfError()))
                .earlyRefresh(check(alias, "early-refresh", cache.getEarlyRefresh(), () -> {
                    if (!(cache.getEarlyRefresh() >= 0) || Double.isInfinite(cache.getEarlyRefresh())) {
                        throw new IllegalArgumentException("must be zero or a positive number");
                    }
                    return cache.getEarlyRefresh();
                }))
                .leaseTtl(positive(alias, "lease-ttl", cache.getLeaseTtl()))
                .leaseWait(notNegative(alias, "lease-wait", cache.getLeaseWait()))
                .shareDecodedValues(cache.isShareDecodedValues())
                .build());
    }

    static Duration positive(String alias, String property, Duration value) {
        if (value == null || !value.isPositive()) {
            throw invalid(alias, property, value, "must be a positive duration");
        }
        return value;
    }

    private static Duration notNegative(String alias, String property, Duration value) {
        if (value == null || value.isNegative()) {
            throw invalid(alias, property, value, "must be zero or a positive duration");
        }
        return value;
    }

    private static long positive(String alias, String property, long value) {
        if (value <= 0) {
            throw invalid(alias, property, value, "must be positive");
        }
        return value;
    }

    private static int positive(String alias, String property, int value) {
        if (value <= 0) {
            throw invalid(alias, property, value, "must be positive");
        }
        return value;
    }

    private static int intBytes(String alias, String property, long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw invalid(alias, property, bytes + "B", "must be between 1B and 2GB");
        }
        return (int) bytes;
    }

    /** Runs a builder step, naming the property when the step refuses its value. */
    static <T> T check(String alias, String property, Object value, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidConfigurationPropertyValueException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw invalid(alias, property, value, e.getMessage());
        }
    }

    /**
     * Checks that {@code alias} can name a cache: any name a Spring application gives one, written in brackets
     * in the properties when it is not lower-case letters, digits and '-' ({@code cachet.caches[productCache].store}).
     */
    private static void checkAlias(String alias) {
        if (alias.isBlank() || alias.indexOf('[') >= 0 || alias.indexOf(']') >= 0
                || alias.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidConfigurationPropertyValueException("cachet.caches", alias,
                    "a cache alias must not be blank, nor hold brackets or control characters");
        }
    }

    /** The property {@code property} of {@code alias}, as it is written in the application's properties. */
    static String propertyName(String alias, String property) {
        String cache = PLAIN_ALIAS.matcher(alias).matches() ? "cachet.caches." + alias : "cachet.caches[" + alias + "]";
        return cache + "." + property;
    }

    static InvalidConfigurationPropertyValueException invalid(String alias, String property, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(propertyName(alias, property), value, reason);
    }
}
