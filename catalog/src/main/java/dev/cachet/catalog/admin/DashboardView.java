package dev.cachet.catalog.admin;

import dev.cachet.catalog.cache.RedisSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard's page polls ({@code GET /admin/cache/stats}): each cache's figures now, its hit ratio over
 * the last minutes, each Redis, and the alert rules' states.
 *
 * @param at when the latest sample was taken, in epoch milliseconds
 * @param intervalSeconds how often samples are taken
 * @param caches each cache now
 * @param hitRatio each cache's hit ratio over time
 * @param redis each Redis behind the caches
 * @param alerts the operations kit's alert rules, as they stand on the samples
 */
record DashboardView(long at, long intervalSeconds, List<CacheRow> caches, Chart hitRatio, List<RedisRow> redis,
        List<Alerts.State> alerts) {
    /** How far back the hit-ratio chart goes, in samples. */
    static final int CHART_POINTS = 300;
    /** The intervals each point of the chart covers: one alone is a handful of reads, too jumpy to read. */
    static final int SMOOTHING = 5;

    /**
     * One cache now.
     *
     * @param hitRatio hits and stale answers over every read since the start, or null before the first read
     * @param loadMillis the mean time of a load, or null before the first
     */
    record CacheRow(String alias, String store, long hits, long misses, long stale, Double hitRatio, Long firstTier, Long secondTier,
            long loads, Double loadMillis, long loadFailures, Map<String, Long> errors, String breaker, long pendingInvalidations,
            long droppedInvalidations, Long localEntries) {}

    /**
     * Hit ratios over time: at each sample, the share of the reads over the last {@value #SMOOTHING} intervals that
     * found a value (hits and stale answers), null when there was none.
     *
     * @param at the samples' times, in epoch seconds
     * @param ratios each cache's ratios, one per time
     */
    record Chart(List<Double> at, Map<String, List<Double>> ratios) {}

    /**
     * One Redis.
     *
     * @param memoryRatio used memory over {@code maxmemory}, null when unbounded
     * @param noEviction whether its policy refuses writes when full, which a cache should not run on
     */
    record RedisRow(String server, boolean up, String error, RedisSummary summary, Double memoryRatio, boolean noEviction, Long keys) {}

    static DashboardView of(List<Sample> samples, List<Alerts.State> alerts, long intervalSeconds) {
        if (samples.isEmpty()) {
            return new DashboardView(0, intervalSeconds, List.of(), new Chart(List.of(), Map.of()), List.of(), alerts);
        }
        Sample now = samples.getLast();
        List<CacheRow> caches = new ArrayList<>();
        now.caches().forEach((alias, cache) -> caches.add(new CacheRow(alias, cache.store(), cache.hits(), cache.misses(), cache.stale(),
                cache.gets() == 0 ? null : (double) (cache.hits() + cache.stale()) / cache.gets(), cache.firstTier(), cache.secondTier(),
                cache.loads(), cache.loads() == 0 ? null : cache.loadSeconds() * 1000 / cache.loads(), cache.loadFailures(), cache.errors(),
                cache.breaker(), cache.pendingInvalidations(), cache.droppedInvalidations(), cache.localEntries())));
        List<RedisRow> redis = new ArrayList<>();
        now.redis().forEach((server, probe) -> {
            RedisSummary summary = probe.summary();
            redis.add(summary == null ? new RedisRow(server, false, probe.error(), null, null, false, null)
                    : new RedisRow(server, true, null, summary, summary.maxMemory() == 0 ? null : (double) summary.usedMemory() / summary.maxMemory(),
                            summary.noEviction(), summary.keys()));
        });
        return new DashboardView(now.at(), intervalSeconds, caches, chart(samples), redis, alerts);
    }

    private static Chart chart(List<Sample> samples) {
        List<Sample> shown = samples.subList(Math.max(0, samples.size() - CHART_POINTS - SMOOTHING), samples.size());
        List<Double> at = new ArrayList<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        shown.getLast().caches().keySet().forEach(alias -> ratios.put(alias, new ArrayList<>()));
        for (int i = 1; i < shown.size(); i++) {
            Sample before = shown.get(Math.max(0, i - SMOOTHING));
            Sample after = shown.get(i);
            at.add(after.at() / 1000.0);
            ratios.forEach((alias, series) -> {
                Sample.CacheFigures then = before.caches().get(alias);
                Sample.CacheFigures now = after.caches().get(alias);
                long gets = then == null || now == null ? 0 : now.gets() - then.gets();
                series.add(gets <= 0 ? null : (double) (now.hits() + now.stale() - then.hits() - then.stale()) / gets);
            });
        }
        return new Chart(at, ratios);
    }
}
