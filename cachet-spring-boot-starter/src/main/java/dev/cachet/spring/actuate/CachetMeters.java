package dev.cachet.spring.actuate;

import dev.cachet.Cache;
import dev.cachet.CacheStats;
import dev.cachet.local.LocalStore;
import dev.cachet.resilience.CircuitBreaker;
import dev.cachet.spring.CachetCaches;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for every configured cache and for the Redis servers behind them. Each meter reads the
 * cache's counters (or the monitor's latest Redis probe) when it is scraped; nothing is counted twice and
 * a scrape never calls Redis.
 *
 * <p>Per cache ({@code cache} tag): {@code cachet.gets} by {@code result} (hit, miss, stale),
 * {@code cachet.puts}, {@code cachet.deletes}, {@code cachet.loads} (a timer: count and total load time),
 * {@code cachet.load.failures}, {@code cachet.lease.waits}, {@code cachet.decode.failures},
 * {@code cachet.errors} by {@code cause} (timeout, refused, circuit_open, other), {@code cachet.breaker.open} (1 while the circuit breaker is open or
 * half-open), {@code cachet.invalidations.pending} and {@code cachet.invalidations.dropped}; for local and tiered caches {@code cachet.local.size}; for tiered caches {@code cachet.tier.gets}
 * by {@code tier} (first, second) and {@code cachet.invalidations.received}. Per Redis ({@code server} tag),
 * from INFO: {@code cachet.redis.memory.used} and {@code cachet.redis.memory.max} (bytes), {@code cachet.redis.evictions},
 * {@code cachet.redis.keyspace.hits}, {@code cachet.redis.keyspace.misses}, {@code cachet.redis.clients} and
 * {@code cachet.redis.up}.
 */
public final class CachetMeters implements MeterBinder {
    /** The kinds backend failures are counted under, from the causes the cache records. */
    private static final List<String> CAUSES = List.of("timeout", "refused", "circuit_open", "other");

    private final CachetCaches caches;
    private final RedisMonitor monitor;

    /** Meters for {@code caches}, with Redis figures from {@code monitor}. */
    public CachetMeters(CachetCaches caches, RedisMonitor monitor) {
        this.caches = caches;
        this.monitor = monitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        caches.all().forEach((alias, cache) -> bindCache(registry, alias, cache));
        monitor.servers().keySet().forEach(server -> bindRedis(registry, server));
    }

    private void bindCache(MeterRegistry registry, String alias, Cache cache) {
        Tags tags = Tags.of("cache", alias);
        counter(registry, "cachet.gets", "reads that found a fresh value", tags.and("result", "hit"), cache, CacheStats::hits);
        counter(registry, "cachet.gets", "reads that found no value", tags.and("result", "miss"), cache, CacheStats::misses);
        counter(registry, "cachet.gets", "get-or-compute calls answered with a value past its TTL",
                tags.and("result", "stale"), cache, CacheStats::staleHits);
        counter(registry, "cachet.puts", "values written", tags, cache, CacheStats::sets);
        counter(registry, "cachet.deletes", "delete calls", tags, cache, CacheStats::deletes);
        FunctionTimer.builder("cachet.loads", cache, c -> c.stats().loads(), c -> c.stats().loadNanos(), TimeUnit.NANOSECONDS)
                .description("get-or-compute loader calls and the time they took").tags(tags).register(registry);
        counter(registry, "cachet.load.failures", "loader calls that threw", tags, cache, CacheStats::loadFailures);
        counter(registry, "cachet.lease.waits", "get-or-compute calls that waited for another caller's load", tags, cache,
                CacheStats::leaseWaits);
        counter(registry, "cachet.decode.failures", "stored values that could not be decoded (and were removed)", tags, cache,
                CacheStats::decodeFailures);
        for (String cause : CAUSES) {
            counter(registry, "cachet.errors", "backend failures", tags.and("cause", cause), cache,
                    stats -> stats.errorsByCause().entrySet().stream().filter(entry -> kind(entry.getKey()).equals(cause))
                            .mapToLong(Map.Entry::getValue).sum());
        }
        Gauge.builder("cachet.breaker.open", cache, c -> c.stats().breaker() == CircuitBreaker.State.CLOSED ? 0 : 1)
                .description("1 while the circuit breaker keeps calls from the backend (open or half-open)")
                .tags(tags).register(registry);
        Gauge.builder("cachet.invalidations.pending", cache, c -> c.stats().pendingInvalidations())
                .description("keys and tags whose write or invalidation failed, to be invalidated when the backend answers")
                .tags(tags).register(registry);
        counter(registry, "cachet.invalidations.dropped", "failed invalidations not remembered because too many were pending",
                tags, cache, CacheStats::droppedInvalidations);
        caches.localStore(alias).ifPresent(local -> Gauge.builder("cachet.local.size", local, LocalStore::estimatedSize)
                .description("entries held in process").tags(tags).register(registry));
        caches.tieredStore(alias).ifPresent(tiered -> {
            FunctionCounter.builder("cachet.tier.gets", tiered, TieredStore::firstTierHits)
                    .description("reads answered by each tier").tags(tags.and("tier", "first")).register(registry);
            FunctionCounter.builder("cachet.tier.gets", tiered, TieredStore::secondTierReads)
                    .description("reads answered by each tier").tags(tags.and("tier", "second")).register(registry);
            FunctionCounter.builder("cachet.invalidations.received", tiered, TieredStore::invalidationsReceived)
                    .description("invalidations of keys, tags and whole flushes reported to the first tier")
                    .tags(tags).register(registry);
        });
    }

    /**
     * The kind of a recorded cause: the cache records the failing exception's class (a driver's timeout, a
     * refusal of the in-flight bound, the open breaker, a connection error), which a meter groups.
     */
    static String kind(String cause) {
        if (cause.equals("CircuitOpen")) {
            return "circuit_open";
        }
        if (cause.equals("Refused")) {
            return "refused";
        }
        return cause.contains("Timeout") ? "timeout" : "other";
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags, Cache cache,
            ToDoubleFunction<CacheStats> value) {
        FunctionCounter.builder(name, cache, c -> value.applyAsDouble(c.stats())).description(description).tags(tags).register(registry);
    }

    private void bindRedis(MeterRegistry registry, String server) {
        Tags tags = Tags.of("server", server);
        redisGauge(registry, "cachet.redis.memory.used", "memory Redis uses (used_memory)", server, tags, "used_memory", BaseUnits.BYTES);
        redisGauge(registry, "cachet.redis.memory.max", "Redis' maxmemory, 0 for unbounded", server, tags, "maxmemory", BaseUnits.BYTES);
        redisGauge(registry, "cachet.redis.clients", "connected clients", server, tags, "connected_clients", null);
        redisCounter(registry, "cachet.redis.evictions", "keys Redis evicted to stay under maxmemory", server, tags, "evicted_keys");
        redisCounter(registry, "cachet.redis.keyspace.hits", "lookups of keys that existed", server, tags, "keyspace_hits");
        redisCounter(registry, "cachet.redis.keyspace.misses", "lookups of keys that did not", server, tags, "keyspace_misses");
        Gauge.builder("cachet.redis.up", monitor, m -> {
            RedisMonitor.Probe probe = m.probes().get(server);
            return probe == null ? Double.NaN : probe.up() ? 1 : 0;
        }).description("1 when the latest probe of Redis was answered").tags(tags).register(registry);
    }

    private void redisGauge(MeterRegistry registry, String name, String description, String server, Tags tags, String field,
            String baseUnit) {
        Gauge.builder(name, monitor, m -> field(m, server, field)).description(description).baseUnit(baseUnit).tags(tags)
                .register(registry);
    }

    private void redisCounter(MeterRegistry registry, String name, String description, String server, Tags tags, String field) {
        FunctionCounter.builder(name, monitor, m -> field(m, server, field)).description(description).tags(tags).register(registry);
    }

    /** A numeric INFO field of the latest probe, or NaN when there is none yet or the probe failed. */
    private static double field(RedisMonitor monitor, String server, String field) {
        RedisMonitor.Probe probe = monitor.probes().get(server);
        String value = probe == null ? null : probe.info().get(field);
        try {
            return value == null ? Double.NaN : Double.parseDouble(value);
        } catch (NumberFormatException notANumber) {
            return Double.NaN;
        }
    }
}
