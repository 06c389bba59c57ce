package dev.cachet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Checks that every Memcached server answers before anything is measured, for the same reason as
 * {@link RedisProbe}: against a dead server a fail-soft store measures fast misses.
 */
final class MemcachedProbe {
    private static final int TIMEOUT_MILLIS = 2_000;

    private MemcachedProbe() {
    }

    /**
     * Asks each server for its version and returns the first one's.
     *
     * @throws IOException naming the server that cannot be reached or does not answer in time
     */
    static String version(List<InetSocketAddress> servers) throws IOException {
        String first = null;
        for (InetSocketAddress server : servers) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(server.getHostString(), server.getPort()), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                OutputStream out = socket.getOutputStream();
                out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                StringBuilder line = new StringBuilder();
                for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                    line.append((char) c);
                }
                String reply = line.toString().strip();
                if (!reply.startsWith("VERSION ")) {
                    throw new IOException(server + " answered '" + reply + "' to version");
                }
                if (first == null) {
                    first = reply.substring("VERSION ".length());
                }
            } catch (IOException e) {
                throw new IOException("memcached at " + server.getHostString() + ":" + server.getPort() + " is unreachable: "
                        + e.getMessage(), e);
            }
        }
        return first;
    }
}
