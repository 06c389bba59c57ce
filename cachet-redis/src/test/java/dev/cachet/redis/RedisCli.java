package dev.cachet.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code redis-cli} against the shared Redis, as another client of the same data would. */
final class RedisCli {
    private RedisCli() {
    }

    /** Runs a command and returns its trimmed output. */
    static String run(String... args) throws IOException, InterruptedException {
        return exec(null, args);
    }

    /** Runs a command whose last argument is {@code lastArgument}, read from standard input ({@code -x}). */
    static String runWithBytes(byte[] lastArgument, String... args) throws IOException, InterruptedException {
        Path input = Files.createTempFile("redis-cli", ".bin");
        try {
            Files.write(input, lastArgument);
            return exec(input, args);
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static String exec(Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", LocalRedis.HOST, "-p", String.valueOf(LocalRedis.PORT)));
        if (stdin != null) {
            command.add("-x");
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("redis-cli is needed on the PATH for this test (apt-get install redis-tools): " + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("redis-cli " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }
}
