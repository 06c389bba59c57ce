package dev.cachet.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Redis or memcached server of the benchmark's own, on a free loopback port, stopped when the run ends: no
 * other client sends it commands, so the command counts per call are exact and nothing else's keys share it.
 */
final class LocalServer implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(10);

    private final String kind;
    private final Process process;
    private final int port;

    private LocalServer(String kind, Process process, int port) {
        this.kind = kind;
        this.process = process;
        this.port = port;
    }

    /** A {@code redis-server} without persistence, or empty when none is on the PATH. */
    static Optional<LocalServer> redis() throws IOException, InterruptedException {
        if (onPath("redis-server").isEmpty()) {
            return Optional.empty();
        }
        int port = freePort();
        return Optional.of(start("redis", port, List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")));
    }

    /**
     * A {@code memcached} with 2 GiB for items and room for the server tools' thousand connections, or empty
     * when none is on the PATH.
     */
    static Optional<LocalServer> memcached() throws IOException, InterruptedException {
        if (onPath("memcached").isEmpty()) {
            return Optional.empty();
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("memcached", "-p", String.valueOf(port), "-U", "0", "-l", "127.0.0.1",
                "-m", "2048", "-c", "4096"));
        // memcached refuses to run as root unless told which user to be.
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root"));
        }
        return Optional.of(start("memcached", port, command));
    }

    /** The first executable called {@code name} on the PATH. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static LocalServer start(String kind, int port, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        LocalServer server = new LocalServer(kind, process, port);
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind + " exited with " + process.exitValue() + " on start: " + String.join(" ", command));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return server;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        server.close();
        throw new IOException(kind + " did not listen on port " + port + " within " + START_LIMIT.toSeconds() + " s");
    }

    /** A port nothing listens on now; the server binds it a moment later, a race nothing else here runs. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port} or {@code memcached://127.0.0.1:port}. */
    String url() {
        return kind + "://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
