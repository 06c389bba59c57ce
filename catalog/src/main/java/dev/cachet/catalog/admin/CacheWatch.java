package dev.cachet.catalog.admin;

import dev.cachet.Cache;
import dev.cachet.catalog.cache.RedisSummary;
import dev.cachet.spring.CachetCaches;
import dev.cachet.spring.actuate.RedisMonitor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Watches the caches for the dashboard: every {@link #INTERVAL} it reads the cache meters the service exports
 * ({@code cachet.*}, the ones Prometheus scrapes) and the latest background probe of each Redis (which the Redis
 * meters also read), keeps the last {@link #KEPT} of those samples, and evaluates the operations kit's alert rules
 * on them. Reading never calls Redis; the dashboard reads what was sampled.
 */
@Component
@ConditionalOnWebApplication
class CacheWatch implements DisposableBean {
    /** How often the meters are sampled. */
    static final Duration INTERVAL = Duration.ofSeconds(2);
    /** How much history is kept: the longest alert window and {@code for} (15 minutes) and then some. */
    static final Duration KEPT = Duration.ofMinutes(20);
    /** The causes {@code cachet.errors} counts failures under. */
    private static final List<String> CAUSES = List.of("timeout", "refused", "circuit_open", "other");
    private static final Logger LOG = LoggerFactory.getLogger(CacheWatch.class);

    private final MeterRegistry meters;
    private final CachetCaches caches;
    private final RedisMonitor monitor;
    private final Clock clock;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Alerts alerts = new Alerts();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "catalog-cache-watch");
        thread.setDaemon(true);
        return thread;
    });

    CacheWatch(MeterRegistry meters, CachetCaches caches, RedisMonitor monitor) {
        this.meters = meters;
        this.caches = caches;
        this.monitor = monitor;
        this.clock = Clock.systemUTC();
    }

    /** Starts sampling once the application is ready: before, the meters are not all bound yet. */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        schedule.scheduleWithFixedDelay(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                // A task that throws is never run again: this sample is lost, the next one is taken.
                LOG.warn("sampling the cache meters failed", e);
            }
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The samples kept, oldest first. */
    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The alert rules' states at the latest sample. */
    synchronized List<Alerts.State> alerts() {
        return alerts.states();
    }

    /** Takes a sample now; the schedule does every {@link #INTERVAL}. */
    synchronized Sample sample() {
        Sample sample = read();
        samples.addLast(sample);
        while (samples.getFirst().at() < sample.at() - KEPT.toMillis()) {
            samples.removeFirst();
        }
        alerts.evaluate(List.copyOf(samples));
        return sample;
    }

    private Sample read() {
        Map<String, Sample.CacheFigures> figures = new LinkedHashMap<>();
        caches.all().forEach((alias, cache) -> figures.put(alias, figures(alias, cache)));
        Map<String, Sample.Redis> redis = new LinkedHashMap<>();
        monitor.servers().keySet().forEach(server -> {
            RedisMonitor.Probe probe = monitor.probes().get(server);
            if (probe == null) {
                redis.put(server, new Sample.Redis(null, "not probed yet"));
            } else {
                redis.put(server, probe.up() ? new Sample.Redis(RedisSummary.of(server, probe.info()), null) : new Sample.Redis(null, probe.error()));
            }
        });
        return new Sample(clock.millis(), figures, redis);
    }

    private Sample.CacheFigures figures(String alias, Cache cache) {
        Map<String, Long> errors = new LinkedHashMap<>();
        for (String cause : CAUSES) {
            errors.put(cause, count(search("cachet.errors", alias, "cause", cause)));
        }
        FunctionTimer loads = search("cachet.loads", alias).functionTimer();
        Gauge local = search("cachet.local.size", alias).gauge();
        Gauge open = search("cachet.breaker.open", alias).gauge();
        Gauge pending = search("cachet.invalidations.pending", alias).gauge();
        boolean tiered = caches.tieredStore(alias).isPresent();
        return new Sample.CacheFigures(caches.storeType(alias),
                count(search("cachet.gets", alias, "result", "hit")),
                count(search("cachet.gets", alias, "result", "miss")),
                count(search("cachet.gets", alias, "result", "stale")),
                tiered ? count(search("cachet.tier.gets", alias, "tier", "first")) : null,
                tiered ? count(search("cachet.tier.gets", alias, "tier", "second")) : null,
                loads == null ? 0 : (long) loads.count(),
                loads == null ? 0 : loads.totalTime(TimeUnit.SECONDS),
                count(search("cachet.load.failures", alias)),
                errors,
                cache.stats().breaker().name(),
                open != null && open.value() == 1,
                pending == null ? 0 : (long) pending.value(),
                count(search("cachet.invalidations.dropped", alias)),
                local == null ? null : (long) local.value());
    }

    private Search search(String name, String alias, String... tags) {
        return meters.find(name).tag("cache", alias).tags(tags);
    }

    private static long count(Search search) {
        FunctionCounter counter = search.functionCounter();
        return counter == null ? 0 : (long) counter.count();
    }

    @Override
    public void destroy() {
        schedule.shutdownNow();
    }
}
