package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The memcached that every development and CI machine runs on 127.0.0.1:11211, shared by all tests (of other modules too). */
public final class LocalMemcached {
    public static final String HOST = "127.0.0.1";
    public static final int PORT = 11211;
    public static final String URL = "memcached://" + HOST + ":" + PORT;

    private LocalMemcached() {
    }

    /** Fails the test, saying what to start, when memcached does not answer a meta no-op. */
    public static void require() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, PORT), 1_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("mn\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
            if (!reply.equals("MN\r\n")) {
                fail("memcached on " + HOST + ":" + PORT + " answered the meta no-op with '" + reply
                        + "'; these tests need memcached 1.6 or newer (the meta protocol)");
            }
        } catch (IOException e) {
            fail("these tests need memcached on " + HOST + ":" + PORT + " and it is not answering (" + e.getMessage()
                    + "); install it (apt-get install memcached) and start it with: memcached -d -u root -l 127.0.0.1 -p 11211 -m 64");
        }
    }

    /** Options for tests against the shared memcached: generous deadlines, since these machines are noisy. */
    public static MemcachedStoreOptions.Builder options() {
        return MemcachedStoreOptions.builder().url(URL).commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2));
    }
}
