package dev.cachet.memcached;

import dev.cachet.CacheBackendException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one connection to one server, shared by every caller: commands are written as they come (pipelined)
 * and replies are matched to them in order. Each command has a deadline. While there is no connection,
 * commands fail at once instead of waiting; the connection is re-established in the background, backing off
 * exponentially (with jitter) from 10 ms to {@link MemcachedStoreOptions#reconnectDelayMax()}. Connection
 * state changes only on the connection's event loop.
 */
final class Connection {
    private static final System.Logger LOG = System.getLogger(MemcachedStore.class.getName());
    private static final long FIRST_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final String name;
    private final InetSocketAddress address;
    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final long timeoutNanos;
    private final long timeoutMillis;
    private final long delayMaxNanos;
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    /** Commands callers have sent and the event loop has not written yet. */
    private final Queue<Command> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Channel channel;
    private volatile boolean closed;
    private int failedAttempts;
    /** Why the connection was dropped, when it was this side that dropped it. */
    private Throwable dropped;

    /**
     * A connection to {@code address} on {@code loop}, made by a copy of {@code transport} (channel type and
     * socket options); call {@link #start()}.
     */
    Connection(InetSocketAddress address, Bootstrap transport, EventLoop loop, MemcachedStoreOptions options) {
        this.address = address;
        this.name = "memcached://" + hostAndPort(address);
        this.loop = loop;
        this.bootstrap = transport.clone().group(loop).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel opened) {
                opened.pipeline().addLast(new ReplyDecoder(), new Matcher());
            }
        });
        this.timeoutNanos = options.commandTimeout().toNanos();
        this.timeoutMillis = options.commandTimeout().toMillis();
        this.delayMaxNanos = options.reconnectDelayMax().toNanos();
    }

    static String hostAndPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    String name() {
        return name;
    }

    /** Starts connecting; completes when the first attempt has connected or failed. */
    CompletableFuture<Void> start() {
        loop.execute(this::connect);
        return firstAttempt;
    }

    private void connect() {
        if (closed) {
            return;
        }
        bootstrap.connect(address).addListener((ChannelFuture attempt) -> {
            if (!attempt.isSuccess()) {
                failed(attempt.cause());
                return;
            }
            Channel opened = attempt.channel();
            if (closed) {
                opened.close();
                return;
            }
            failedAttempts = 0;
            channel = opened;
            if (lastFailure.getAndSet(null) != null) {
                LOG.log(System.Logger.Level.INFO, "connected to memcached at {0} again", name);
            }
            firstAttempt.complete(null);
            opened.closeFuture().addListener(done -> lost(opened));
        });
    }

    private void failed(Throwable cause) {
        if (lastFailure.getAndSet(cause) == null && !closed) {
            LOG.log(System.Logger.Level.WARNING,
                    "memcached at {0} is not reachable ({1}); its keys miss until it is, retrying", name, cause.getMessage());
        }
        firstAttempt.complete(null);
        reconnectLater();
    }

    private void lost(Channel gone) {
        if (channel == gone) {
            channel = null;
        }
        if (closed) {
            return;
        }
        Throwable cause = dropped;
        dropped = null;
        String reason = cause == null ? "the server closed it" : cause.toString();
        if (lastFailure.getAndSet(new CacheBackendException("the connection to " + name + " was lost (" + reason + ")", cause)) == null) {
            LOG.log(System.Logger.Level.WARNING,
                    "lost the connection to memcached at {0} ({1}); its keys miss until it is back, reconnecting", name, reason);
        }
        reconnectLater();
    }

    private void reconnectLater() {
        if (closed) {
            return;
        }
        long ceiling = Math.min(delayMaxNanos, FIRST_DELAY_NANOS << Math.min(failedAttempts++, 20));
        // Half fixed, half random: instances that lost the server together do not all knock at once.
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        try {
            loop.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The store is closing: nothing to reconnect for.
        }
    }

    /**
     * Queues {@code commands} to be written in order; each fails at its deadline if no reply came. Without a
     * connection they fail at once.
     */
    void send(List<Command> commands) {
        if (closed) {
            failAll(commands, new MemcachedStore.Closed(name));
            return;
        }
        if (channel == null) {
            failAll(commands, notConnected());
            return;
        }
        outbox.addAll(commands);
        // One task writes whatever callers queued meanwhile, and flushes once: under load, one wake-up of the
        // event loop and one write to the socket carry many commands.
        if (draining.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                failAll(drained(), new MemcachedStore.Closed(name));
            }
        }
    }

    private CacheBackendException notConnected() {
        Throwable cause = lastFailure.get();
        return new CacheBackendException("not connected to " + name + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    /** Writes what is queued to the connection and flushes; runs on the event loop. */
    private void drain() {
        // Cleared first, so that a command queued after the last poll below schedules a drain of its own.
        draining.set(false);
        List<Command> commands = drained();
        Channel current = channel;
        if (current == null || !current.isActive()) {
            failAll(commands, closed ? new MemcachedStore.Closed(name) : notConnected());
            return;
        }
        for (Command command : commands) {
            expireAtDeadline(command);
            // A failed write closes the channel, which fails every command written and not answered.
            current.write(command, current.voidPromise());
        }
        current.flush();
    }

    private List<Command> drained() {
        List<Command> commands = new ArrayList<>();
        for (Command command = outbox.poll(); command != null; command = outbox.poll()) {
            commands.add(command);
        }
        return commands;
    }

    private void expireAtDeadline(Command command) {
        var deadline = loop.schedule(() -> command.reply.completeExceptionally(new CacheBackendException.Timeout(
                name + " did not answer within " + timeoutMillis + " ms (" + command.describe() + ")", null)),
                timeoutNanos, TimeUnit.NANOSECONDS);
        command.reply.whenComplete((reply, error) -> deadline.cancel(false));
    }

    private static void failAll(List<Command> commands, RuntimeException cause) {
        for (Command command : commands) {
            command.reply.completeExceptionally(cause);
        }
    }

    /** Stops reconnecting and closes the connection; commands still waiting fail. */
    void close() {
        closed = true;
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }

    /**
     * Queues each command as it is written and hands each reply to the oldest waiting command. A reply that
     * no command waits for, or an {@code ERROR} (an unknown command, after which replies may be out of
     * step), closes the connection: a new one starts in step.
     */
    private final class Matcher extends ChannelDuplexHandler {
        private final ArrayDeque<Command> waiting = new ArrayDeque<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            Command command = (Command) msg;
            ByteBuf bytes = ctx.alloc().buffer(command.size());
            command.encode(bytes);
            waiting.add(command);
            ctx.write(bytes, promise);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Command command = waiting.poll();
            if (command == null) {
                dropped = new CacheBackendException(name + " sent " + msg + ", which answers no command", null);
                ctx.close();
            } else if (msg instanceof ReplyDecoder.ErrorLine error) {
                command.reply.completeExceptionally(new CacheBackendException(
                        name + " answered '" + error.line() + "' to " + command.describe(), null));
                if (error.unknownCommand()) {
                    ctx.close();
                }
            } else {
                command.reply.complete((Reply) msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CacheBackendException lost = new CacheBackendException("the connection to " + name + " was lost", null);
            for (Command command = waiting.poll(); command != null; command = waiting.poll()) {
                command.reply.completeExceptionally(lost);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            dropped = cause;
            ctx.close();
        }
    }
}
