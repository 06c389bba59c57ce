package dev.cachet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a real server, for real network faults: {@link #cut()} drops every connection
 * and refuses new ones (the server is gone), {@link #pause()} holds every byte in flight (the server is
 * frozen, as under SIGSTOP or a long GC), and {@link #restore()} / {@link #resume()} undo them.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object flow = new Object();
    private volatile ServerSocket server;
    private volatile boolean paused;
    private volatile long delayMillis;
    private volatile boolean closed;

    public TcpProxy(String host, int targetPort) throws IOException {
        this.target = new InetSocketAddress(host, targetPort);
        ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = first.getLocalPort();
        listen(first);
    }

    public int port() {
        return port;
    }

    /** Closes every connection and stops listening: connects are refused until {@link #restore()}. */
    public void cut() throws IOException {
        ServerSocket current = server;
        server = null;
        if (current != null) {
            current.close();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** Listens again on the same port. */
    public void restore() throws IOException {
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listen(again);
    }

    /** Holds every byte: connections stay open, nothing is answered, until {@link #resume()}. */
    public void pause() {
        paused = true;
    }

    /** Holds every chunk of bytes for {@code delay} before passing it on (zero: at once), as a slow link would. */
    public void slow(Duration delay) {
        delayMillis = delay.toMillis();
    }

    /** Lets held and new bytes through again. */
    public void resume() {
        synchronized (flow) {
            paused = false;
            flow.notifyAll();
        }
    }

    private void listen(ServerSocket socket) {
        server = socket;
        Thread.ofVirtual().name("proxy-accept-" + port).start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Socket upstream = new Socket();
                    upstream.connect(target, 2_000);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // The listening socket was closed by cut() or close(); the loop ends.
                }
            }
        });
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().name("proxy-pump-" + port).start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (from; to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    awaitFlowing();
                    long delay = delayMillis;
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // One side went away (or the proxy cut it); closing both ends tells the other side.
            } finally {
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private void awaitFlowing() throws InterruptedException {
        synchronized (flow) {
            while (paused && !closed) {
                flow.wait();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        resume();
        cut();
    }
}
