package dev.cachet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.bench.ReportWriter.Chart;
import dev.cachet.bench.ReportWriter.Gap;
import dev.cachet.bench.ReportWriter.HeadlineRow;
import dev.cachet.bench.ReportWriter.Report;
import dev.cachet.bench.ReportWriter.Row;
import dev.cachet.bench.ReportWriter.Section;
import dev.cachet.bench.ServerTools.ToolResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The page a run writes, from made-up measurements. */
class ReportWriterTest {
    /** 40,000 calls in one second, 1 ms each but one in a hundred at 10 ms; {@code hits} of 40,000 reads found. */
    private static Result result(String contender, long hits, long serverCommands, long firstTierHits) {
        Histogram latency = LoadRunner.histogram();
        latency.recordValueWithCount(1_000_000, 39_600);
        latency.recordValueWithCount(10_000_000, 400);
        Measurement m = new Measurement(40_000, 0, 40_000, hits, 1_000_000_000L, latency, new long[] {40_000}, serverCommands,
                firstTierHits);
        return Result.of(contender, "reads", List.of(m));
    }

    private static Report report() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cores", "2");
        machine.put("Redis", "7.0.15");
        Result lettuce = result("lettuce", 40_000, 40_000, -1);
        Result tiered = result("cachet-tiered", 40_000, 10_000, 30_000);
        Result memcached = result("cachet-memcached", 39_000, 80_000, -1);
        return new Report(machine, "bench/report --profile=short", List.of("Each phase lasts 2 s."),
                "1 KB values, 1,000 concurrent clients, 80% of reads on hot keys",
                List.of(new HeadlineRow(lettuce, null), new HeadlineRow(memcached, memcached)),
                List.of(new ToolResult("redis-benchmark", "get", 1_000, 1_024, 27_292.58, 20_767, 54_815),
                        new ToolResult("memcslap", "get", 1_000, -1, 30_000, Double.NaN, Double.NaN)),
                List.of(new Gap("Cachet Redis set / raw Lettuce set", 0.9, 0.85, "cachet-redis 90 ops/s, lettuce 100 ops/s"),
                        new Gap("tiered / spring, over the bound", 0.5, 0.8, "bound 4.00"),
                        new Gap("get-many / MGET", 0.7, Double.NaN, "x"),
                        new Gap("hit ratio under the ideal's, in points", 2.2, 2, true, "hit 0.779, ideal 0.801"),
                        new Gap("hit ratio under the ideal's, at 1,000", -0.1, 2, true, "hit 0.802, ideal 0.801")),
                List.of(new Section("reads (80/20 keys), 50 platform threads", List.of(Row.of(lettuce), new Row(tiered, 0.8)))),
                List.of(new Chart("throughput-reads.png", "Throughput: reads")),
                List.of("cleanup: lettuce deleted 100,000 keys"));
    }

    @Test
    void thePageHasTheMachineTheHeadlineTheGapsTheTablesAndTheCharts() {
        String page = ReportWriter.render(report());
        assertThat(page).startsWith("# Benchmarks\n");
        assertThat(page).contains("bench/report --profile=short");
        assertThat(page).contains("| cores | 2 |", "| Redis | 7.0.15 |");
        assertThat(page).contains("## 1 KB values, 1,000 concurrent clients, 80% of reads on hot keys");
        assertThat(page).contains("| Redis | lettuce | 40,000 | 1,000 | – | 1.000 |");
        assertThat(page).contains("| Memcached | cachet-memcached | 40,000 | 1,000 | 1,000 | 0.975 |");
        assertThat(page).contains("| redis-benchmark | get | 1,000 | 1,024 | 27,293 | 20,767 | 54,815 |");
        assertThat(page).contains("| memcslap | get | 1,000 | – | 30,000 | – | – |");
        assertThat(page).contains("| Cachet Redis set / raw Lettuce set | 0.90 | ≥ 0.85 | met |");
        assertThat(page).contains("| tiered / spring, over the bound | 0.50 | ≥ 0.80 | not met |");
        assertThat(page).contains("| get-many / MGET | 0.70 | – | – |");
        assertThat(page).contains("| hit ratio under the ideal's, in points | 2.20 | ≤ 2.00 | not met |");
        assertThat(page).contains("| hit ratio under the ideal's, at 1,000 | -0.10 | ≤ 2.00 | met |");
        assertThat(page).contains("![Throughput: reads](benchmarks/throughput-reads.png)");
        assertThat(page).contains("### reads (80/20 keys), 50 platform threads");
        assertThat(page).contains("* cleanup: lettuce deleted 100,000 keys");
        assertThat(page).contains("Each phase lasts 2 s.");
    }

    @Test
    void aRowShowsThroughputPercentilesHitRatiosAndCommandsPerCall() {
        String table = ReportWriter.sectionTable(List.of(new Row(result("cachet-tiered", 40_000, 10_000, 30_000), 0.8)));
        // p99 is still 1 ms (99% of calls); p99.9 is the 10 ms tail; HdrHistogram reports a value equivalent to the recorded one.
        assertThat(table).contains("| cachet-tiered | 40,000 | 1,000 | 1,000 | 10,002 | 1.000 | 0.750 | 0.800 | 0.25 | 0% | 0 |");
    }

    @Test
    void unknownFiguresAreADash() {
        String table = ReportWriter.sectionTable(List.of(Row.of(result("caffeine", 40_000, -1, -1))));
        assertThat(table).contains("| caffeine | 40,000 | 1,000 | 1,000 | 10,002 | 1.000 | – | – | – | 0% | 0 |");
    }

    @Test
    void microsecondsKeepTheDigitsThatMatter() {
        assertThat(ReportWriter.micros(0.123)).isEqualTo("0.12");
        assertThat(ReportWriter.micros(12.34)).isEqualTo("12.3");
        assertThat(ReportWriter.micros(12_345.6)).isEqualTo("12,346");
        assertThat(ReportWriter.micros(Double.NaN)).isEqualTo("–");
    }
}
