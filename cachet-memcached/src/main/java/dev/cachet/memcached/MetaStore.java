package dev.cachet.memcached;

import static java.util.concurrent.CompletableFuture.completedFuture;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachet.CacheBackendException;
import dev.cachet.ValueTooLargeException;
import dev.cachet.store.Store;
import dev.cachet.store.Versioned;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Memcached store: Cachet's store SPI in one class, on the meta protocol ({@link Servers} carries the
 * commands). It implements the seven primitives, the bulk operations in one round trip ({@code getMany},
 * {@code setMany}, {@code deleteMany}) and {@code clear}; leases, tag versions, increments and the checked reads
 * are the SPI's defaults over them.
 *
 * <p><b>Namespaces.</b> Memcached cannot list keys and must never be flushed, so {@code clear(prefix)} moves a
 * version. The namespace of a key is its text up to and including its first {@code ':'} (a Cachet key is
 * {@code {prefix}:{version}:{key}}); its version lives under {@code cachet-ns:{namespace}}, created with a
 * random start. Every item is written with the version of its namespace in its 32-bit client flags, and every
 * read fetches the item and the namespace key in the same round trip: an item whose flags are not the current
 * version, or whose namespace key is gone, is absent. A clear increments the version, so it hides everything
 * in the namespace from every instance at once. Clearing a prefix clears its whole namespace: caches whose
 * prefixes share a first segment ({@code shop:a} and {@code shop:b}) clear each other, which only costs misses.
 * Tag versions ({@code cachet-tag:}) belong to no namespace; a lease key ({@code cachet-lease:{key}}) is in the
 * namespace of its key, so a clear ends refresh leases too.
 *
 * <p>Writes use the version this instance last read for the namespace, reading it first when there is none.
 * A write with an outdated version (a clear elsewhere that this instance has not read yet) stores an item that
 * is absent to every reader: a lost write costs a miss, never a stale hit.
 */
final class MetaStore implements Store {
    static final String NAMESPACE_PREFIX = "cachet-ns:";
    /** Memcached 1.6 stores an item as a 48-byte header, the 8-byte CAS, the key, a NUL and the value's CRLF. */
    private static final int ITEM_OVERHEAD = 59;
    /** An {@code add} that keeps meeting a key being rewritten gives up (false) after this many tries. */
    private static final int ADD_TRIES = 3;
    private static final long NO_FLAGS = 0;
    private static final int FLAGS_READ_KEPT = 10_000;

    private final Servers servers;
    private final int maxItemSize;
    /** An item as {@link #getVersioned} read it: its key and its CAS. */
    private record Read(String key, long cas) {}

    /**
     * The client flags of the items {@link #getVersioned} read lately, by key and CAS: the compare-and-set that
     * usually follows such a read writes them back without reading them again. Bounded; a forgotten read costs
     * that compare-and-set one more round trip.
     */
    private final Cache<Read, Long> flagsRead = Caffeine.newBuilder().maximumSize(FLAGS_READ_KEPT)
            .expireAfterWrite(Duration.ofSeconds(10)).build();
    /** The version of each namespace as this instance last read it; what its writes carry. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    MetaStore(MemcachedStoreOptions options) {
        this.maxItemSize = options.maxItemSize();
        this.servers = new Servers(options);
    }

    @Override
    public String name() {
        return servers.name();
    }

    /** The namespace of {@code key}, or null for a key that belongs to none (a tag version, a key without ':'). */
    static String namespaceOf(String key) {
        if (key.startsWith(TAG_PREFIX)) {
            return null;
        }
        String owner = key.startsWith(LEASE_PREFIX) ? key.substring(LEASE_PREFIX.length()) : key;
        int colon = owner.indexOf(':');
        return colon < 0 ? null : owner.substring(0, colon + 1);
    }

    // --- reads -----------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Versioned> getVersioned(String key) {
        Command item = new Command("mg", WireKey.of(key), "v f t c", null);
        return visible(key, item).thenApply(found -> {
            if (found == null) {
                return null;
            }
            flagsRead.put(new Read(key, found.number('c')), found.number('f'));
            return new Versioned(found.value(), Expiry.remainingMillis(found.number('t')), found.number('c'));
        });
    }

    /**
     * A multi-get: every item and the namespace keys they need, one pipeline per server, one round trip. With
     * several servers, one that is down costs only its share: its keys are absent, and the call fails only
     * when no server answered at all.
     */
    @Override
    public CompletableFuture<List<byte[]>> getMany(List<String> keys) {
        if (keys.isEmpty()) {
            return completedFuture(List.of());
        }
        if (servers.saturated()) {
            return CompletableFuture.failedFuture(servers.refusal("getMany of " + keys.size() + " keys"));
        }
        List<Command> items = new ArrayList<>(keys.size());
        Map<String, Command> namespaces = new LinkedHashMap<>();
        for (String key : keys) {
            items.add(new Command("mg", WireKey.of(key), "v f", null));
            String namespace = namespaceOf(key);
            if (namespace != null) {
                namespaces.computeIfAbsent(namespace, MetaStore::versionRead);
            }
        }
        List<Command> commands = new ArrayList<>(items);
        commands.addAll(namespaces.values());
        servers.sendAll(commands);
        return CompletableFuture.allOf(commands.stream().map(command -> command.reply).toArray(CompletableFuture[]::new))
                .handle((all, error) -> error)
                .thenCompose(error -> {
                    if (error != null && commands.stream().allMatch(command -> command.reply.isCompletedExceptionally())) {
                        return CompletableFuture.failedFuture(Store.unwrap(error));
                    }
                    Map<String, Long> current = new HashMap<>();
                    namespaces.forEach((namespace, read) -> {
                        Reply answer = answered(read);
                        Long version = answer == null ? null : version(namespace, answer);
                        if (version != null) {
                            current.put(namespace, version);
                        }
                    });
                    List<CompletableFuture<byte[]>> values = new ArrayList<>(keys.size());
                    for (int i = 0; i < keys.size(); i++) {
                        Reply found = answered(items.get(i));
                        String namespace = namespaceOf(keys.get(i));
                        boolean visible = found != null && inVersion(found, namespace, current.get(namespace));
                        values.add(Store.visible(this, visible ? found.value() : null));
                    }
                    return CompletableFuture.allOf(values.toArray(CompletableFuture[]::new))
                            .thenApply(done -> values.stream().map(CompletableFuture::join).toList());
                });
    }

    /** The reply to a command that has completed, or null when its server failed it; a caller error is rethrown. */
    private static Reply answered(Command command) {
        if (!command.reply.isCompletedExceptionally()) {
            return command.reply.join();
        }
        Throwable cause = Store.unwrap(command.reply.exceptionNow());
        if (cause instanceof CacheBackendException) {
            return null;
        }
        throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    /**
     * Sends {@code probe} (an {@code mg} that asks for the flags), the commands {@code then} right behind it in
     * the same pipeline, and the read of the namespace version, all at once; completes with the probe's reply,
     * or null when the item was absent or not of the current version.
     */
    private CompletableFuture<Reply> visible(String key, Command probe, Command... then) {
        List<Command> commands = new ArrayList<>(then.length + 2);
        commands.add(probe);
        commands.addAll(List.of(then));
        String namespace = namespaceOf(key);
        if (namespace == null) {
            servers.sendAll(commands);
            return probe.reply.thenApply(found -> found.hit() ? found : null);
        }
        Command version = versionRead(namespace);
        commands.add(version);
        servers.sendAll(commands);
        return probe.reply.thenCombine(version.reply, (found, read) -> inVersion(found, namespace, version(namespace, read)) ? found : null);
    }

    /** Whether {@code found} holds an item that a read sees: one of no namespace, or of its namespace's {@code version}. */
    private static boolean inVersion(Reply found, String namespace, Long version) {
        return found.hit() && (namespace == null || version != null && found.number('f') == version);
    }

    private static Command versionRead(String namespace) {
        return new Command("mg", WireKey.of(NAMESPACE_PREFIX + namespace), "v", null);
    }

    /** The version in {@code read}, remembered for writes; null when the namespace has none (nothing in it is visible). */
    private Long version(String namespace, Reply read) {
        if (!read.hit()) {
            versions.remove(namespace);
            return null;
        }
        long version = parseVersion(namespace, read.value());
        // Every read lands here: write only when the version moved, so that readers do not contend on the map.
        if (!Long.valueOf(version).equals(versions.get(namespace))) {
            versions.put(namespace, version);
        }
        return version;
    }

    private static long parseVersion(String namespace, byte[] stored) {
        try {
            // Client flags are 32 bits; the counter is 64: the low half is the version.
            return Long.parseUnsignedLong(new String(stored, StandardCharsets.US_ASCII)) & 0xffff_ffffL;
        } catch (NumberFormatException e) {
            throw new CacheBackendException("the version of namespace '" + namespace + "' under " + NAMESPACE_PREFIX
                    + " holds something other than a number; another client wrote it", e);
        }
    }

    /** The version writes to {@code namespace} carry: the one last read, else the one stored, created if none is. */
    private CompletableFuture<Long> versionForWrite(String namespace) {
        if (namespace == null) {
            return completedFuture(NO_FLAGS);
        }
        Long known = versions.get(namespace);
        if (known != null) {
            return completedFuture(known);
        }
        // Read-or-create in one atomic command: a miss creates the key at a random start (D0 leaves a hit as it is).
        return servers.send(new Command("ma", WireKey.of(NAMESPACE_PREFIX + namespace), "N0 J" + randomVersion() + " D0 v", null))
                .thenApply(read -> version(namespace, read));
    }

    /**
     * A new namespace starts at a random version, so that a namespace key lost to eviction or a restart does
     * not come back at a version that old items still carry (a chance of one in 2^32).
     */
    private static long randomVersion() {
        return ThreadLocalRandom.current().nextLong(1, 1L << 32);
    }

    // --- writes ----------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        String wire = WireKey.of(key);
        ValueTooLargeException tooLarge = tooLarge(key, wire, value);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return versionForWrite(namespaceOf(key))
                .thenCompose(version -> servers.send(new Command("ms", wire, "F" + version + " T" + exptime(ttlMillis), value)))
                .thenApply(Reply::hit);
    }

    /**
     * Every value is checked before any is written; then the versions of the namespaces, and the sets go out
     * together, one pipeline per server.
     */
    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        Map<String, String> wires = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            String wire = WireKey.of(entry.getKey());
            ValueTooLargeException tooLarge = tooLarge(entry.getKey(), wire, entry.getValue());
            if (tooLarge != null) {
                return CompletableFuture.failedFuture(tooLarge);
            }
            wires.put(entry.getKey(), wire);
        }
        if (entries.isEmpty()) {
            return completedFuture(Set.of());
        }
        if (servers.saturated()) {
            return CompletableFuture.failedFuture(servers.refusal("setMany of " + entries.size() + " keys"));
        }
        Map<String, CompletableFuture<Long>> namespaces = new HashMap<>();
        for (String key : entries.keySet()) {
            namespaces.computeIfAbsent(namespaceOf(key), this::versionForWrite);
        }
        long exptime = exptime(ttlMillis);
        return CompletableFuture.allOf(namespaces.values().toArray(CompletableFuture[]::new)).thenCompose(known -> {
            Map<String, Command> sets = new LinkedHashMap<>();
            wires.forEach((key, wire) -> {
                long version = namespaces.get(namespaceOf(key)).join();
                sets.put(key, new Command("ms", wire, "F" + version + " T" + exptime, entries.get(key)));
            });
            servers.sendAll(List.copyOf(sets.values()));
            return CompletableFuture.allOf(sets.values().stream().map(command -> command.reply).toArray(CompletableFuture[]::new))
                    .handle((all, error) -> {
                        Set<String> failed = new HashSet<>();
                        Throwable firstError = null;
                        for (Map.Entry<String, Command> set : sets.entrySet()) {
                            CompletableFuture<Reply> reply = set.getValue().reply;
                            if (reply.isCompletedExceptionally()) {
                                failed.add(set.getKey());
                                firstError = firstError == null ? reply.exceptionNow() : firstError;
                            } else if (!reply.resultNow().hit()) {
                                failed.add(set.getKey());
                            }
                        }
                        // When nothing got through, the backend is down: report that, so the breaker counts it.
                        if (failed.size() == sets.size() && firstError != null) {
                            throw new CompletionException(firstError);
                        }
                        return Set.copyOf(failed);
                    });
        });
    }

    /**
     * Stores only if no item of the current version is there. An item that a clear hid still occupies its key,
     * so memcached's add refuses it; it is then replaced by compare-and-set.
     */
    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        String wire = WireKey.of(key);
        ValueTooLargeException tooLarge = tooLarge(key, wire, value);
        return tooLarge != null ? CompletableFuture.failedFuture(tooLarge) : add(key, wire, value, exptime(ttlMillis), ADD_TRIES);
    }

    private CompletableFuture<Boolean> add(String key, String wire, byte[] value, long exptime, int tries) {
        String namespace = namespaceOf(key);
        return versionForWrite(namespace)
                .thenCompose(version -> servers.send(new Command("ms", wire, "ME F" + version + " T" + exptime, value)))
                .thenCompose(added -> {
                    if (added.is(Reply.STORED) || namespace == null) {
                        return completedFuture(added.is(Reply.STORED));
                    }
                    Command there = new Command("mg", wire, "f c", null);
                    Command version = versionRead(namespace);
                    servers.sendAll(List.of(there, version));
                    return there.reply.thenCombine(version.reply, (found, read) -> {
                        if (inVersion(found, namespace, version(namespace, read))) {
                            return completedFuture(false);
                        }
                        if (!found.hit()) {
                            return tries > 1 ? add(key, wire, value, exptime, tries - 1) : completedFuture(false);
                        }
                        return versionForWrite(namespace).thenCompose(fresh -> servers.send(new Command("ms", wire,
                                        "C" + Long.toUnsignedString(found.number('c')) + " F" + fresh + " T" + exptime, value)))
                                .thenCompose(replaced -> replaced.is(Reply.STORED) || tries <= 1
                                        ? completedFuture(replaced.is(Reply.STORED))
                                        : add(key, wire, value, exptime, tries - 1));
                    }).thenCompose(next -> next);
                });
    }

    /**
     * The item and, before it goes, whether it was of the current version, in one pipeline: true only for a
     * key a read would have found (a racing write between the two commands can make that answer stale).
     */
    @Override
    public CompletableFuture<Boolean> delete(String key) {
        String wire = WireKey.of(key);
        Command delete = new Command("md", wire, "", null);
        if (namespaceOf(key) == null) {
            return servers.send(delete).thenApply(Reply::hit);
        }
        return visible(key, new Command("mg", wire, "f", null), delete).thenCombine(delete.reply, (found, deleted) -> found != null);
    }

    /** Every delete of {@link #delete} in one request: one pipeline per server, one round trip. */
    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        if (keys.isEmpty()) {
            return completedFuture(0L);
        }
        if (servers.saturated()) {
            return CompletableFuture.failedFuture(servers.refusal("deleteMany of " + keys.size() + " keys"));
        }
        List<Command> commands = new ArrayList<>();
        Map<String, Command> probes = new LinkedHashMap<>();
        Map<String, Command> namespaces = new HashMap<>();
        for (String key : Set.copyOf(keys)) {
            String wire = WireKey.of(key);
            String namespace = namespaceOf(key);
            if (namespace != null) {
                Command probe = new Command("mg", wire, "f", null);
                probes.put(key, probe);
                commands.add(probe);
                namespaces.computeIfAbsent(namespace, MetaStore::versionRead);
            }
            Command delete = new Command("md", wire, "", null);
            commands.add(delete);
            if (namespace == null) {
                probes.put(key, delete);
            }
        }
        commands.addAll(namespaces.values());
        servers.sendAll(commands);
        return CompletableFuture.allOf(commands.stream().map(command -> command.reply).toArray(CompletableFuture[]::new))
                .thenApply(all -> {
                    Map<String, Long> current = new HashMap<>();
                    namespaces.forEach((namespace, read) -> current.put(namespace, version(namespace, read.reply.join())));
                    long existed = 0;
                    for (Map.Entry<String, Command> probe : probes.entrySet()) {
                        String namespace = namespaceOf(probe.getKey());
                        if (inVersion(probe.getValue().reply.join(), namespace, current.get(namespace))) {
                            existed++;
                        }
                    }
                    return existed;
                });
    }

    /** A touch that answers the flags: true only when the touched item is of the current version. */
    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        return visible(key, new Command("mg", WireKey.of(key), "f T" + exptime(ttlMillis), null)).thenApply(found -> found != null);
    }

    /**
     * A delete is one {@code md} with the CAS. A write carries the version of the item it replaces, read
     * with its CAS just before, so that a clear between the caller's read and this write hides the new
     * value too, as a delete would have made the compare-and-set fail: two round trips.
     */
    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis) {
        String wire = WireKey.of(key);
        String compare = "C" + Long.toUnsignedString(cas);
        if (value == null) {
            return servers.send(new Command("md", wire, compare, null)).thenApply(Reply::hit);
        }
        ValueTooLargeException tooLarge = tooLarge(key, wire, value);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        String expiry = " T" + exptime(ttlMillis);
        if (namespaceOf(key) == null) {
            return servers.send(new Command("ms", wire, compare + " F" + NO_FLAGS + expiry, value)).thenApply(Reply::hit);
        }
        // The item keeps the namespace version it was read under: a clear since then must hide the new value
        // too, as a delete would have failed the compare-and-set. Unchanged since the read (the CAS says so),
        // its flags are still those of the read.
        Long flags = flagsRead.getIfPresent(new Read(key, cas));
        if (flags != null) {
            return servers.send(new Command("ms", wire, compare + " F" + flags + expiry, value)).thenApply(Reply::hit);
        }
        return servers.send(new Command("mg", wire, "f c", null)).thenCompose(found -> !found.hit() || found.number('c') != cas
                ? completedFuture(false)
                : servers.send(new Command("ms", wire, compare + " F" + found.number('f') + expiry, value)).thenApply(Reply::hit));
    }

    /**
     * Moves the namespace of {@code prefix} to a new version: one atomic increment (creating the key, at a
     * random version, when it is missing). Everything in the namespace is absent from then on, to every
     * instance; memcached evicts it in time. Completes with -1: memcached cannot count what it hid.
     *
     * <p>A prefix without ':', or under {@code cachet-tag:}, completes with {@link UnsupportedOperationException}:
     * its keys span namespaces, or belong to none, so no version covers them all.
     */
    @Override
    public CompletableFuture<Long> clear(String prefix) {
        String namespace = namespaceOf(prefix);
        if (namespace == null) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(name() + " can only clear a prefix"
                    + " that contains ':' and is not a tag's, such as a cache's '{prefix}:'; '" + prefix + "' is not one"));
        }
        return servers.send(new Command("ma", WireKey.of(NAMESPACE_PREFIX + namespace), "N0 J" + randomVersion() + " v", null))
                .thenApply(read -> {
                    version(namespace, read);
                    return -1L;
                });
    }

    @Override
    public void close() {
        servers.close();
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static long exptime(long ttlMillis) {
        return Expiry.of(ttlMillis, System.currentTimeMillis());
    }

    /** Why {@code value} cannot be stored in one item with its key, or null when it can. */
    private ValueTooLargeException tooLarge(String key, String wire, byte[] value) {
        long item = (long) value.length + wire.length() + ITEM_OVERHEAD;
        if (item <= maxItemSize) {
            return null;
        }
        return new ValueTooLargeException("value for key '" + key + "' is " + value.length
                + " bytes; with its key and memcached's item header it needs " + item + " bytes, over the item size of "
                + maxItemSize + " bytes (MemcachedStoreOptions.maxItemSize, memcached's -I)");
    }
}
