package dev.cachet.bench;

import dev.cachet.bench.ServerTools.ToolResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a comparison run as the Markdown page {@code docs/BENCHMARKS.md}. */
final class ReportWriter {
    private static final String DASH = "–";

    private ReportWriter() {
    }

    /**
     * One contender's row in a table.
     *
     * @param result what it measured
     * @param idealLfu the hit ratio an ideal LFU as large as its first tier gets on the same reads, or NaN
     */
    record Row(Result result, double idealLfu) {
        static Row of(Result result) {
            return new Row(result, Double.NaN);
        }
    }

    /**
     * One table: every contender on one workload.
     *
     * @param title the workload and clients, such as {@code 80/20 reads, 1,000 virtual threads}
     * @param rows the contenders, in the order shown
     */
    record Section(String title, List<Row> rows) {
    }

    /**
     * A comparison of two figures of the same run, and what it should reach.
     *
     * @param name what is compared
     * @param ratio the measured figure: a ratio, or a difference its name gives the unit of
     * @param target the least it should be (the most, with {@code atMost}), or NaN when it has no target
     * @param atMost whether the target is a ceiling rather than a floor
     * @param basis the figures it comes from
     */
    record Gap(String name, double ratio, double target, boolean atMost, String basis) {
        /** A gap whose target, if any, is a floor. */
        Gap(String name, double ratio, double target, String basis) {
            this(name, ratio, target, false, basis);
        }

        String verdict() {
            return Double.isNaN(target) ? DASH : (atMost ? ratio <= target : ratio >= target) ? "met" : "not met";
        }

        String shownTarget() {
            return Double.isNaN(target) ? DASH : String.format(Locale.ROOT, "%s %.2f", atMost ? "≤" : "≥", target);
        }
    }

    /**
     * A contender on the headline workload.
     *
     * @param closed in a closed loop
     * @param paced at a fixed rate, or null when the profile did not measure one
     */
    record HeadlineRow(Result closed, Result paced) {
    }

    /**
     * A chart under {@code docs/benchmarks/}.
     *
     * @param file its file name
     * @param caption what it shows
     */
    record Chart(String file, String caption) {
    }

    /**
     * Everything the page shows.
     *
     * @param machine what the run ran on, name to value, in order
     * @param command the command that wrote the page
     * @param method how it measured, one paragraph per entry
     * @param headline the headline workload's rows for the remote stores
     * @param headlineTitle the headline workload, in words
     * @param tools what the servers' own load generators measured
     * @param gaps the ratios with targets
     * @param sections every table of the run
     * @param charts the charts, in order
     * @param notes anything the run wants the reader to know, such as a tool that was missing
     */
    record Report(Map<String, String> machine, String command, List<String> method, String headlineTitle,
            List<HeadlineRow> headline,
            List<ToolResult> tools, List<Gap> gaps, List<Section> sections, List<Chart> charts, List<String> notes) {
    }

    static String render(Report report) {
        StringBuilder page = new StringBuilder();
        page.append("# Benchmarks\n\n");
        page.append("How Cachet compares with what Java services use today, measured side by side in one run on one machine. ")
                .append("The page is written by the benchmark itself; to rebuild it:\n\n```\n").append(report.command()).append("\n```\n\n");
        page.append("## The machine\n\n| | |\n| --- | --- |\n");
        report.machine().forEach((name, value) -> page.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        page.append('\n');

        page.append("## ").append(report.headlineTitle()).append("\n\n");
        page.append("| store | client | ops/s | p99 us | p99 us at a fixed rate | hit ratio |\n")
                .append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (HeadlineRow row : report.headline()) {
            Measurement m = row.closed().median();
            page.append("| ").append(store(row.closed().contender())).append(" | ").append(row.closed().contender()).append(" | ")
                    .append(ops(m.throughput())).append(" | ").append(micros(m.p99Micros())).append(" | ")
                    .append(row.paced() == null ? DASH : micros(row.paced().median().p99Micros())).append(" | ")
                    .append(ratio(m.hitRatio())).append(" |\n");
        }
        page.append('\n');

        if (!report.tools().isEmpty()) {
            page.append("### The servers' own limits\n\n");
            page.append("| tool | test | clients | value bytes | ops/s | p50 us | p99 us |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
            for (ToolResult tool : report.tools()) {
                page.append("| ").append(tool.tool()).append(" | ").append(tool.test()).append(" | ")
                        .append(String.format(Locale.ROOT, "%,d", tool.clients())).append(" | ")
                        .append(tool.valueBytes() < 0 ? DASH : String.format(Locale.ROOT, "%,d", tool.valueBytes())).append(" | ")
                        .append(ops(tool.opsPerSecond())).append(" | ").append(micros(tool.p50Micros())).append(" | ")
                        .append(micros(tool.p99Micros())).append(" |\n");
            }
            page.append('\n');
        }

        page.append("## Gaps\n\n| comparison | measured | target | | from |\n| --- | ---: | ---: | --- | --- |\n");
        for (Gap gap : report.gaps()) {
            page.append("| ").append(gap.name()).append(" | ").append(String.format(Locale.ROOT, "%.2f", gap.ratio())).append(" | ")
                    .append(gap.shownTarget()).append(" | ")
                    .append(gap.verdict()).append(" | ").append(gap.basis()).append(" |\n");
        }
        page.append('\n');

        if (!report.charts().isEmpty()) {
            page.append("## Charts\n\n");
            for (Chart chart : report.charts()) {
                page.append("![").append(chart.caption()).append("](benchmarks/").append(chart.file()).append(")\n\n");
            }
        }

        page.append("## Every workload\n\n");
        for (Section section : report.sections()) {
            page.append("### ").append(section.title()).append("\n\n");
            page.append(sectionTable(section.rows())).append('\n');
        }

        page.append("## How it measures\n\n");
        report.method().forEach(paragraph -> page.append(paragraph).append("\n\n"));
        if (!report.notes().isEmpty()) {
            page.append("## Notes from this run\n\n");
            report.notes().forEach(note -> page.append("* ").append(note).append('\n'));
            page.append('\n');
        }
        return page.toString();
    }

    /** One workload's table: throughput, latencies, hit ratios and what each call cost the server. */
    static String sectionTable(List<Row> rows) {
        StringBuilder table = new StringBuilder();
        table.append("| contender | ops/s | p50 us | p99 us | p99.9 us | hit ratio | first-tier hits | ideal LFU | commands/op | spread | failed |\n");
        table.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : rows) {
            Result result = row.result();
            Measurement m = result.median();
            table.append("| ").append(result.contender())
                    .append(" | ").append(ops(m.throughput()))
                    .append(" | ").append(micros(m.p50Micros()))
                    .append(" | ").append(micros(m.p99Micros()))
                    .append(" | ").append(micros(m.p999Micros()))
                    .append(" | ").append(ratio(m.hitRatio()))
                    .append(" | ").append(ratio(m.firstTierHitRatio()))
                    .append(" | ").append(ratio(row.idealLfu()))
                    .append(" | ").append(Double.isNaN(m.commandsPerCall()) ? DASH : String.format(Locale.ROOT, "%.2f", m.commandsPerCall()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f%%", result.spread() * 100))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", result.failures()))
                    .append(" |\n");
        }
        return table.toString();
    }

    /** The server behind a contender, by its name. */
    static String store(String contender) {
        return contender.contains("memcached") ? "Memcached" : "Redis";
    }

    static String ops(double perSecond) {
        return Double.isNaN(perSecond) ? DASH : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** Microseconds with the digits that mean something: 0.12, 12.3, 1,234. */
    static String micros(double micros) {
        if (Double.isNaN(micros)) {
            return DASH;
        }
        return String.format(Locale.ROOT, micros < 10 ? "%.2f" : micros < 1_000 ? "%.1f" : "%,.0f", micros);
    }

    static String ratio(double ratio) {
        return Double.isNaN(ratio) ? DASH : String.format(Locale.ROOT, "%.3f", ratio);
    }
}
