package dev.cachet.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The number of commands a cache server has processed since it started, read before and after a phase: the
 * difference over the phase's calls is what each call costs the server. On a server that others use too the
 * difference includes their commands.
 */
interface CommandCounter extends AutoCloseable {
    /** Commands the server has processed so far, not counting the reads of this counter. */
    long commands();

    @Override
    void close();

    /** Redis' {@code total_commands_processed} ({@code INFO stats}), less the {@code INFO} commands that read it. */
    static CommandCounter redis(String url) {
        RedisClient client = RedisClient.create(url);
        StatefulRedisConnection<String, String> connection = client.connect();
        return new CommandCounter() {
            private long reads;

            @Override
            public long commands() {
                long total = Long.parseLong(field(connection.sync().info("stats"), "total_commands_processed"));
                // Redis counts a command once it has run, so this INFO is not in its own answer; the earlier ones are.
                return total - reads++;
            }

            @Override
            public void close() {
                connection.close();
                client.shutdown();
            }
        };
    }

    /**
     * Memcached's commands from {@code stats}: gets (each key of a multi-key get counts, as memcached counts
     * them), sets, touches, flushes, deletes, increments, decrements and compare-and-sets, meta commands included.
     */
    static CommandCounter memcached(List<InetSocketAddress> servers) {
        return new CommandCounter() {
            @Override
            public long commands() {
                long total = 0;
                for (InetSocketAddress server : servers) {
                    total += memcachedCommands(memcachedStats(server));
                }
                return total;
            }

            @Override
            public void close() {
            }
        };
    }

    /** The value of {@code name:value} among the lines of an {@code INFO} answer. */
    static String field(String info, String name) {
        return info.lines()
                .filter(line -> line.startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).strip())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("INFO has no " + name));
    }

    /** Empties a memcached server of the benchmark's own: {@code flush_all}. */
    static void memcachedFlush(InetSocketAddress server) {
        try (Socket socket = new Socket()) {
            socket.connect(server, 2_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write("flush_all\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] reply = new byte[4];
            if (socket.getInputStream().readNBytes(reply, 0, 4) != 4 || !new String(reply, StandardCharsets.US_ASCII).equals("OK\r\n")) {
                throw new IOException("flush_all was not answered OK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("memcached at " + server + " did not flush", e);
        }
    }

    /** The commands among memcached's {@code stats}. */
    static long memcachedCommands(Map<String, String> stats) {
        long total = 0;
        for (String name : List.of("cmd_get", "cmd_set", "cmd_touch", "cmd_flush", "delete_hits", "delete_misses",
                "incr_hits", "incr_misses", "decr_hits", "decr_misses", "cas_hits", "cas_misses", "cas_badval")) {
            total += Long.parseLong(stats.getOrDefault(name, "0"));
        }
        return total;
    }

    /** Memcached's {@code stats}, name to value. */
    static Map<String, String> memcachedStats(InetSocketAddress server) {
        try (Socket socket = new Socket()) {
            socket.connect(server, 2_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            Map<String, String> stats = new LinkedHashMap<>();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\r') {
                    continue;
                }
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String text = line.toString();
                line.setLength(0);
                if (text.equals("END")) {
                    return stats;
                }
                String[] parts = text.split(" ");
                if (parts.length == 3 && parts[0].equals("STAT")) {
                    stats.put(parts[1], parts[2]);
                }
            }
            throw new IOException("the connection closed before END");
        } catch (IOException e) {
            throw new UncheckedIOException("memcached at " + server + " did not answer stats", e);
        }
    }
}
