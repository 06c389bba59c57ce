package dev.cachet.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * redis-server processes a test starts for itself (a Sentinel setup, a Cluster), on free ports in a
 * temporary directory, so that nothing is done to the shared Redis on 6379.
 */
public final class RedisServers implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Integer, Process> byPort = new HashMap<>();

    public RedisServers() throws IOException {
        this.dir = Files.createTempDirectory("cachet-redis-");
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts {@code redis-server} with the given arguments after the standard ones, and waits for PING. */
    public int start(String... extraArgs) throws IOException, InterruptedException {
        return startOn(freePort(), extraArgs);
    }

    /** Starts {@code redis-server} on {@code port}, as {@link #start} does: to bring back one that was killed. */
    public int startOn(int port, String... extraArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        command.addAll(List.of(extraArgs));
        byPort.put(port, launch(command, "redis-" + port));
        awaitPing(port);
        return port;
    }

    /** Sends the server on {@code port} a signal: {@code STOP} freezes it as a stalled host would, {@code CONT} thaws it. */
    public void signal(int port, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(byPort.get(port).pid())).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " of the redis-server on port " + port + " failed");
        }
    }

    /** Kills the server on {@code port} at once (SIGKILL), as a crash would. */
    public void kill(int port) throws InterruptedException {
        Process process = byPort.get(port);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    /**
     * Starts a Redis Cluster of {@code masters} masters with {@code replicasPerMaster} replicas each, a node
     * timeout of one second so that a failover takes about that long, and waits until every node says the
     * cluster is ok. Returns the ports, masters first.
     */
    public List<Integer> startCluster(int masters, int replicasPerMaster) throws IOException, InterruptedException {
        List<Integer> ports = new ArrayList<>();
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
            int port = start("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + i + ".conf",
                    "--cluster-node-timeout", "1000");
            ports.add(port);
            create.add("127.0.0.1:" + port);
        }
        create.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
        String output = cli(create.toArray(String[]::new));
        if (!output.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed: " + output);
        }
        for (int port : ports) {
            await("cluster state ok on " + port, Duration.ofSeconds(20),
                    () -> cli("-p", String.valueOf(port), "cluster", "info").contains("cluster_state:ok"));
            // A replica that has never synced with its master will not stand for election when the master fails.
            await("replication up on " + port, Duration.ofSeconds(20), () -> {
                String replication = cli("-p", String.valueOf(port), "info", "replication");
                return replication.contains("role:master") || replication.contains("master_link_status:up");
            });
        }
        return ports;
    }

    /** Starts a Sentinel that monitors the master on {@code masterPort} as {@code masterName}. */
    public int startSentinel(String masterName, int masterPort) throws IOException, InterruptedException {
        int port = freePort();
        Path config = dir.resolve("sentinel-" + port + ".conf");
        Files.writeString(config, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                "sentinel down-after-milliseconds " + masterName + " 1000",
                ""), StandardCharsets.UTF_8);
        launch(List.of("redis-server", config.toString(), "--sentinel"), "sentinel-" + port);
        awaitPing(port);
        return port;
    }

    private Process launch(List<String> command, String logName) throws IOException {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(logName + ".log").toFile())
                    .start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new IOException("this test starts its own redis-server, which is not on the PATH"
                    + " (apt-get install redis-server): " + e.getMessage(), e);
        }
    }

    /** Runs redis-cli with the given arguments and returns its output. */
    public static String cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("redis-cli " + String.join(" ", args) + " did not finish");
        }
        return output;
    }

    /** Waits until {@code condition} holds, polling, or fails naming {@code what}. */
    public static void await(String what, Duration atMost, Check condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not happen within " + atMost);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** A condition checked by {@link #await}. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws IOException, InterruptedException;
    }

    private static void awaitPing(int port) throws IOException, InterruptedException {
        // A server whose default user is off answers NOAUTH: it is up all the same.
        await("redis on port " + port + " answering PING", Duration.ofSeconds(10), () -> {
            String reply = cli("-p", String.valueOf(port), "ping");
            return reply.equals("PONG") || reply.contains("NOAUTH");
        });
    }

    @Override
    public void close() throws IOException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
