package dev.cachet.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The catalog benchmark's load from wrk, a closed-loop HTTP load generator in C: one thread, the given
 * connections, a Lua script that picks the products to read and signs the list requests in. Only answers
 * with status 200 count as requests; other statuses and socket errors count as failures.
 */
final class WrkClient implements CatalogBenchmark.Client {
    private static final Pattern COMPLETED = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern NOT_OK = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern MEAN = Pattern.compile("(?m)^\\s+Latency\\s+([0-9.]+)(us|ms|s|m)\\s");
    private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$");

    /** Whether wrk is on the PATH. */
    static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (new File(directory, "wrk").canExecute()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CatalogBenchmark.Load drive(CatalogBenchmark.Service service, String endpoint, int connections, int seconds,
            List<Long> ids, boolean byId) throws IOException, InterruptedException {
        Path script = Files.createTempFile("catalog-wrk", ".lua");
        try {
            Files.writeString(script, byId ? byIdScript(ids) : signedInScript(), StandardCharsets.UTF_8);
            Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--timeout", "30s",
                    "--latency", "-s", script.toString(), service.url(byId ? "/" : endpoint)).redirectErrorStream(true).start();
            String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (wrk.waitFor() != 0) {
                throw new IllegalStateException("wrk failed:\n" + output);
            }
            return parse(output);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Reads a random product of the hot set each time, as the Java client does. */
    private static String byIdScript(List<Long> ids) {
        return "local ids = {" + ids.stream().map(String::valueOf).collect(Collectors.joining(",")) + "}\n"
                + "request = function()\n"
                + "  return wrk.format(\"GET\", \"/api/products/\" .. ids[math.random(#ids)])\n"
                + "end\n";
    }

    private static String signedInScript() {
        return "wrk.headers[\"Authorization\"] = \"Basic "
                + Base64.getEncoder().encodeToString("alice:alice".getBytes(StandardCharsets.UTF_8)) + "\"\n";
    }

    static CatalogBenchmark.Load parse(String output) {
        Matcher completed = find(COMPLETED, output, "the request count");
        long requests = Long.parseLong(completed.group(1));
        double seconds = nanos(completed.group(2), completed.group(3)) / 1e9;
        Matcher notOk = NOT_OK.matcher(output);
        long notOkCount = notOk.find() ? Long.parseLong(notOk.group(1)) : 0;
        long failures = notOkCount;
        Matcher errors = SOCKET_ERRORS.matcher(output);
        if (errors.find()) {
            for (int group = 1; group <= 4; group++) {
                failures += Long.parseLong(errors.group(group));
            }
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            double value = nanos(percentile.group(2), percentile.group(3));
            if (percentile.group(1).equals("50")) {
                p50 = value;
            } else {
                p99 = value;
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IllegalStateException("no p50 and p99 in wrk's output:\n" + output);
        }
        Matcher mean = find(MEAN, output, "the mean latency");
        // wrk counts every completed request; one answered with an error must not raise the rate.
        return new CatalogBenchmark.Load(requests - notOkCount, failures, seconds, nanos(mean.group(1), mean.group(2)), p50, p99);
    }

    private static Matcher find(Pattern pattern, String output, String what) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + what + " in wrk's output:\n" + output);
        }
        return matcher;
    }

    private static double nanos(String value, String unit) {
        double number = Double.parseDouble(value);
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> number * 1e3;
            case "ms" -> number * 1e6;
            case "s" -> number * 1e9;
            case "m" -> number * 60e9;
            default -> throw new IllegalStateException("unknown unit " + unit);
        };
    }
}
