package dev.cachet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers' own load generators, run on the benchmark's own servers: what Redis and memcached do with no
 * Java client in the way, the ceiling every contender is under on the same machine.
 */
final class ServerTools {
    private static final Pattern MEMCSLAP = Pattern.compile(
            "Time to (\\w+)\\s+(\\d+) keys by\\s+(\\d+) threads:\\s+([\\d.]+) seconds");
    private static final long TOOL_LIMIT_MINUTES = 10;
    private static final int SIZE_SAMPLE = 100;

    private ServerTools() {
    }

    /**
     * What a tool measured for one test.
     *
     * @param tool the tool, such as {@code redis-benchmark}
     * @param test {@code get} or {@code set}
     * @param clients connections the tool kept busy at once
     * @param valueBytes the size of the values it read and wrote, or -1 when not known
     * @param opsPerSecond its throughput
     * @param p50Micros its median latency, or NaN when it does not report one
     * @param p99Micros its p99 latency, or NaN when it does not report one
     */
    record ToolResult(String tool, String test, int clients, int valueBytes, double opsPerSecond, double p50Micros,
            double p99Micros) {
    }

    /**
     * {@code redis-benchmark}'s GET and SET from {@code clients} connections, {@code requests} of each, values of
     * {@code valueBytes} on keys drawn uniformly from {@code keys}.
     */
    static List<ToolResult> redisBenchmark(int port, int clients, int requests, int valueBytes, int keys)
            throws IOException, InterruptedException {
        String output = run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(port), "-c", String.valueOf(clients),
                "-n", String.valueOf(requests), "-d", String.valueOf(valueBytes), "-r", String.valueOf(keys), "-t", "set,get",
                "--csv"));
        return parseRedisBenchmark(output, clients, valueBytes);
    }

    /** Rows of {@code redis-benchmark --csv}: a header naming the columns, then one row per test. */
    static List<ToolResult> parseRedisBenchmark(String csv, int clients, int valueBytes) {
        List<String> lines = csv.lines().map(String::strip).filter(line -> line.startsWith("\"")).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("redis-benchmark printed no CSV: " + csv.strip());
        }
        List<String> header = cells(lines.getFirst());
        int rps = header.indexOf("rps");
        int p50 = header.indexOf("p50_latency_ms");
        int p99 = header.indexOf("p99_latency_ms");
        if (header.indexOf("test") != 0 || rps < 0) {
            throw new IllegalArgumentException("redis-benchmark's CSV header is not test, rps, ...: " + lines.getFirst());
        }
        List<ToolResult> results = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> row = cells(line);
            results.add(new ToolResult("redis-benchmark", row.getFirst().toLowerCase(Locale.ROOT), clients, valueBytes,
                    Double.parseDouble(row.get(rps)), micros(row, p50), micros(row, p99)));
        }
        return results;
    }

    /**
     * {@code memcslap}'s {@code test} ({@code get} or {@code set}) from {@code clients} threads, each with its
     * own connection, {@code perClient} calls each. It sets the size of its values itself; {@code valueBytes}
     * says what it was, when known.
     */
    static ToolResult memcslap(int port, String test, int clients, int perClient, int valueBytes)
            throws IOException, InterruptedException {
        String output = run(List.of("memcslap", "--servers=127.0.0.1:" + port, "--test=" + test,
                "--concurrency=" + clients, "--execute-number=" + perClient));
        return parseMemcslap(output, test, clients, valueBytes);
    }

    /** The line of memcslap's report that times {@code test}: so many keys by so many threads in so many seconds. */
    static ToolResult parseMemcslap(String output, String test, int clients, int valueBytes) {
        Matcher matcher = MEMCSLAP.matcher(output);
        while (matcher.find()) {
            if (matcher.group(1).equals(test)) {
                double seconds = Double.parseDouble(matcher.group(4));
                return new ToolResult("memcslap", test, Integer.parseInt(matcher.group(3)), valueBytes,
                        Long.parseLong(matcher.group(2)) / seconds, Double.NaN, Double.NaN);
            }
        }
        throw new IllegalArgumentException("memcslap printed no time for " + test + ": " + output.strip());
    }

    /**
     * The mean size of the values memcached holds, over up to {@value #SIZE_SAMPLE} keys that
     * {@code lru_crawler metadump} names, each asked for its size with the meta protocol's {@code s} flag;
     * empty when it holds none. memcslap draws a random size for each value, so it is a mean.
     */
    static OptionalInt memcachedValueBytes(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> keys = new ArrayList<>();
            for (String line = readLine(in); !line.equals("END"); line = readLine(in)) {
                if (keys.size() < SIZE_SAMPLE && line.startsWith("key=")) {
                    keys.add(line.substring(4, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' ')));
                }
            }
            long total = 0;
            int sized = 0;
            for (String key : keys) {
                out.write(("mg " + key + " s\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                OptionalInt size = parseMetaSize(readLine(in));
                if (size.isPresent()) {
                    total += size.getAsInt();
                    sized++;
                }
            }
            return sized == 0 ? OptionalInt.empty() : OptionalInt.of((int) Math.round((double) total / sized));
        }
    }

    /** The size in a meta get's answer with the {@code s} flag, such as {@code HD s1024}. */
    static OptionalInt parseMetaSize(String answer) {
        return Arrays.stream(answer.split(" "))
                .skip(1)
                .filter(token -> token.startsWith("s"))
                .mapToInt(token -> Integer.parseInt(token.substring(1)))
                .findFirst();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("memcached closed the connection mid-line");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static double micros(List<String> row, int column) {
        return column < 0 ? Double.NaN : Double.parseDouble(row.get(column)) * 1e3;
    }

    private static List<String> cells(String line) {
        return Arrays.stream(line.split(",")).map(cell -> cell.strip().replace("\"", "")).toList();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TOOL_LIMIT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(command.getFirst() + " did not finish within " + TOOL_LIMIT_MINUTES + " minutes");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + text.strip());
        }
        return text;
    }
}
