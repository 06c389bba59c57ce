package dev.cachet.tiered;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.cachet.store.Envelope;
import dev.cachet.store.HeldValue;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import dev.cachet.store.Versioned;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Two stores as one: a first tier (in-process) in front of a second (Redis), kept coherent across instances
 * by an {@link InvalidationSource}.
 *
 * <p>Reads try the first tier, then the second, and copy a second-tier hit into the first for at most its
 * remaining TTL and at most {@link TieredOptions#firstTierTtl()}. A copy read in the last fifth of a full
 * first-tier TTL is read again from the second tier in the background (as one read, however many hits ask),
 * so that a key in steady use is not a miss each time its copy expires; the hit is answered from the copy.
 * Writes and deletes go to the second tier and then drop the key from the first, so the next read takes the
 * new value from the second tier. When the source reports a change made anywhere, the key leaves the first
 * tier; while the source is not live, the first tier is neither read nor filled, and when it goes live again
 * the first tier is flushed. A source that lost only some of its servers
 * ({@link InvalidationSource#isLive(String)}) costs only their keys: the others are still read from the first
 * tier, as long as it holds no tagged values, whose tags' reports may come from any server.
 *
 * <p>A read that fills the first tier while an invalidation arrives could keep the old value there; a fill is
 * therefore registered under its key from before its read goes out until its copy is in, an invalidation or a
 * write here of that key voids it, and a voided fill takes its value out again. Only the key's own
 * invalidations void a fill: under writes to other keys, fills still stick. A flush voids every fill under way.
 *
 * <p>Tags: the second tier holds every tag's version and answers for it. The first tier keeps versions of its
 * own: a value copied into it is stamped with the first tier's versions of its tags, and when the source
 * reports that a tag was invalidated anywhere, the first tier invalidates its version, so every copy stamped
 * with it reads as absent there and the next read goes to the second tier. A fill that saw any tag
 * invalidated meanwhile takes its value out again.
 *
 * <p>The tiered store owns the first tier and the source, and closes them; it closes the second tier too,
 * unless it was made {@linkplain #createOverShared over a shared one}. Thread-safe.
 */
public final class TieredStore implements Store {
    private final Store first;
    private final Store second;
    private final InvalidationSource source;
    private final long firstTierTtlMillis;
    /** Age past which a first-tier copy that hits is read again: four fifths of the first tier's TTL. */
    private final long refreshAfterNanos;
    private final boolean ownsSecond;

    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong tagInvalidations = new AtomicLong();
    private final ConcurrentHashMap<String, Fill> filling = new ConcurrentHashMap<>();
    private final LongAdder firstTierHits = new LongAdder();
    private final LongAdder secondTierReads = new LongAdder();
    private final LongAdder invalidationsReceived = new LongAdder();
    /**
     * Set once a value stamped with tags is copied into the first tier: from then on, a source that is not
     * live for every key bypasses the whole first tier, since a tag's invalidations may be the ones missed.
     */
    private volatile boolean holdsTagged;

    private TieredStore(Store first, Store second, InvalidationSource source, TieredOptions options, boolean ownsSecond) {
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
        this.source = Objects.requireNonNull(source, "source");
        this.firstTierTtlMillis = options.firstTierTtl().toMillis();
        this.refreshAfterNanos = TimeUnit.MILLISECONDS.toNanos(firstTierTtlMillis) / 5 * 4;
        this.ownsSecond = ownsSecond;
    }

    /** A tiered store over {@code first} and {@code second}, closing both when it closes; starts {@code source}. */
    public static TieredStore create(Store first, Store second, InvalidationSource source, TieredOptions options) {
        return start(new TieredStore(first, second, source, options, true));
    }

    /**
     * A tiered store like {@link #create}, over a {@code second} tier that other caches use as well, so that
     * caches on one Redis share its connection and threads: closing the tiered store closes {@code first}
     * and {@code source} but not {@code second}, which whoever made it closes after the stores over it.
     */
    public static TieredStore createOverShared(Store first, Store second, InvalidationSource source, TieredOptions options) {
        return start(new TieredStore(first, second, source, options, false));
    }

    private static TieredStore start(TieredStore tiered) {
        tiered.source.start(new InvalidationSource.Listener() {
            @Override
            public void invalidate(Collection<String> keys) {
                tiered.invalidationsReceived.add(keys.size());
                for (String key : keys) {
                    tiered.voidFill(key);
                    tiered.first.delete(key);
                }
            }

            @Override
            public void invalidateTags(Collection<String> tags) {
                tiered.invalidationsReceived.add(tags.size());
                tiered.tagInvalidations.incrementAndGet();
                tiered.first.invalidateTags(tags);
            }

            @Override
            public void flushAll() {
                flush(key -> true);
            }

            @Override
            public void flush(Predicate<String> keys) {
                tiered.invalidationsReceived.increment();
                tiered.flushes.incrementAndGet();
                tiered.first.deleteMatching("*", tiered.holdsTagged ? key -> true : keys, false);
            }
        });
        return tiered;
    }

    /** The first tier, for inspection. */
    public Store firstTier() {
        return first;
    }

    /** The second tier, for inspection. */
    public Store secondTier() {
        return second;
    }

    /** Reads of a key that the first tier answered, since the store was created. */
    public long firstTierHits() {
        return firstTierHits.sum();
    }

    /**
     * Reads of a key that went to the second tier: first-tier misses, and every read while the invalidation
     * source was not live. With {@link #firstTierHits()}, the first tier's hit ratio.
     */
    public long secondTierReads() {
        return secondTierReads.sum();
    }

    /**
     * Invalidations the source reported, of keys, tags and whole flushes (each counts one), since the store
     * was created; this instance's own writes come back among them.
     */
    public long invalidationsReceived() {
        return invalidationsReceived.sum();
    }

    /** Counts a first-tier answer: a hit, or a read that goes on to the second tier. */
    private <T> boolean answered(T hit) {
        (hit != null ? firstTierHits : secondTierReads).increment();
        return hit != null;
    }

    @Override
    public String name() {
        return "tiered(" + first.name() + " > " + second.name() + ")";
    }

    /** Whether the first tier may answer for {@code key}: else its copy may be stale. */
    private boolean firstTierServes(String key) {
        return source.isLive() || !holdsTagged && source.isLive(key);
    }

    /** The first tier's copy, while the invalidation source reports changes to it: else it may be stale. */
    @Override
    public HeldValue held(String key) {
        if (!firstTierServes(key)) {
            return null;
        }
        HeldValue held = first.held(key);
        if (held != null) {
            firstTierHits.increment();
            // A copy whose TTL the second tier cut short never gets this old, so it expires with the second tier's entry.
            if (held.ageNanos() >= refreshAfterNanos) {
                fill(key, true);
            }
        }
        return held;
    }

    private long firstTierTtl(long ttlMillis) {
        return ttlMillis == FOREVER ? firstTierTtlMillis : Math.min(ttlMillis, firstTierTtlMillis);
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        if (!firstTierServes(key)) {
            secondTierReads.increment();
            return second.get(key);
        }
        return first.get(key).thenCompose(hit -> answered(hit)
                ? completedFuture(hit)
                : fill(key, false).thenApply(entry -> entry == null ? null : entry.value()));
    }

    /** Always from the second tier: the first tier's TTL is its own, shorter one, not the entry's. */
    @Override
    public CompletableFuture<StoredEntry> getEntry(String key) {
        return firstTierServes(key) ? fill(key, false) : second.getEntry(key);
    }

    /**
     * Reads the second tier and copies a hit into the first, unless an invalidation came in between. Misses of
     * a key share the read under way when nothing was invalidated or written here since it started: when a
     * first-tier copy expires under load, one read goes to Redis instead of one per request, and a burst of
     * them cannot time out together and open the breaker.
     */
    private CompletableFuture<StoredEntry> fill(String key, boolean readAgain) {
        long seenFlushes = flushes.get();
        long seenTagInvalidations = tagInvalidations.get();
        Fill running = filling.get(key);
        if (running != null && !running.voided && running.flushes == seenFlushes && running.tagInvalidations == seenTagInvalidations) {
            return running.entry;
        }
        Fill mine = new Fill(seenFlushes, seenTagInvalidations, readAgain);
        Fill superseded = filling.put(key, mine);
        if (superseded != null) {
            // No longer registered, so the key's invalidations would not reach it: it must not keep its copy.
            superseded.voided = true;
        }
        second.getEntry(key).whenComplete((read, error) -> {
            if (error != null) {
                filling.remove(key, mine);
                mine.entry.completeExceptionally(error);
                return;
            }
            // The caller first: the copy is not on its way, and a reader meanwhile shares this read.
            mine.entry.complete(read);
            if (read != null && firstTierServes(key)) {
                copyUp(key, read, mine);
            } else {
                if (read == null && mine.readAgain) {
                    // A copy being read again whose key is gone from the second tier goes too.
                    first.delete(key);
                }
                filling.remove(key, mine);
            }
        });
        return mine.entry;
    }

    /**
     * Voids the fill of {@code key} under way, if any: its copy must not stay in the first tier, nor may a miss
     * that begins now share its read. Called before the key leaves the first tier, so a copy made after this
     * is found void, and one made before is taken out by that removal.
     */
    private void voidFill(String key) {
        Fill running = filling.get(key);
        if (running != null) {
            running.voided = true;
        }
    }

    /**
     * A second-tier read under way, with the flush and tag counters as they were when it started; registered
     * under its key until its copy is in the first tier.
     */
    private static final class Fill {
        final long flushes;
        final long tagInvalidations;
        /** Whether it reads again a copy the first tier holds, rather than a key it missed. */
        final boolean readAgain;
        final CompletableFuture<StoredEntry> entry = new CompletableFuture<>();
        /** Set when the key is invalidated or written here while the fill is under way. */
        volatile boolean voided;

        Fill(long flushes, long tagInvalidations, boolean readAgain) {
            this.flushes = flushes;
            this.tagInvalidations = tagInvalidations;
            this.readAgain = readAgain;
        }
    }

    /**
     * Copies a second-tier hit into the first tier, unless an invalidation came in since the read began; the
     * fill stays registered until the copy is checked, so that an invalidation meanwhile finds it.
     */
    private void copyUp(String key, StoredEntry entry, Fill fill) {
        firstTierCopy(entry.value()).whenComplete((copy, error) -> {
            try {
                if (error != null) {
                    return;
                }
                if (copy != entry.value()) {
                    // Stamped with tags: set before the check, so a flush that begins now finds it set.
                    holdsTagged = true;
                    if (!source.isLive()) {
                        return;
                    }
                }
                first.set(key, copy, firstTierTtl(entry.ttlMillis()));
                if (fill.voided || flushes.get() != fill.flushes
                        || tagInvalidations.get() != fill.tagInvalidations && copy != entry.value()) {
                    first.delete(key);
                }
            } finally {
                filling.remove(key, fill);
            }
        });
    }

    /** {@code value} as the first tier keeps it: stamped with the first tier's versions of its tags. */
    private CompletableFuture<byte[]> firstTierCopy(byte[] value) {
        Map<String, String> stamps = Envelope.stampsOf(value);
        if (stamps.isEmpty()) {
            return completedFuture(value);
        }
        return first.tagVersions(stamps.keySet(), FOREVER).thenApply(versions -> Envelope.parse(value).withTags(versions).toBytes());
    }

    /** From the second tier, which every instance writes: a compare-and-set must see their writes. */
    @Override
    public CompletableFuture<Versioned> getVersioned(String key) {
        return second.getVersioned(key);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis) {
        return write(key, second.compareAndSet(key, cas, value, ttlMillis));
    }

    /** The first tier answers hits; leases are the second tier's, which every instance shares. */
    @Override
    public CompletableFuture<LeasedRead> getOrLease(String key, long leaseMillis) {
        if (!firstTierServes(key)) {
            secondTierReads.increment();
            return second.getOrLease(key, leaseMillis);
        }
        return first.get(key).thenCompose(hit -> answered(hit)
                ? completedFuture(LeasedRead.hit(hit))
                : second.getOrLease(key, leaseMillis));
    }

    @Override
    public CompletableFuture<LeasedRead> lease(String key, long leaseMillis) {
        return second.lease(key, leaseMillis);
    }

    @Override
    public CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, long token, byte[] replacing) {
        return write(key, second.setIfLeased(key, value, ttlMillis, token, replacing));
    }

    @Override
    public CompletableFuture<Map<String, String>> tagVersions(Collection<String> tags, long ttlMillis) {
        return second.tagVersions(tags, ttlMillis);
    }

    /** Invalidates in the second tier, for every instance, and at once in this instance's first tier. */
    @Override
    public CompletableFuture<Long> invalidateTags(Collection<String> tags) {
        return second.invalidateTags(tags).whenComplete((count, error) -> {
            tagInvalidations.incrementAndGet();
            first.invalidateTags(tags);
        });
    }

    @Override
    public CompletableFuture<Boolean> releaseLease(String key, long token) {
        return second.releaseLease(key, token);
    }

    @Override
    public CompletableFuture<List<byte[]>> getMany(List<String> keys) {
        if (!source.isLive()) {
            secondTierReads.add(keys.size());
            return second.getMany(keys);
        }
        return first.getMany(keys).thenCompose(cached -> {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (!answered(cached.get(i))) {
                    missing.add(keys.get(i));
                }
            }
            if (missing.isEmpty()) {
                return completedFuture(cached);
            }
            // MGET says nothing of TTLs, so these hits are not copied into the first tier.
            return second.getMany(missing).thenApply(fetched -> {
                List<byte[]> merged = new ArrayList<>(cached);
                int next = 0;
                for (int i = 0; i < merged.size(); i++) {
                    if (merged.get(i) == null) {
                        merged.set(i, fetched.get(next++));
                    }
                }
                return merged;
            });
        });
    }

    /** Runs a write on the second tier, then drops the key from the first whatever the outcome. */
    private <T> CompletableFuture<T> write(String key, CompletableFuture<T> secondTier) {
        return secondTier.whenComplete((result, error) -> dropWritten(key));
    }

    /**
     * Drops a key written here from the first tier, and voids a read of it under way, which began before the
     * write: it neither keeps its old value there nor is shared with a read that begins after.
     */
    private void dropWritten(String key) {
        voidFill(key);
        first.delete(key);
    }

    private void dropWritten(Collection<String> keys) {
        keys.forEach(this::voidFill);
        first.deleteMany(keys);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        return write(key, second.set(key, value, ttlMillis));
    }

    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        return write(key, second.add(key, value, ttlMillis));
    }

    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        return second.setMany(entries, ttlMillis).whenComplete((failed, error) -> dropWritten(entries.keySet()));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return write(key, second.delete(key));
    }

    @Override
    public CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected) {
        return write(key, second.deleteIfSame(key, expected));
    }

    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        return second.deleteMany(keys).whenComplete((count, error) -> dropWritten(keys));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        return write(key, second.increment(key, delta));
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        return write(key, second.expire(key, ttlMillis));
    }

    @Override
    public CompletableFuture<Boolean> contains(String key) {
        if (!firstTierServes(key)) {
            return second.contains(key);
        }
        return first.contains(key).thenCompose(present -> present ? completedFuture(true) : second.contains(key));
    }

    @Override
    public CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun) {
        CompletableFuture<Long> secondTier = second.deleteMatching(pattern, filter, dryRun);
        return dryRun ? secondTier : secondTier.whenComplete((count, error) -> {
            flushes.incrementAndGet();
            first.deleteMatching(pattern, filter, false);
        });
    }

    @Override
    public CompletableFuture<Long> clear(String prefix) {
        return second.clear(prefix).whenComplete((count, error) -> {
            flushes.incrementAndGet();
            first.clear(prefix);
        });
    }

    @Override
    public void close() {
        source.close();
        first.close();
        if (ownsSecond) {
            second.close();
        }
    }
}
