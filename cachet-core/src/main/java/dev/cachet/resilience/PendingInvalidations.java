package dev.cachet.resilience;

import dev.cachet.CacheBackendException;
import dev.cachet.Ticker;
import dev.cachet.store.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keys and tags whose invalidation did not reach the backend, and their replay. A failed write or delete
 * leaves the backend's old value in place, which every instance would read again once the backend answers;
 * remembering what to invalidate, and invalidating it before the backend is read again, turns an outage's
 * cost back into misses.
 *
 * <p>The replay runs once at a time, through the breaker: when a read finds something pending, and in the
 * background every open duration until it succeeds, so that an instance without traffic of its own replays
 * too. Each entry carries the sequence number of its latest failure, so that a replay takes out only what it
 * replayed: a key that failed again while the replay was under way stays pending. Bounded: past the limit, a
 * failure is counted as dropped instead, and logged once until a replay succeeds. What is pending when the
 * store closes is lost. Thread-safe.
 */
final class PendingInvalidations {
    private static final System.Logger LOG = System.getLogger(GuardedStore.class.getName());

    /** What to invalidate: a key, or a tag. */
    private record Target(boolean tag, String name) {}

    /** What one replay sends, with the sequence numbers it saw. */
    private record Batch(List<String> keys, List<String> tags, Map<Target, Long> seen) {
        boolean isEmpty() {
            return seen.isEmpty();
        }

        /** The keys, then the tags, for messages. */
        List<String> names() {
            List<String> names = new ArrayList<>(keys);
            names.addAll(tags);
            return names;
        }
    }

    /** What a replay sends when nothing is pending. */
    private static final Batch EMPTY = new Batch(List.of(), List.of(), Map.of());
    /**
     * After the store refused a replay (too much in flight), replays are not tried again for this long: under
     * that load every call would otherwise copy and send everything pending, only to be refused again.
     */
    private static final long REFUSED_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Store backend;
    private final CircuitBreaker breaker;
    private final ErrorLog errors;
    private final int limit;
    private final long retryMillis;
    private final ConcurrentHashMap<Target, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    private final AtomicReference<CompletableFuture<Void>> replaying = new AtomicReference<>();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private final Ticker ticker;
    private volatile CacheBackendException.Refused lastRefusal;
    private volatile long refusedAt;
    private volatile boolean closed;

    PendingInvalidations(Store backend, CircuitBreaker breaker, ErrorLog errors, ResilienceOptions options) {
        this.backend = backend;
        this.breaker = breaker;
        this.errors = errors;
        this.limit = options.maxPendingInvalidations();
        this.retryMillis = options.openDuration().toMillis();
        this.ticker = options.ticker();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    int size() {
        return pending.size();
    }

    /** Failures that found the list full, since the store was created. */
    long dropped() {
        return dropped.sum();
    }

    /** Remembers the keys and tags of a write that may not have reached the backend, and schedules their replay. */
    void remember(Collection<String> keys, Collection<String> tags) {
        int lost = 0;
        for (String key : keys) {
            lost += add(new Target(false, key));
        }
        for (String tag : tags) {
            lost += add(new Target(true, tag));
        }
        if (lost > 0 && dropLogged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.ERROR, "cache backend {0}: {1} failed invalidations could not be remembered,"
                    + " {2} are pending already; their old values stay until they expire", backend.name(), lost, pending.size());
        }
        if (!pending.isEmpty()) {
            scheduleReplay();
        }
    }

    private int add(Target target) {
        long seq = sequence.incrementAndGet();
        // Size is checked before the put, so concurrent failures may overshoot the limit by a few entries.
        if (pending.size() >= limit && !pending.containsKey(target)) {
            dropped.increment();
            return 1;
        }
        pending.put(target, seq);
        return 0;
    }

    /** Replays what is pending, once at a time; fails with the backend's failure. */
    CompletableFuture<Void> replay() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = replaying.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        // Each call that finds something pending asks for a replay: while the backend cannot take one, the
        // answer must cost no more than the call, not a copy of everything pending.
        Batch batch = EMPTY;
        CompletableFuture<?> sent;
        CacheBackendException.Refused refused = lastRefusal;
        if (pending.isEmpty()) {
            sent = CompletableFuture.completedFuture(null);
        } else if (refused != null && ticker.read() - refusedAt < REFUSED_PAUSE_NANOS) {
            sent = CompletableFuture.failedFuture(refused);
        } else if (!breaker.tryAcquire()) {
            sent = CompletableFuture.failedFuture(new CacheBackendException.CircuitOpen(backend.name()));
        } else {
            batch = batch();
            Batch sending = batch;
            // A tiered store's deletes and tag invalidations also reach its first tier and every instance's.
            sent = CompletableFuture.allOf(
                    sending.keys().isEmpty() ? CompletableFuture.completedFuture(null) : GuardedStore.attempt(() -> backend.deleteMany(sending.keys())),
                    sending.tags().isEmpty() ? CompletableFuture.completedFuture(null) : GuardedStore.attempt(() -> backend.invalidateTags(sending.tags())));
        }
        Batch sentBatch = batch;
        sent.whenComplete((ignored, error) -> settle(sentBatch, error, mine));
        return mine;
    }

    /** Takes out what {@code batch} replayed, or records why it could not be, and answers {@code mine}. */
    private void settle(Batch batch, Throwable error, CompletableFuture<Void> mine) {
        replaying.set(null);
        Throwable cause = error == null ? null : Store.unwrap(error);
        if (cause == null) {
            lastRefusal = null;
            if (!batch.isEmpty()) {
                breaker.onSuccess();
                batch.seen().forEach(pending::remove);
                dropLogged.set(false);
                LOG.log(System.Logger.Level.INFO, "cache backend {0}: replayed {1} failed invalidations",
                        backend.name(), batch.seen().size());
            }
            mine.complete(null);
        } else if (cause instanceof CacheBackendException failure) {
            // The pause's own answer was counted when the refusal first came.
            boolean repeated = failure == lastRefusal;
            if (failure instanceof CacheBackendException.Refused refusal && !repeated) {
                refusedAt = ticker.read();
                lastRefusal = refusal;
            }
            // An open breaker is counted by the reads it turns away, not again by each replay it stops.
            if (!(failure instanceof CacheBackendException.CircuitOpen) && !repeated) {
                errors.record("REPLAY_INVALIDATIONS", GuardedStore.describe(batch.names()), failure);
                if (!(failure instanceof CacheBackendException.Refused)) {
                    breaker.onFailure();
                }
            }
            mine.completeExceptionally(failure);
        } else {
            // Not the backend's failure but a bug; pending stays pending rather than the store failing for good.
            mine.completeExceptionally(new CacheBackendException("replaying failed invalidations failed", cause));
        }
    }

    private Batch batch() {
        Map<Target, Long> seen = Map.copyOf(pending);
        List<String> keys = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        seen.keySet().forEach(target -> (target.tag() ? tags : keys).add(target.name()));
        return new Batch(keys, tags, seen);
    }

    /** Keeps trying the replay while anything is pending. */
    private void scheduleReplay() {
        if (closed || !retryScheduled.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            retryScheduled.set(false);
            if (!closed && !pending.isEmpty()) {
                replay().whenComplete((done, error) -> {
                    if (error != null) {
                        scheduleReplay();
                    }
                });
            }
        }, CompletableFuture.delayedExecutor(retryMillis, TimeUnit.MILLISECONDS));
    }

    /** Stops replaying; what is still pending is given up, and logged. */
    void close() {
        closed = true;
        if (!pending.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "cache backend {0} closed with {1} failed invalidations not replayed;"
                    + " their old values stay until they expire", backend.name(), pending.size());
        }
    }}
