package dev.cachet.spring.actuate;

import dev.cachet.redis.RedisStore;
import dev.cachet.spring.CachetCaches;
import dev.cachet.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes each Redis behind the caches with {@code INFO} in the background, on its own schedule and
 * deadline, and keeps the latest answer. Health checks and metric scrapes read that answer and never wait
 * for Redis, so a slow or hung Redis cannot make them slow.
 */
public final class RedisMonitor implements AutoCloseable {
    /**
     * The latest probe of one Redis.
     *
     * @param info INFO's fields, empty when the probe failed
     * @param error why the probe failed, or null
     * @param at when the probe finished
     * @param latency how long it took
     */
    public record Probe(Map<String, String> info, String error, Instant at, Duration latency) {
        /** Whether the Redis answered. */
        public boolean up() {
            return error == null;
        }
    }

    private final Map<String, Store> stores = new LinkedHashMap<>();
    private final Map<String, List<String>> aliases = new LinkedHashMap<>();
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Duration timeout;
    private final ScheduledExecutorService schedule;

    /** Starts probing every Redis of {@code caches} now and then every {@code interval}. */
    public RedisMonitor(CachetCaches caches, Duration interval, Duration timeout) {
        this.timeout = timeout;
        for (CachetCaches.RedisServer server : caches.redisServers()) {
            stores.put(server.name(), server.store());
            aliases.put(server.name(), server.aliases());
        }
        this.schedule = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "cachet-redis-monitor");
            thread.setDaemon(true);
            return thread;
        });
        if (!stores.isEmpty()) {
            schedule.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The servers probed (as their stores name them), each with the aliases of the caches on it. */
    public Map<String, List<String>> servers() {
        return Collections.unmodifiableMap(aliases);
    }

    /** The latest probe of each server that has been probed yet. */
    public Map<String, Probe> probes() {
        return Map.copyOf(probes);
    }

    /** Probes every server now; completes when every probe has an answer or has failed. */
    public CompletableFuture<Void> refresh() {
        List<CompletableFuture<?>> running = new ArrayList<>();
        stores.forEach((name, store) -> {
            long started = System.nanoTime();
            running.add(RedisStore.info(store).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((info, error) -> {
                Duration latency = Duration.ofNanos(System.nanoTime() - started);
                probes.put(name, error == null
                        ? new Probe(Map.copyOf(info), null, Instant.now(), latency)
                        : new Probe(Map.of(), describe(error), Instant.now(), latency));
                return null;
            }));
        });
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
    }

    private String describe(Throwable error) {
        Throwable cause = Store.unwrap(error);
        if (cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
