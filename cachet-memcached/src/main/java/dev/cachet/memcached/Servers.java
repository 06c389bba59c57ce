package dev.cachet.memcached;

import dev.cachet.CacheBackendException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The servers of a store: one {@link Connection} each, the ketama ring that picks the server of a key, the
 * event loops, and the bound on requests in flight. Creating it waits for the first connections at most the
 * connect timeout and never fails because a server is down.
 */
final class Servers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemcachedStore.class.getName());

    private final String name;
    private final EventLoopGroup group;
    private final List<Connection> connections = new ArrayList<>();
    private final Ketama ring;
    private final int maxInFlight;
    private final Semaphore inFlight;

    Servers(MemcachedStoreOptions options) {
        List<InetSocketAddress> addresses = options.servers();
        this.name = "memcached://" + addresses.stream().map(Connection::hostAndPort).collect(Collectors.joining(","));
        this.ring = new Ketama(addresses.stream().map(Connection::hostAndPort).toList());
        this.maxInFlight = options.requestQueueSize();
        this.inFlight = new Semaphore(maxInFlight);
        int threads = Math.min(addresses.size(), Runtime.getRuntime().availableProcessors());
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("cachet-memcached", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Bootstrap transport = transport(options, epoll);
        for (InetSocketAddress address : addresses) {
            connections.add(new Connection(address, transport, group.next(), options));
        }
        CompletableFuture<?>[] first = connections.stream().map(Connection::start).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(first).get(options.connectTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // A server that is not up yet is connected to in the background; its keys miss until then.
        }
    }

    /** Channel type and socket options: keepalive timing and TCP_USER_TIMEOUT need the native transport. */
    private static Bootstrap transport(MemcachedStoreOptions options, boolean epoll) {
        Bootstrap bootstrap = new Bootstrap()
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(options.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
        if (epoll) {
            bootstrap.option(EpollChannelOption.TCP_KEEPIDLE, Math.toIntExact(Math.max(1, options.keepAliveIdle().toSeconds())))
                    .option(EpollChannelOption.TCP_KEEPINTVL, 1)
                    .option(EpollChannelOption.TCP_KEEPCNT, 3)
                    .option(EpollChannelOption.TCP_USER_TIMEOUT, Math.toIntExact(options.tcpUserTimeout().toMillis()));
        }
        return bootstrap;
    }

    String name() {
        return name;
    }

    /** Sends one command to the server of its key. */
    CompletableFuture<Reply> send(Command command) {
        sendAll(List.of(command));
        return command.reply;
    }

    /**
     * Sends {@code commands} as one request: each to the server of its key, those of one server written in
     * order and flushed together. A request beyond {@link MemcachedStoreOptions#requestQueueSize()} in flight is
     * refused at once: a server that cannot keep up slows nobody down and builds no backlog.
     */
    void sendAll(List<Command> commands) {
        if (!inFlight.tryAcquire()) {
            CacheBackendException refused = refusal(commands.getFirst().describe());
            commands.forEach(command -> command.reply.completeExceptionally(refused));
            return;
        }
        CompletableFuture.allOf(commands.stream().map(command -> command.reply).toArray(CompletableFuture[]::new))
                .whenComplete((done, error) -> inFlight.release());
        if (connections.size() == 1) {
            connections.getFirst().send(commands);
            return;
        }
        List<List<Command>> byServer = new ArrayList<>(connections.size());
        for (int i = 0; i < connections.size(); i++) {
            byServer.add(new ArrayList<>());
        }
        for (Command command : commands) {
            byServer.get(ring.serverOf(command.key)).add(command);
        }
        for (int i = 0; i < connections.size(); i++) {
            if (!byServer.get(i).isEmpty()) {
                connections.get(i).send(byServer.get(i));
            }
        }
    }

    /**
     * Whether a request would be refused now: a bulk operation asks before it builds thousands of commands
     * only to fail them (a fail-soft cache replaying invalidations asks again on every write).
     */
    boolean saturated() {
        return inFlight.availablePermits() == 0;
    }

    CacheBackendException.Refused refusal(String what) {
        return new CacheBackendException.Refused(name + " has " + maxInFlight
                + " requests in flight and is not keeping up; refusing more (" + what + ")");
    }

    @Override
    public void close() {
        connections.forEach(Connection::close);
        try {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "memcached client threads for {0} did not stop in time: {1}", name, e);
        }
    }
}
