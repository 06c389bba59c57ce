package dev.cachet.redis;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The Redis that every development and CI machine runs on 127.0.0.1:6379, shared by all tests. */
public final class LocalRedis {
    public static final String HOST = "127.0.0.1";
    public static final int PORT = 6379;
    public static final String URL = "redis://" + HOST + ":" + PORT;

    private LocalRedis() {
    }

    /** Fails the test, saying what to start, when Redis does not answer PING. */
    public static void require() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, PORT), 1_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            if (!new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                fail("Redis on " + HOST + ":" + PORT + " answered PING with '" + new String(reply, StandardCharsets.US_ASCII) + "'");
            }
        } catch (IOException e) {
            fail("these tests need Redis on " + HOST + ":" + PORT + " and it is not answering (" + e.getMessage()
                    + "); start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no");
        }
    }

    /** Options for tests against the shared Redis: generous deadlines, since these machines are noisy. */
    public static RedisStoreOptions.Builder options() {
        return RedisStoreOptions.builder().url(URL).commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2));
    }
}
