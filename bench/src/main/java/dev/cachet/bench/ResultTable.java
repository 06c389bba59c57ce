package dev.cachet.bench;

import java.util.List;
import java.util.Locale;

/** Renders comparisons as a plain-text table: each Cachet row directly above its raw baseline. */
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

    private static String row(Result result, String ratio) {
        Measurement median = result.median();
        return String.format(Locale.ROOT, ROW,
                result.contender(),
                result.operation().label(),
                String.format(Locale.ROOT, "%,.0f", median.throughput()),
                String.format(Locale.ROOT, "%,.1f", median.p50Micros()),
                String.format(Locale.ROOT, "%,.1f", median.p99Micros()),
                ratio,
                String.format(Locale.ROOT, "%.1f%%", result.spread() * 100),
                String.format(Locale.ROOT, "%,d", result.failures()));
    }
}
