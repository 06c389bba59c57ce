package dev.cachet.spring.actuate;

import dev.cachet.spring.CachetCaches;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health from the caches' point of view, answered at once from the {@link RedisMonitor}'s latest probes:
 * a health check never waits for Redis. A fail-soft cache serves from the database while its Redis is down,
 * so such an outage is reported in the details (and by {@code degraded}) without taking the instance out of
 * service; only a strict cache whose Redis is down makes the status DOWN.
 */
public final class CachetHealthIndicator implements HealthIndicator {
    private final CachetCaches caches;
    private final RedisMonitor monitor;

    /** Health of {@code caches}, with Redis as {@code monitor} last saw it. */
    public CachetHealthIndicator(CachetCaches caches, RedisMonitor monitor) {
        this.caches = caches;
        this.monitor = monitor;
    }

    @Override
    public Health health() {
        Map<String, Object> servers = new LinkedHashMap<>();
        boolean strictDown = false;
        boolean degraded = false;
        for (Map.Entry<String, List<String>> server : monitor.servers().entrySet()) {
            RedisMonitor.Probe probe = monitor.probes().get(server.getKey());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("caches", server.getValue());
            if (probe == null) {
                details.put("status", "UNKNOWN");
                details.put("reason", "not probed yet");
            } else {
                details.put("status", probe.up() ? "UP" : "DOWN");
                details.put("probedAt", probe.at().toString());
                details.put("latencyMillis", probe.latency().toMillis());
                if (probe.up()) {
                    details.put("usedMemory", probe.info().get("used_memory"));
                    details.put("maxmemory", probe.info().get("maxmemory"));
                } else {
                    details.put("error", probe.error());
                    degraded = true;
                    strictDown |= server.getValue().stream().anyMatch(alias -> !caches.failSoft(alias));
                }
            }
            servers.put(server.getKey(), details);
        }
        Map<String, Object> cacheDetails = new LinkedHashMap<>();
        caches.all().forEach((alias, cache) -> cacheDetails.put(alias, Map.of(
                "store", caches.storeType(alias),
                "failSoft", caches.failSoft(alias),
                "breaker", cache.stats().breaker().name())));
        Health.Builder health = strictDown ? Health.down() : Health.up();
        if (degraded && !strictDown) {
            health.withDetail("degraded", "a Redis is down: its fail-soft caches answer every read from the loader");
        }
        return health.withDetail("redis", servers).withDetail("caches", cacheDetails).build();
    }
}
