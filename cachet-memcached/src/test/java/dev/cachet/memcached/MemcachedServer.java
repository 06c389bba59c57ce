package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A memcached process of a test's own, on a free port of 127.0.0.1, that the test can stop and start again
 * on the same port: a server that really goes away and really comes back.
 */
final class MemcachedServer implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    private final int port;
    private Process process;

    /** Starts memcached on a free port. */
    MemcachedServer() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
        start();
    }

    int port() {
        return port;
    }

    /** Starts the process and waits until it accepts connections. */
    void start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("memcached", "-p", Integer.toString(port), "-l", HOST, "-U", "0", "-m", "16")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if ("root".equals(System.getProperty("user.name"))) {
            // memcached refuses to run as root unless told which user to run as.
            builder.command().addAll(List.of("-u", "root"));
        }
        try {
            process = builder.start();
        } catch (IOException e) {
            fail("this test starts memcached processes of its own and 'memcached' is not on the PATH (" + e.getMessage()
                    + "); install it: apt-get install memcached");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("memcached on port " + port + " exited at start with status " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 200);
                return;
            } catch (IOException notYet) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        fail("memcached on port " + port + " did not accept connections within 10 s");
    }

    /** Kills the process (everything it held is gone) and waits until it has exited. */
    void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            stop();
        }
    }
}
