package dev.cachet.redis;

import dev.cachet.CacheBackendException;
import dev.cachet.store.Envelope;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import dev.cachet.store.Versioned;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The Redis store: each operation is one command (or one script, or one pipeline) on the shared
 * connection, and every Lettuce failure is translated here into a backend failure or a caller error.
 */
final class LettuceStore implements Store {
    /** What a read answers for a key that holds a non-string type: bytes that no codec decodes. */
    private static final byte[] FOREIGN = new byte[0];
    private static final int SET_MANY_BATCH = 500;
    /** Keys per MGET: Redis serves no other client while it answers one. */
    private static final int GET_MANY_BATCH = 1_000;

    private final Connector connector;
    private final String name;
    private final int scanBatch;
    private final long timeoutMillis;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final boolean cluster;

    LettuceStore(RedisStoreOptions options) {
        this.cluster = options.cluster();
        this.maxInFlight = options.requestQueueSize();
        this.inFlight = new Semaphore(maxInFlight);
        this.connector = new Connector(options);
        this.name = connector.name();
        this.scanBatch = options.scanBatch();
        this.timeoutMillis = options.commandTimeout().toMillis();
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * A plain GET, whose value's tag stamps are checked afterwards with one more round trip when it has any. A
     * script that checked them where the value is would save that trip for tagged values, but costs Redis
     * several times a GET's work for every read, on the one thread that serves every client; and a Cluster
     * keeps tag keys on other nodes than the value anyway.
     */
    @Override
    public CompletableFuture<byte[]> get(String key) {
        return call(key, c -> c.get(key)).thenCompose(this::checked).exceptionallyCompose(LettuceStore::foreignOnWrongType);
    }

    /**
     * {@code value}, or null when it is a lease placeholder or one of its tag stamps is no longer current.
     */
    private CompletableFuture<byte[]> checked(byte[] value) {
        if (!Envelope.isEnvelope(value)) {
            return CompletableFuture.completedFuture(LeasedRead.isPlaceholder(value) ? null : value);
        }
        return checked(Collections.singletonList(value)).thenApply(List::getFirst);
    }

    /**
     * {@code values} with lease placeholders and values whose tag stamps are no longer current replaced by
     * null: one MGET of the versions of every tag they are stamped with, none when no value has stamps.
     */
    private CompletableFuture<List<byte[]>> checked(List<byte[]> values) {
        List<byte[]> answered = new ArrayList<>(values.size());
        Set<String> tags = new LinkedHashSet<>();
        for (byte[] value : values) {
            answered.add(LeasedRead.isPlaceholder(value) ? null : value);
            tags.addAll(Envelope.stampsOf(value).keySet());
        }
        if (tags.isEmpty()) {
            return CompletableFuture.completedFuture(answered);
        }
        String[] tagKeys = tags.stream().map(tag -> TAG_PREFIX + tag).toArray(String[]::new);
        return call(tagKeys[0], c -> c.mget(tagKeys)).thenApply(versions -> {
            Map<String, String> current = new HashMap<>();
            for (KeyValue<String, byte[]> version : versions) {
                version.ifHasValue(v -> current.put(version.getKey().substring(TAG_PREFIX.length()),
                        new String(v, StandardCharsets.US_ASCII)));
            }
            answered.replaceAll(value -> value == null || Envelope.stampsCurrent(value, current::get) ? value : null);
            return answered;
        });
    }

    @Override
    public CompletableFuture<StoredEntry> getEntry(String key) {
        // GET and PTTL go out together, one round trip under one in-flight permit. A write between them can pair
        // the old value with the new TTL; the write also voids whatever was read (a tracking reader is told of
        // it), as it would if it came right after both.
        return this.<StoredEntry>call(key, c -> c.get(key).thenCombine(c.pttl(key), LettuceStore::entry))
                .thenCompose(this::checked)
                .exceptionallyCompose(error -> foreignOnWrongType(error).thenApply(bytes -> null));
    }

    /** A GET's value with a PTTL's answer; null when absent, or when the key went or is in its last millisecond. */
    private static StoredEntry entry(byte[] value, long pttl) {
        return value == null || pttl != -1 && pttl <= 0 ? null : new StoredEntry(value, pttl == -1 ? FOREVER : pttl);
    }

    /** {@code entry}, or null when its value is a lease placeholder or one of its tag stamps is no longer current. */
    private CompletableFuture<StoredEntry> checked(StoredEntry entry) {
        return entry == null ? CompletableFuture.completedFuture(null)
                : checked(entry.value()).thenApply(current -> current == null ? null : entry);
    }

    /**
     * Redis has no compare-and-set token, so the token is the value's: the first 64 bits of its SHA-1, which
     * {@link Script#COMPARE_AND_SET} checks where the value is. Two different values with one token are as
     * likely as a collision of 64 random bits; the same value written again keeps its token, which is what a
     * compare-and-set of bytes means.
     */
    @Override
    public CompletableFuture<Versioned> getVersioned(String key) {
        return this.<List<Object>>call(key, c -> Script.GET_VERSIONED.run(c, key)).thenApply(reply -> {
            if (reply == null || reply.isEmpty()) {
                return null;
            }
            long pttl = (Long) reply.get(1);
            if (pttl != -1 && pttl <= 0) {
                return null;
            }
            byte[] value = (byte[]) reply.get(0);
            return new Versioned(value, pttl == -1 ? FOREVER : pttl, Long.parseUnsignedLong(Script.sha1Hex(value).substring(0, 16), 16));
        }).exceptionallyCompose(error -> foreignOnWrongType(error).thenApply(foreign -> null));
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis) {
        byte[] digest = String.format("%016x", cas).getBytes(StandardCharsets.US_ASCII);
        byte[] ttl = value == null ? new byte[0] : ascii(ttlMillis);
        byte[] bytes = value == null ? new byte[0] : value;
        return this.<Long>call(key, c -> Script.COMPARE_AND_SET.run(c, key, digest, ttl, bytes)).thenApply(stored -> stored == 1);
    }


    /**
     * Where the refresh lease of {@code key} is kept (a miss's lease is a placeholder in the key itself): in
     * the same cluster slot as the key, so that one script can check the lease and write the key. A key with
     * a hash tag keeps it ({@code cachet-lease:} adds no brace); a key without one is wrapped in one. A key
     * without a tag but with a '}' cannot be wrapped; its lease lands elsewhere, which only a Cluster minds
     * (see {@link #lease}).
     */
    static String leaseKey(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        boolean tagged = close > open + 1;
        return tagged || key.indexOf('}') >= 0 ? LEASE_PREFIX + key : LEASE_PREFIX + "{" + key + "}";
    }

    private static byte[] ascii(long number) {
        return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A miss's lease is a placeholder in the key itself (as {@link Store}'s default keeps it), so that a plain
     * {@code SET} or {@code UNLINK} of the key voids it with no command of its own.
     */
    @Override
    public CompletableFuture<LeasedRead> getOrLease(String key, long leaseMillis) {
        long token = newToken();
        return this.<List<Object>>call(key, c -> Script.GET_OR_LEASE.on(cluster).run(c, key, LeasedRead.placeholder(token), ascii(leaseMillis)))
                .thenCompose(reply -> switch (((Long) reply.getFirst()).intValue()) {
                    case 1 -> cluster ? leaseUnlessCurrent(key, (byte[]) reply.get(1), leaseMillis)
                            : CompletableFuture.completedFuture(LeasedRead.hit((byte[]) reply.get(1)));
                    case 2 -> CompletableFuture.completedFuture(LeasedRead.granted(token));
                    default -> CompletableFuture.completedFuture(LeasedRead.heldByAnother());
                })
                .exceptionallyCompose(error -> foreignOnWrongType(error).thenApply(foreign -> LeasedRead.hit(FOREIGN)));
    }

    /**
     * On a Cluster, where scripts cannot check stamps: a hit whose stamps turn out stale is replaced by the
     * caller's placeholder (only while it holds those bytes), which grants the caller the lease.
     */
    private CompletableFuture<LeasedRead> leaseUnlessCurrent(String key, byte[] value, long leaseMillis) {
        return checked(value).thenCompose(current -> {
            if (current != null) {
                return CompletableFuture.completedFuture(LeasedRead.hit(current));
            }
            long token = newToken();
            return this.<Long>call(key, c -> Script.LEASE_IF_SAME.run(c, key, value, LeasedRead.placeholder(token), ascii(leaseMillis)))
                    .thenApply(leased -> leased == 1 ? LeasedRead.granted(token) : LeasedRead.heldByAnother());
        });
    }

    /** A refresh's lease: a key of its own beside the value, which stays readable meanwhile. */
    @Override
    public CompletableFuture<LeasedRead> lease(String key, long leaseMillis) {
        if (cluster && SlotHash.getSlot(key) != SlotHash.getSlot(leaseKey(key))) {
            return CompletableFuture.completedFuture(LeasedRead.unavailable());
        }
        long token = newToken();
        return call(key, c -> c.set(leaseKey(key), LeasedRead.placeholder(token), SetArgs.Builder.nx().px(leaseMillis)))
                .thenApply(ok -> "OK".equals(ok) ? LeasedRead.granted(token) : LeasedRead.heldByAnother());
    }

    @Override
    public CompletableFuture<Boolean> releaseLease(String key, long token) {
        String[] keys = leaseKeys(key);
        return this.<Long>call(key, c -> Script.RELEASE_LEASE.run(c, keys, LeasedRead.placeholder(token)))
                .thenApply(released -> released == 1);
    }

    /**
     * Stores by {@link Script#SET_IF_LEASED}. A write or delete of the key after a refresh's lease was
     * granted leaves other bytes (or none) there, which the script refuses; set does not touch the lease.
     */
    @Override
    public CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, long token, byte[] replacing) {
        String[] keys = leaseKeys(key);
        byte[] digest = replacing == null ? new byte[0] : Script.sha1Hex(Envelope.bodyOf(replacing)).getBytes(StandardCharsets.US_ASCII);
        return this.<Long>call(key, c -> Script.SET_IF_LEASED.on(cluster).run(c, keys, LeasedRead.placeholder(token), value, ascii(ttlMillis), digest))
                .thenApply(stored -> stored == 1);
    }

    /** The key and its refresh lease, or on a Cluster, where that lease would sit in another slot, the key alone. */
    private String[] leaseKeys(String key) {
        return cluster && SlotHash.getSlot(key) != SlotHash.getSlot(leaseKey(key)) ? new String[] {key} : new String[] {key, leaseKey(key)};
    }

    private static long newToken() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    @Override
    public CompletableFuture<Map<String, String>> tagVersions(Collection<String> tags, long ttlMillis) {
        List<String> names = List.copyOf(new LinkedHashSet<>(tags));
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        // One script per tag, each on its own key, so a Cluster takes them too; all in one pipeline.
        byte[] needed = ascii(ttlMillis);
        byte[] kept = ascii(ttlMillis == FOREVER ? FOREVER : 2 * ttlMillis);
        return this.<Map<String, String>>call(TAG_PREFIX + names.getFirst(), c -> {
            List<CompletableFuture<String>> replies = new ArrayList<>(names.size());
            for (String name : names) {
                byte[] fresh = ascii(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
                replies.add(Script.TAG_VERSION.<byte[]>run(c, TAG_PREFIX + name, fresh, needed, kept)
                        .thenApply(version -> new String(version, StandardCharsets.US_ASCII)));
            }
            return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(all -> {
                Map<String, String> versions = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    versions.put(names.get(i), replies.get(i).join());
                }
                return versions;
            });
        });
    }

    @Override
    public CompletableFuture<Long> invalidateTags(Collection<String> tags) {
        String[] tagKeys = new LinkedHashSet<>(tags).stream().map(tag -> TAG_PREFIX + tag).toArray(String[]::new);
        if (tagKeys.length == 0) {
            return CompletableFuture.completedFuture(0L);
        }
        return call(tagKeys[0], c -> c.unlink(tagKeys));
    }

    @Override
    public CompletableFuture<List<byte[]>> getMany(List<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompletableFuture<List<byte[]>>> batches = new ArrayList<>();
        if (cluster) {
            // Lettuce splits a Cluster MGET by slot itself.
            batches.add(mget(keys.toArray(String[]::new)));
        } else {
            for (int from = 0; from < keys.size(); from += GET_MANY_BATCH) {
                batches.add(mget(keys.subList(from, Math.min(keys.size(), from + GET_MANY_BATCH)).toArray(String[]::new)));
            }
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<byte[]> result = new ArrayList<>(keys.size());
            batches.forEach(batch -> result.addAll(batch.join()));
            return result;
        });
    }

    /** One MGET, its values {@linkplain #checked(List) checked}. */
    private CompletableFuture<List<byte[]>> mget(String[] keys) {
        return call(keys[0], c -> c.mget(keys)).thenCompose(replies -> {
            List<byte[]> values = new ArrayList<>(replies.size());
            replies.forEach(reply -> values.add(reply.getValueOrElse(null)));
            return checked(values);
        });
    }

    /** One {@code SET}: it replaces a miss's lease placeholder, which is what voids that lease. */
    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        return call(key, c -> ttlMillis == FOREVER ? c.set(key, value) : c.set(key, value, SetArgs.Builder.px(ttlMillis)))
                .thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        return this.<Long>call(key, c -> Script.ADD.run(c, key, value, ascii(ttlMillis))).thenApply(added -> added == 1);
    }

    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        // One pipeline: every SET goes out before any reply is awaited. A batch of SETs is one request
        // for the in-flight bound, so a large setMany is not refused by its own size.
        List<String> keys = new ArrayList<>(entries.keySet());
        List<CompletableFuture<Boolean>> replies = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += SET_MANY_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + SET_MANY_BATCH));
            CompletableFuture<List<CompletableFuture<Boolean>>> sent = call(batch.getFirst(), c -> {
                List<CompletableFuture<Boolean>> sets = new ArrayList<>(batch.size());
                for (String key : batch) {
                    byte[] value = entries.get(key);
                    RedisFuture<String> reply = ttlMillis == FOREVER ? c.set(key, value) : c.set(key, value, SetArgs.Builder.px(ttlMillis));
                    sets.add(reply.toCompletableFuture().handle((ok, error) -> error == null ? "OK".equals(ok) : rethrow(key, error)));
                }
                return CompletableFuture.allOf(sets.toArray(CompletableFuture[]::new)).handle((all, ignored) -> sets);
            });
            for (int i = 0; i < batch.size(); i++) {
                int index = i;
                replies.add(sent.thenCompose(sets -> sets.get(index)));
            }
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).handle((all, ignored) -> {
            Set<String> failed = new HashSet<>();
            Throwable firstError = null;
            for (int i = 0; i < keys.size(); i++) {
                CompletableFuture<Boolean> reply = replies.get(i);
                if (reply.isCompletedExceptionally()) {
                    failed.add(keys.get(i));
                    if (firstError == null) {
                        firstError = Store.unwrap(reply.exceptionNow());
                    }
                } else if (!reply.resultNow()) {
                    failed.add(keys.get(i));
                }
            }
            // When nothing got through, the backend is down: report that, so the breaker counts it.
            if (failed.size() == keys.size() && firstError != null) {
                throw new CompletionException(firstError);
            }
            return failed;
        });
    }

    /** One {@code UNLINK}: with the key goes a miss's lease placeholder, and a refresh's lease finds nothing to replace. */
    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return call(key, c -> c.unlink(key)).thenApply(count -> count > 0);
    }

    @Override
    public CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected) {
        return this.<Long>call(key, c -> Script.DELETE_IF_SAME.run(c, key, expected)).thenApply(deleted -> deleted > 0);
    }

    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(0L);
        }
        String[] all = keys.toArray(String[]::new);
        return call(all[0], c -> c.unlink(all));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        byte[] by = Long.toString(delta).getBytes(StandardCharsets.US_ASCII);
        return this.<Long>call(key, c -> Script.INCREMENT_EXISTING.<Long>run(c, key, by)).thenApply(value -> {
            if (value == null) {
                throw new NoSuchElementException("key '" + key + "' is not in the cache");
            }
            return value;
        });
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        return this.<Long>call(key, c -> Script.EXPIRE_EXISTING.run(c, key, ascii(ttlMillis))).thenApply(existed -> existed == 1);
    }

    @Override
    public CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun) {
        // A key being loaded holds its lease placeholder, so the walk finds it and the delete voids the lease.
        return scan(pattern, filter, dryRun ? null : this::deleteMany);
    }

    /** Counts the keys that match, or with {@code delete} deletes them and counts what it deleted. */
    private CompletableFuture<Long> scan(String pattern, Predicate<String> filter, Function<List<String>, CompletableFuture<Long>> delete) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(scanBatch);
        // Every SCAN step runs off the caller's thread: on a cluster, Lettuce connects to the node a step
        // moves to with a blocking call, which must not stall the caller (or the event loop, below).
        return CompletableFuture.supplyAsync(() -> scanFrom(ScanCursor.INITIAL, args, filter, delete, 0), connector.executor())
                .thenCompose(Function.identity());
    }

    /** One SCAN step and an UNLINK of what it found; on a cluster, Lettuce's cursor walks every master. */
    private CompletableFuture<Long> scanFrom(ScanCursor cursor, ScanArgs args, Predicate<String> filter,
            Function<List<String>, CompletableFuture<Long>> delete, long done) {
        return this.<KeyScanCursor<String>>call("SCAN", c -> c.scan(cursor, args)).thenCompose(page -> {
            List<String> keys = page.getKeys().stream().filter(filter).toList();
            CompletableFuture<Long> step = keys.isEmpty() || delete == null
                    ? CompletableFuture.completedFuture((long) keys.size())
                    : delete.apply(keys);
            // Issued on the event loop, the blocking connect to the next node would wait for that very loop.
            return step.thenComposeAsync(count -> page.isFinished()
                    ? CompletableFuture.completedFuture(done + count)
                    : scanFrom(page, args, filter, delete, done + count), connector.executor());
        });
    }

    /** The server's INFO fields by name. */
    CompletableFuture<Map<String, String>> info() {
        return call("INFO", c -> c.info()).thenApply(text -> {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : text.split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return fields;
        });
    }

    @Override
    public void close() {
        connector.close();
    }

    /**
     * Issues one request and translates its failure. A request beyond {@link RedisStoreOptions#requestQueueSize()}
     * in flight is refused at once: a Redis that cannot keep up slows nobody down and builds no backlog.
     */
    private <T> CompletableFuture<T> call(String key, Function<RedisClusterAsyncCommands<String, byte[]>, ? extends CompletionStage<T>> command) {
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(new CacheBackendException.Refused(name + " has " + maxInFlight
                    + " requests in flight and is not keeping up; refusing more (key '" + key + "')"));
        }
        CompletionStage<T> reply;
        try {
            reply = command.apply(connector.commands());
        } catch (RuntimeException e) {
            inFlight.release();
            return CompletableFuture.failedFuture(translate(key, e));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        reply.whenComplete((value, error) -> {
            inFlight.release();
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(translate(key, error));
            }
        });
        return result;
    }

    private <T> T rethrow(String key, Throwable error) {
        throw translate(key, error);
    }

    /**
     * Backend trouble becomes {@link CacheBackendException}; only what this store itself says the caller got
     * wrong stays a caller error. Anything else, a cancellation by Lettuce included, is the backend's.
     */
    private RuntimeException translate(String key, Throwable error) {
        Throwable cause = Store.unwrap(error);
        if (cause instanceof CacheBackendException || cause instanceof Connector.Closed) {
            return (RuntimeException) cause;
        }
        if (cause instanceof RedisCommandTimeoutException) {
            return new CacheBackendException.Timeout(
                    name + " did not answer within " + timeoutMillis + " ms (key '" + key + "')", cause);
        }
        if (cause instanceof RedisCommandExecutionException execution) {
            String message = String.valueOf(execution.getMessage());
            if (message.contains("not an integer")) {
                return new IllegalStateException("value at key '" + key + "' is not an integer", cause);
            }
            if (message.contains("overflow")) {
                return new IllegalStateException("incrementing key '" + key + "' would overflow", cause);
            }
            // Redis 7 passes a script's WRONGTYPE on as it is; older servers wrap it in "ERR Error running script".
            if (message.contains("WRONGTYPE")) {
                return new WrongType(key, execution);
            }
        }
        return new CacheBackendException(name + " failed: " + cause.getMessage(), cause);
    }

    private static <T> CompletableFuture<T> foreignOnWrongType(Throwable error) {
        Throwable cause = Store.unwrap(error);
        if (cause instanceof WrongType) {
            @SuppressWarnings("unchecked")
            T foreign = (T) FOREIGN;
            return CompletableFuture.completedFuture(foreign);
        }
        return CompletableFuture.failedFuture(cause);
    }


    /** A cache key that holds a list, hash or other non-string type: foreign data, read as undecodable. */
    private static final class WrongType extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        WrongType(String key, Throwable cause) {
            super("key '" + key + "' holds a Redis type other than a string", cause);
        }
    }
}
