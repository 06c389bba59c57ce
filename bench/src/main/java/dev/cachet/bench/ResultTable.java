package dev.cachet.bench;

import dev.cachet.CacheStats;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Renders comparisons as a plain-text table, each Cachet row directly above its raw baseline, and the
 * lines below it: the scenarios' latencies, in the table's units, and caches' counters.
 */
final class ResultTable {
    private static final String ROW = "%-14s %-9s %12s %10s %10s %11s %7s %8s%n";

    private ResultTable() {
    }

    static String render(List<Comparison> comparisons) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, ROW,
                "contender", "operation", "ops/s", "p50 us", "p99 us", "cachet/raw", "spread", "failed"));
        for (Comparison comparison : comparisons) {
            table.append(row(comparison.cachet(), String.format(Locale.ROOT, "%.2f", comparison.ratio())));
            table.append(row(comparison.raw(), "-"));
        }
        return table.toString();
    }

    /** {@code nanos} as one line: how many, then p50, p99 and max in microseconds. */
    static String latencies(Histogram nanos) {
        return String.format(Locale.ROOT, "count %,d, p50 %,.1f us, p99 %,.1f us, max %,.1f us", nanos.getTotalCount(),
                nanos.getValueAtPercentile(50) / 1e3, nanos.getValueAtPercentile(99) / 1e3, nanos.getMaxValue() / 1e3);
    }

    /** A cache's counters, which show whether fail-soft turned backend errors into misses or extra loads. */
    static String counters(CacheStats stats) {
        return String.format(Locale.ROOT, "%s counters: %,d hits, %,d misses, %,d sets, %,d loads, backend errors %s,"
                        + " breaker %s",
                stats.name(), stats.hits(), stats.misses(), stats.sets(), stats.loads(), stats.errorsByCause(), stats.breaker());
    }

    private static String row(Result result, String ratio) {
        Measurement median = result.median();
        return String.format(Locale.ROOT, ROW,
                result.contender(),
                result.workload(),
                String.format(Locale.ROOT, "%,.0f", median.throughput()),
                String.format(Locale.ROOT, "%,.1f", median.p50Micros()),
                String.format(Locale.ROOT, "%,.1f", median.p99Micros()),
                ratio,
                String.format(Locale.ROOT, "%.1f%%", result.spread() * 100),
                String.format(Locale.ROOT, "%,d", result.failures()));
    }
}
