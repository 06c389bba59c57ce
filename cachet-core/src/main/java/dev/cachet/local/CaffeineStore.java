package dev.cachet.local;

import static java.util.concurrent.CompletableFuture.completedFuture;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.cachet.Ticker;
import dev.cachet.store.Envelope;
import dev.cachet.store.Glob;
import dev.cachet.store.HeldValue;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import dev.cachet.store.Versioned;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The in-process store: stored bytes in Caffeine, so values are isolated and weighed exactly. */
final class CaffeineStore implements Store {
    /** Approximate bytes a map entry costs beyond its key and value. */
    private static final int ENTRY_OVERHEAD = 64;
    private static final long NEVER = Long.MAX_VALUE;
    /** Past this many leases, lapsed ones of keys nobody asked for again are swept out. */
    private static final int LEASE_SWEEP_THRESHOLD = 1_024;
    /** The fewest tag versions kept, whatever the bound on entries. */
    private static final long TAG_VERSIONS_MIN = 10_000;
    private static final CompletableFuture<Boolean> TRUE = completedFuture(true);
    private static final CompletableFuture<Boolean> FALSE = completedFuture(false);

    /**
     * A value, the ticker readings at which it was stored and at which it expires, its compare-and-set token,
     * and what a cache decoded it into: one object, so that a hit of a value decoded before reads nothing but
     * the map's node and this. Immutable; keeping a decoded form replaces the entry with one that has it, if the entry is still there.
     */
    private final class Entry implements HeldValue {
        private final String key;
        private final byte[] value;
        private final long expiresAt;
        private final long storedAt;
        private final long cas;
        private final boolean enveloped;
        private final Type decodedType;
        private final Object decoded;

        Entry(String key, byte[] value, long storedAt, long expiresAt, long cas, Type decodedType, Object decoded) {
            this.key = key;
            this.value = value;
            this.storedAt = storedAt;
            this.expiresAt = expiresAt;
            this.cas = cas;
            this.enveloped = value.length > 0 && value[0] == Envelope.MARKER;
            this.decodedType = decodedType;
            this.decoded = decoded;
        }

        @Override
        public byte[] bytes() {
            return value;
        }

        @Override
        public boolean enveloped() {
            return enveloped;
        }

        @Override
        public Object decodedAs(Type type) {
            return type.equals(decodedType) ? decoded : null;
        }

        @Override
        public void keepDecoded(Type type, Object form) {
            cache.asMap().replace(key, this, new Entry(key, value, storedAt, expiresAt, cas, type, form));
        }

        @Override
        public long ageNanos() {
            return ticker.read() - storedAt;
        }
    }

    /** A lease on a key: its token and the ticker reading at which it lapses. */
    private record Lease(long token, long expiresAt) {}

    private final String name;
    private final Ticker ticker;
    private final Cache<String, Entry> cache;
    /** Leases by key; every write voids the key's lease before it touches the value. */
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    /**
     * The current version of each tag that has one; an invalidated tag has none until it is used again.
     * Bounded: a version evicted for room only turns the values stamped with it into misses.
     */
    private final ConcurrentMap<String, String> tagVersions;
    /** Versions count up from a random start, so a version is never given twice, even across restarts. */
    private final AtomicLong nextVersion = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 62));
    /** Every write gives its entry the next token, so a compare-and-set sees any write since its read. */
    private final AtomicLong nextCas = new AtomicLong();

    CaffeineStore(LocalStoreOptions options) {
        this.name = options.name();
        this.ticker = options.ticker();
        Caffeine<String, Entry> builder = Caffeine.newBuilder().ticker(ticker::read).expireAfter(new Expiry<String, Entry>() {
            @Override
            public long expireAfterCreate(String key, Entry entry, long now) {
                return remaining(entry, now);
            }

            @Override
            public long expireAfterUpdate(String key, Entry entry, long now, long currentDuration) {
                return remaining(entry, now);
            }

            @Override
            public long expireAfterRead(String key, Entry entry, long now, long currentDuration) {
                return currentDuration;
            }
        });
        // Eviction, admission and expiry run on the calling threads rather than on the common pool, whose one
        // worker on a 2-core machine is shared with every async stage of the process: while it lags, the read
        // buffers overflow and drop hits, the frequency sketch undercounts hot keys against each newcomer's
        // write, and cold keys win admission (a fifth of 100,000 keys at 80/20 held 0.73 of reads from 50 threads
        // with the common pool, 0.78 on the callers; an ideal LFU holds 0.80).
        builder.executor(Runnable::run);
        if (options.maximumBytes() > 0) {
            builder.maximumWeight(options.maximumBytes()).weigher(CaffeineStore::weigh);
        } else {
            builder.maximumSize(options.maximumEntries());
        }
        this.cache = builder.build();
        long tagBound = Math.max(TAG_VERSIONS_MIN, options.maximumEntries());
        this.tagVersions = Caffeine.newBuilder().maximumSize(tagBound).<String, String>build().asMap();
    }

    private static int weigh(String key, Entry entry) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * key.length() + entry.value.length + ENTRY_OVERHEAD);
    }

    private static long remaining(Entry entry, long now) {
        return entry.expiresAt == NEVER ? Long.MAX_VALUE : Math.max(0, entry.expiresAt - now);
    }

    private Entry entry(String key, byte[] value, long ttlMillis) {
        long now = ticker.read();
        long expiresAt = ttlMillis == FOREVER ? NEVER : now + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        return new Entry(key, value, now, expiresAt, nextCas.incrementAndGet(), null, null);
    }

    @Override
    public String name() {
        return name;
    }

    /** The same value with a new TTL, keeping what it was decoded into. */
    private Entry touched(Entry old, long ttlMillis) {
        long expiresAt = ttlMillis == FOREVER ? NEVER : ticker.read() + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        return new Entry(old.key, old.value, old.storedAt, expiresAt, nextCas.incrementAndGet(), old.decodedType, old.decoded);
    }

    /** The entry at {@code key}, unless absent or stamped with a tag version that is no longer current. */
    private Entry read(String key) {
        Entry entry = cache.getIfPresent(key);
        if (entry == null || !entry.enveloped) {
            return entry;
        }
        return Envelope.stampsCurrent(entry.value, tagVersions::get) ? entry : null;
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        Entry entry = read(key);
        return completedFuture(entry == null ? null : entry.value);
    }

    @Override
    public HeldValue held(String key) {
        Entry entry = read(key);
        return entry;
    }

    @Override
    public CompletableFuture<StoredEntry> getEntry(String key) {
        Entry entry = read(key);
        long ttl = entry == null ? 0 : remainingMillis(entry);
        return completedFuture(ttl == 0 ? null : new StoredEntry(entry.value, ttl));
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String key) {
        Entry entry = cache.getIfPresent(key);
        long ttl = entry == null ? 0 : remainingMillis(entry);
        return completedFuture(ttl == 0 ? null : new Versioned(entry.value, ttl, entry.cas));
    }

    /** Whole milliseconds left, rounded up; {@link #FOREVER}; or 0 once expired. */
    private long remainingMillis(Entry entry) {
        if (entry.expiresAt == NEVER) {
            return FOREVER;
        }
        long nanos = entry.expiresAt - ticker.read();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis) {
        leases.remove(key);
        boolean[] written = new boolean[1];
        cache.asMap().computeIfPresent(key, (k, old) -> {
            written[0] = old.cas == cas;
            return !written[0] ? old : value == null ? null : entry(key, value, ttlMillis);
        });
        return written[0] ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<List<byte[]>> getMany(List<String> keys) {
        List<byte[]> values = new ArrayList<>(keys.size());
        for (String key : keys) {
            Entry entry = read(key);
            values.add(entry == null ? null : entry.value);
        }
        return completedFuture(values);
    }

    @Override
    public CompletableFuture<LeasedRead> getOrLease(String key, long leaseMillis) {
        Entry entry = read(key);
        if (entry != null) {
            return completedFuture(LeasedRead.hit(entry.value));
        }
        // Again under the key's lock: a setIfLeased that had ended its lease but not yet stored its value when
        // the read above ran must not leave this caller a lease of its own and a load to run for nothing.
        LeasedRead[] answer = new LeasedRead[1];
        cache.asMap().compute(key, (k, current) -> {
            answer[0] = current != null && Envelope.stampsCurrent(current.value, tagVersions::get)
                    ? LeasedRead.hit(current.value)
                    : grant(k, leaseMillis);
            return current;
        });
        return completedFuture(answer[0]);
    }

    @Override
    public CompletableFuture<LeasedRead> lease(String key, long leaseMillis) {
        return completedFuture(grant(key, leaseMillis));
    }

    private LeasedRead grant(String key, long leaseMillis) {
        long now = ticker.read();
        if (leases.size() > LEASE_SWEEP_THRESHOLD) {
            leases.values().removeIf(lease -> lease.expiresAt - now <= 0);
        }
        Lease mine = new Lease(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                now + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
        Lease current = leases.compute(key, (k, old) -> old == null || old.expiresAt - now <= 0 ? mine : old);
        return current == mine ? LeasedRead.granted(mine.token) : LeasedRead.heldByAnother();
    }

    @Override
    public CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, long token, byte[] replacing) {
        boolean[] stored = new boolean[1];
        // Under the key's lock, so that a writer's delete or set lands entirely before or after this.
        cache.asMap().compute(key, (k, old) -> {
            Lease lease = leases.get(k);
            boolean leased = lease != null && lease.token == token && leases.remove(k, lease);
            stored[0] = leased && (old == null || !Envelope.stampsCurrent(old.value, tagVersions::get)
                    || replacing != null && Arrays.equals(Envelope.bodyOf(old.value), Envelope.bodyOf(replacing)));
            return stored[0] ? entry(key, value, ttlMillis) : old;
        });
        return stored[0] ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Boolean> releaseLease(String key, long token) {
        boolean[] released = new boolean[1];
        leases.computeIfPresent(key, (k, lease) -> {
            released[0] = lease.token == token;
            return released[0] ? null : lease;
        });
        return released[0] ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Map<String, String>> tagVersions(Collection<String> tags, long ttlMillis) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String tag : tags) {
            versions.put(tag, tagVersions.computeIfAbsent(tag, t -> Long.toString(nextVersion.incrementAndGet())));
        }
        return completedFuture(versions);
    }

    @Override
    public CompletableFuture<Long> invalidateTags(Collection<String> tags) {
        long ended = 0;
        for (String tag : Set.copyOf(tags)) {
            if (tagVersions.remove(tag) != null) {
                ended++;
            }
        }
        return completedFuture(ended);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        leases.remove(key);
        cache.put(key, entry(key, value, ttlMillis));
        return TRUE;
    }

    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        leases.remove(key);
        return cache.asMap().putIfAbsent(key, entry(key, value, ttlMillis)) == null ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        entries.forEach((key, value) -> {
            leases.remove(key);
            cache.put(key, entry(key, value, ttlMillis));
        });
        return completedFuture(Set.of());
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        leases.remove(key);
        return cache.asMap().remove(key) != null ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected) {
        leases.remove(key);
        boolean[] deleted = new boolean[1];
        cache.asMap().computeIfPresent(key, (k, entry) -> {
            deleted[0] = Arrays.equals(entry.value, expected);
            return deleted[0] ? null : entry;
        });
        return deleted[0] ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        long deleted = 0;
        for (String key : keys) {
            leases.remove(key);
            if (cache.asMap().remove(key) != null) {
                deleted++;
            }
        }
        return completedFuture(deleted);
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        leases.remove(key);
        try {
            Entry updated = cache.asMap().compute(key, (k, old) -> {
                if (old == null) {
                    throw new NoSuchElementException("key '" + k + "' is not in the cache");
                }
                String text = new String(old.value, StandardCharsets.US_ASCII);
                long current;
                try {
                    current = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("value at key '" + k + "' is not an integer");
                }
                long next;
                try {
                    next = Math.addExact(current, delta);
                } catch (ArithmeticException e) {
                    throw new IllegalStateException("incrementing key '" + k + "' by " + delta + " would overflow");
                }
                return new Entry(k, Long.toString(next).getBytes(StandardCharsets.US_ASCII), ticker.read(), old.expiresAt,
                        nextCas.incrementAndGet(), null, null);
            });
            return completedFuture(Long.parseLong(new String(updated.value, StandardCharsets.US_ASCII)));
        } catch (NoSuchElementException | IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        leases.remove(key);
        Entry updated = cache.asMap().computeIfPresent(key, (k, old) -> touched(old, ttlMillis));
        return updated != null ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Boolean> contains(String key) {
        return cache.getIfPresent(key) != null ? TRUE : FALSE;
    }

    @Override
    public CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun) {
        Pattern glob = Glob.compile(pattern);
        if (!dryRun) {
            leases.keySet().removeIf(key -> glob.matcher(key).matches() && filter.test(key));
        }
        long matched = 0;
        for (String key : cache.asMap().keySet()) {
            if (glob.matcher(key).matches() && filter.test(key) && (dryRun || cache.asMap().remove(key) != null)) {
                matched++;
            }
        }
        return completedFuture(matched);
    }

    long estimatedSize() {
        return cache.estimatedSize();
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }
}
