package dev.cachet.jcache;

import dev.cachet.jcache.StoredEntries.Current;
import dev.cachet.resilience.GuardedStore;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A JCache cache over a Cachet store: JCache's semantics (expiry, loader, writer, listeners, statistics, entry
 * processors) over {@link StoredEntries}. Every change of an entry happens under the key's lock, on the entry as
 * read to be changed, and is written by compare-and-set over it, again on the new entry if another process wrote
 * in between, so changes are atomic against other processes on the same store. Listeners, the writer and the
 * statistics see the changes this process made.
 */
final class CachetCache<K, V> implements Cache<K, V> {
    private static final System.Logger LOG = System.getLogger(CachetCache.class.getName());
    private final CachetCacheManager manager;
    private final String name;
    private final MutableConfiguration<K, V> configuration;
    private final StoredEntries entries;
    private final ExpiryTtls expiry;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final Listeners<K, V> listeners = new Listeners<>(this);
    private final Statistics statistics = new Statistics();
    /** Loads of {@link #loadAll} under way: closing waits for them, so that the loader is closed after its last use. */
    private final Set<CompletableFuture<Void>> loading = ConcurrentHashMap.newKeySet();
    /** The changes other processes make, on the tiered store; null on the others. */
    private final Elsewhere elsewhere;
    private volatile boolean closed;

    CachetCache(CachetCacheManager manager, String name, MutableConfiguration<K, V> configuration, Store store,
            String keyPrefix, Values values, boolean failSoft, RemoteChanges changes) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.entries = new StoredEntries(store, name, keyPrefix, values, failSoft, changes != null);
        this.expiry = new ExpiryTtls(configuration.getExpiryPolicyFactory().create());
        this.loader = configuration.getCacheLoaderFactory() == null ? null : configuration.getCacheLoaderFactory().create();
        // A writer of supertypes takes our entries too; its factory's wildcard type says no more than that.
        this.writer = configuration.getCacheWriterFactory() == null ? null : cast(configuration.getCacheWriterFactory().create());
        for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
            listeners.register(listener);
        }
        if (configuration.isManagementEnabled()) {
            Management.register(this, "CacheConfiguration", Management.configurationBean(this));
        }
        statistics.enable(configuration.isStatisticsEnabled());
        if (configuration.isStatisticsEnabled()) {
            Management.register(this, "CacheStatistics", statistics);
        }
        this.elsewhere = changes == null ? null : new Elsewhere();
        if (changes != null) {
            changes.observe(elsewhere);
        }
    }

    // --- reads -------------------------------------------------------------------------------------------

    @Override
    public V get(K key) {
        checkOpen();
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        String stored = entries.storedKey(key);
        Current<V> current = entries.peek(stored);
        V value;
        if (current.present()) {
            statistics.hits(1);
            accessed(stored, key, current);
            value = current.value();
        } else {
            statistics.misses(1);
            value = configuration.isReadThrough() && loader != null ? loadAndStore(key, stored) : null;
        }
        statistics.getTime(start);
        return value;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        checkOpen();
        checkKeys(keys);
        long start = System.nanoTime();
        Map<K, V> found = new HashMap<>();
        Set<K> missing = new LinkedHashSet<>();
        List<K> asked = List.copyOf(keys);
        List<String> storedKeys = asked.stream().map(entries::storedKey).toList();
        List<Current<V>> read = entries.peekAll(storedKeys);
        for (int i = 0; i < asked.size(); i++) {
            K key = asked.get(i);
            String stored = storedKeys.get(i);
            Current<V> current = read.get(i);
            if (current.present()) {
                statistics.hits(1);
                accessed(stored, key, current);
                found.put(key, current.value());
            } else {
                statistics.misses(1);
                missing.add(key);
            }
        }
        if (!missing.isEmpty() && configuration.isReadThrough() && loader != null) {
            Map<K, V> loaded;
            try {
                loaded = loader.loadAll(missing);
            } catch (Exception e) {
                throw loaderError(e);
            }
            if (loaded != null) {
                loaded.forEach((key, value) -> {
                    if (key != null && value != null) {
                        storeLoaded(key, entries.storedKey(key), value, false);
                        found.put(key, value);
                    }
                });
            }
        }
        statistics.getTime(start);
        return found;
    }

    @Override
    public boolean containsKey(K key) {
        checkOpen();
        Objects.requireNonNull(key, "key");
        return entries.peek(entries.storedKey(key)).present();
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        checkOpen();
        checkKeys(keys);
        if (loader == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        List<K> wanted = List.copyOf(keys);
        CompletableFuture<Void> task = CompletableFuture.runAsync(() -> {
            try {
                List<K> toLoad = replaceExistingValues ? wanted : wanted.stream().filter(key -> !containsKey(key)).toList();
                Map<K, V> loaded = toLoad.isEmpty() ? Map.of() : loader.loadAll(toLoad);
                if (loaded != null) {
                    loaded.forEach((key, value) -> {
                        if (key != null && value != null) {
                            storeLoaded(key, entries.storedKey(key), value, replaceExistingValues);
                        }
                    });
                }
                if (completionListener != null) {
                    completionListener.onCompletion();
                }
            } catch (Exception e) {
                if (completionListener != null) {
                    completionListener.onException(e instanceof CacheLoaderException ? e : new CacheLoaderException(e));
                }
            }
        }, ForkJoinPool.commonPool());
        loading.add(task);
        task.whenComplete((done, error) -> loading.remove(task));
    }

    // --- writes ------------------------------------------------------------------------------------------

    @Override
    public void put(K key, V value) {
        getAndPut(key, value, false);
    }

    @Override
    public V getAndPut(K key, V value) {
        return getAndPut(key, value, true);
    }

    private V getAndPut(K key, V value, boolean counted) {
        checkOpen();
        checkEntry(key, value);
        long start = System.nanoTime();
        String stored = entries.storedKey(key);
        Stored<V> result;
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            writeThrough(key, value);
            result = store(stored, value, true);
        } finally {
            lock.unlock();
        }
        if (counted) {
            statistics.read(result.old() != null);
        }
        announce(key, value, result);
        statistics.putTime(start);
        return result.old();
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        checkOpen();
        Objects.requireNonNull(map, "map");
        map.forEach(this::checkEntry);
        long start = System.nanoTime();
        Set<K> failed = Set.of();
        CacheWriterException failure = null;
        if (configuration.isWriteThrough() && writer != null) {
            Collection<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
            map.forEach((key, value) -> toWrite.add(new Entries.Simple<>(key, value)));
            try {
                writer.writeAll(toWrite);
            } catch (Exception e) {
                failure = writerError(e);
                Set<K> left = new HashSet<>();
                toWrite.forEach(entry -> left.add(entry.getKey()));
                failed = left;
            }
        }
        for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
            if (failed.contains(entry.getKey())) {
                continue;
            }
            String stored = entries.storedKey(entry.getKey());
            Stored<V> result;
            ReentrantLock lock = entries.lock(stored);
            lock.lock();
            try {
                result = store(stored, entry.getValue(), true);
            } finally {
                lock.unlock();
            }
            announce(entry.getKey(), entry.getValue(), result);
        }
        statistics.putTime(start);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        checkOpen();
        checkEntry(key, value);
        long start = System.nanoTime();
        String stored = entries.storedKey(key);
        Stored<V> result = null;
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            // Another process may add the key between this read and the store, which then stores nothing.
            if (!entries.read(stored).present()) {
                writeThrough(key, value);
                result = store(stored, value, false);
            }
        } finally {
            lock.unlock();
        }
        if (result == null) {
            statistics.hits(1);
            return false;
        }
        statistics.misses(1);
        announce(key, value, result);
        statistics.putTime(start);
        return true;
    }

    @Override
    public boolean remove(K key) {
        checkOpen();
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        V removed = removeEntry(key, entries.storedKey(key), null);
        statistics.removeTime(start);
        return removed != null;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        checkOpen();
        checkEntry(key, oldValue);
        long start = System.nanoTime();
        String stored = entries.storedKey(key);
        V removed = null;
        boolean present;
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            Current<V> current = entries.read(stored);
            present = current.present();
            if (present && current.value().equals(oldValue)) {
                removed = removeEntry(key, stored, current);
            } else if (present) {
                accessed(stored, key, current);
            }
        } finally {
            lock.unlock();
        }
        statistics.read(present);
        statistics.removeTime(start);
        return removed != null;
    }

    @Override
    public V getAndRemove(K key) {
        checkOpen();
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        V removed = removeEntry(key, entries.storedKey(key), null);
        statistics.read(removed != null);
        statistics.removeTime(start);
        return removed;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkOpen();
        checkEntry(key, oldValue);
        checkEntry(key, newValue);
        return replace(key, newValue, value -> value.equals(oldValue)) != null;
    }

    @Override
    public boolean replace(K key, V value) {
        checkOpen();
        checkEntry(key, value);
        return replace(key, value, current -> true) != null;
    }

    @Override
    public V getAndReplace(K key, V value) {
        checkOpen();
        checkEntry(key, value);
        return replace(key, value, current -> true);
    }

    /** Replaces the value when there is one and {@code test} accepts it; answers the value replaced, or null. */
    private V replace(K key, V value, Predicate<V> test) {
        long start = System.nanoTime();
        String stored = entries.storedKey(key);
        Stored<V> result = null;
        boolean present;
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            Current<V> current = entries.read(stored);
            present = current.present();
            if (present && test.test(current.value())) {
                writeThrough(key, value);
                result = store(stored, value, true);
            } else if (present) {
                accessed(stored, key, current);
            }
        } finally {
            lock.unlock();
        }
        statistics.read(present);
        if (result == null) {
            return null;
        }
        announce(key, value, result);
        statistics.putTime(start);
        return result.old();
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        checkOpen();
        checkKeys(keys);
        removeAll(new ArrayList<>(keys));
    }

    @Override
    public void removeAll() {
        checkOpen();
        List<K> keys = new ArrayList<>();
        for (String stored : entries.storedKeys()) {
            K key = cast(entries.keyOf(stored));
            if (key != null) {
                keys.add(key);
            }
        }
        removeAll(keys);
    }

    private void removeAll(List<K> keys) {
        long start = System.nanoTime();
        Set<K> failed = Set.of();
        CacheWriterException failure = null;
        if (configuration.isWriteThrough() && writer != null && !keys.isEmpty()) {
            Collection<Object> left = new ArrayList<>(keys);
            try {
                writer.deleteAll(left);
            } catch (Exception e) {
                failure = writerError(e);
                Set<K> notDeleted = new HashSet<>();
                left.forEach(key -> notDeleted.add(cast(key)));
                failed = notDeleted;
            }
        }
        for (K key : keys) {
            if (!failed.contains(key)) {
                removeStored(key, entries.storedKey(key));
            }
        }
        statistics.removeTime(start);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void clear() {
        checkOpen();
        entries.clear();
    }

    // --- entry processors --------------------------------------------------------------------------------

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        checkOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        long start = System.nanoTime();
        String stored = entries.storedKey(key);
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            while (true) {
                Current<V> current = entries.read(stored);
                Entries.Processed<K, V> entry = new Entries.Processed<>(key, current.value(),
                        configuration.isReadThrough() && loader != null ? this::load : null);
                T result;
                try {
                    result = entryProcessor.process(entry, arguments);
                } catch (EntryProcessorException e) {
                    throw e;
                } catch (Exception e) {
                    throw new EntryProcessorException(e);
                }
                if (apply(key, stored, current, entry, start)) {
                    return result;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies what the processor did; false when another process changed the entry meanwhile. Every invocation
     * is a hit or a miss, as the entry was there or not, whatever the processor called.
     */
    private boolean apply(K key, String stored, Current<V> current, Entries.Processed<K, V> entry, long start) {
        V value = entry.exists() ? entry.getValue() : null;
        try {
            switch (entry.change()) {
                case NONE -> {
                    if (entry.read() && current.present()) {
                        accessed(stored, key, current);
                    }
                }
                case LOADED -> {
                    long ttl = expiry.creation();
                    if (ttl != 0 && !entries.write(stored, current, value, ttl)) {
                        return false;
                    }
                    if (ttl != 0) {
                        listeners.created(key, value);
                    }
                }
                case CREATED, UPDATED -> {
                    writeThrough(key, value);
                    long ttl = current.present() ? expiry.update(current.raw().ttlMillis()) : expiry.creation();
                    if (!entries.write(stored, current, ttl == 0 ? null : value, ttl == 0 ? Store.FOREVER : ttl)) {
                        return false;
                    }
                    if (ttl != 0) {
                        statistics.puts(1);
                    }
                    statistics.putTime(start);
                    announce(key, value, new Stored<>(current.value(), ttl != 0));
                }
                case REMOVED -> {
                    deleteThrough(key);
                    if (current.present()) {
                        if (!entries.write(stored, current, null, Store.FOREVER)) {
                            return false;
                        }
                        statistics.removals(1);
                        statistics.removeTime(start);
                        listeners.removed(key, current.value());
                    }
                }
            }
        } catch (CacheException e) {
            throw e instanceof EntryProcessorException processorError ? processorError : new EntryProcessorException(e);
        }
        statistics.read(current.present());
        return true;
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor,
            Object... arguments) {
        checkOpen();
        checkKeys(keys);
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T result = invoke(key, entryProcessor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (EntryProcessorException e) {
                results.put(key, () -> {
                    throw e;
                });
            }
        }
        return results;
    }

    // --- iteration ---------------------------------------------------------------------------------------

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        checkOpen();
        Iterator<String> keys = entries.storedKeys().iterator();
        return new Iterator<>() {
            private Cache.Entry<K, V> next;
            private K last;

            @Override
            public boolean hasNext() {
                while (next == null && keys.hasNext()) {
                    String stored = keys.next();
                    K key = cast(entries.keyOf(stored));
                    Current<V> current = key == null ? null : entries.peek(stored);
                    if (current != null && current.present()) {
                        statistics.hits(1);
                        accessed(stored, key, current);
                        next = new Entries.Simple<>(key, current.value());
                    }
                }
                return next != null;
            }

            @Override
            public Cache.Entry<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Cache.Entry<K, V> entry = next;
                next = null;
                last = entry.getKey();
                return entry;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException("next() has not been called, or remove() was called already");
                }
                checkOpen();
                CachetCache.this.remove(last);
                last = null;
            }
        };
    }

    // --- listeners, configuration, management -------------------------------------------------------------

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
        configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
        listeners.register(listenerConfiguration);
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
        configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
        listeners.deregister(listenerConfiguration);
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> type) {
        if (type.isInstance(configuration)) {
            return type.cast(configuration);
        }
        throw new IllegalArgumentException("the configuration of cache '" + name + "' is not a " + type.getName());
    }

    void enableStatistics(boolean enabled) {
        configuration.setStatisticsEnabled(enabled);
        statistics.enable(enabled);
        if (enabled) {
            Management.register(this, "CacheStatistics", statistics);
        } else {
            Management.unregister(this, "CacheStatistics");
        }
    }

    void enableManagement(boolean enabled) {
        configuration.setManagementEnabled(enabled);
        if (enabled) {
            Management.register(this, "CacheConfiguration", Management.configurationBean(this));
        } else {
            Management.unregister(this, "CacheConfiguration");
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CompletableFuture.allOf(loading.toArray(CompletableFuture[]::new)).handle((done, error) -> null).join();
        manager.closed(this);
        Management.unregister(this, "CacheConfiguration");
        Management.unregister(this, "CacheStatistics");
        if (elsewhere != null) {
            elsewhere.close();
        }
        listeners.close();
        Listeners.closeQuietly(loader);
        Listeners.closeQuietly(writer);
        Listeners.closeQuietly(expiry.policy());
        if (manager.ownsStore()) {
            entries.store().close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * This cache as {@code type}: the provider's own class, the Cachet {@link dev.cachet.Cache} over the same
     * entries (whose keys are the JSON form of JCache keys), or the {@link Store}.
     */
    @Override
    public <T> T unwrap(Class<T> type) {
        Store store = entries.store();
        Store guarded = store instanceof GuardedStore guard ? guard.delegate() : store;
        for (Object candidate : new Object[] {this, entries.cachet(), store, guarded}) {
            if (type.isInstance(candidate)) {
                return type.cast(candidate);
            }
        }
        throw new IllegalArgumentException("a Cachet JCache cache cannot be unwrapped to " + type.getName());
    }

    // --- the entry machinery -----------------------------------------------------------------------------

    /** What a store of a value did: the value it replaced, and whether the new value stays (false: expired at once). */
    private record Stored<V>(V old, boolean kept) {}

    /**
     * Stores {@code value} as a creation or an update, with the TTL the expiry policy gives; null when
     * {@code replace} is false and the key holds a value. Call under the key's lock.
     */
    private Stored<V> store(String stored, V value, boolean replace) {
        while (true) {
            Current<V> current = entries.read(stored);
            if (current.present() && !replace) {
                return null;
            }
            long ttl = current.present() ? expiry.update(current.raw().ttlMillis()) : expiry.creation();
            if (entries.write(stored, current, ttl == 0 ? null : value, ttl == 0 ? Store.FOREVER : ttl)) {
                if (ttl != 0) {
                    statistics.puts(1);
                }
                return new Stored<>(current.value(), ttl != 0);
            }
        }
    }

    /** Tells the listeners about a store of {@code value}. */
    private void announce(K key, V value, Stored<V> result) {
        if (!result.kept()) {
            if (result.old() != null) {
                listeners.expired(key, result.old());
            }
        } else if (result.old() == null) {
            listeners.created(key, value);
        } else {
            listeners.updated(key, value, result.old());
        }
    }

    /** Removes {@code key} through the writer; answers the value removed, or null. */
    private V removeEntry(K key, String stored, Current<V> seen) {
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            deleteThrough(key);
            Current<V> current = seen != null ? seen : entries.read(stored);
            while (current.present() && !entries.write(stored, current, null, Store.FOREVER)) {
                current = entries.read(stored);
            }
            if (!current.present()) {
                return null;
            }
            statistics.removals(1);
            listeners.removed(key, current.value());
            return current.value();
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code key} without the writer (it was told already). */
    private void removeStored(K key, String stored) {
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            Current<V> current = entries.read(stored);
            while (current.present() && !entries.write(stored, current, null, Store.FOREVER)) {
                current = entries.read(stored);
            }
            if (current.present()) {
                statistics.removals(1);
                listeners.removed(key, current.value());
            }
        } finally {
            lock.unlock();
        }
    }

    private V load(K key) {
        try {
            return loader.load(key);
        } catch (Exception e) {
            throw loaderError(e);
        }
    }

    private V loadAndStore(K key, String stored) {
        V loaded = load(key);
        if (loaded != null) {
            storeLoaded(key, stored, loaded, false);
        }
        return loaded;
    }

    /** Stores a loaded value without the writer: the value came from where the writer would write it. */
    private void storeLoaded(K key, String stored, V value, boolean replace) {
        Stored<V> result;
        ReentrantLock lock = entries.lock(stored);
        lock.lock();
        try {
            result = store(stored, value, replace);
        } finally {
            lock.unlock();
        }
        if (result != null) {
            announce(key, value, result);
        }
    }

    /** Applies the expiry policy's duration for an access of a present entry. */
    private void accessed(String stored, K key, Current<V> current) {
        long ttl = expiry.access();
        if (ttl == 0) {
            if (entries.deleteIfSame(stored, current)) {
                listeners.expired(key, current.value());
            }
        } else if (ttl != ExpiryTtls.UNCHANGED) {
            entries.expire(stored, ttl);
        }
    }

    private void writeThrough(K key, V value) {
        if (configuration.isWriteThrough() && writer != null) {
            try {
                writer.write(new Entries.Simple<>(key, value));
            } catch (Exception e) {
                throw writerError(e);
            }
        }
    }

    private void deleteThrough(K key) {
        if (configuration.isWriteThrough() && writer != null) {
            try {
                writer.delete(key);
            } catch (Exception e) {
                throw writerError(e);
            }
        }
    }

    private static CacheWriterException writerError(Exception e) {
        return e instanceof CacheWriterException writerError ? writerError : new CacheWriterException(e);
    }

    private static CacheLoaderException loaderError(Exception e) {
        return e instanceof CacheLoaderException loaderError ? loaderError : new CacheLoaderException(e);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' is closed");
        }
    }

    private void checkKeys(Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys");
        for (K key : keys) {
            Objects.requireNonNull(key, "a key in keys is null");
        }
    }

    /** Checks a key and value against nulls and, when the configuration names types, against those. */
    private void checkEntry(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!configuration.getKeyType().isInstance(key)) {
            throw new ClassCastException("key " + key + " is not a " + configuration.getKeyType().getName());
        }
        if (!configuration.getValueType().isInstance(value)) {
            throw new ClassCastException("value " + value + " is not a " + configuration.getValueType().getName());
        }
    }

    // --- changes made elsewhere ----------------------------------------------------------------------------

    /**
     * Tells this process's listeners of the changes other processes make to the cache, as the tiered store's
     * Redis tracking reports them: one thread per cache, in the order of the reports. A report says only that a
     * key changed, so the event is worked out from what this process held and what Redis holds now: a value
     * now is an update when this process held a copy (its old value) and a creation otherwise; no value now is
     * a removal of the copy it held, or its expiry when that copy was within a second of its end. A key it did
     * not hold and that is gone is not reported. Several quick changes of one key may be told as the last.
     */
    private final class Elsewhere implements RemoteChanges.Observer {
        private static final long EXPIRING_MILLIS = 1_000;
        private final ExecutorService events = Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("cachet-jcache-events-" + name).factory());

        @Override
        public void changed(String stored, StoredEntry held) {
            if (entries.ownChange(stored) || listeners.isEmpty() || closed) {
                return;
            }
            try {
                events.execute(() -> tell(stored, held));
            } catch (RejectedExecutionException closing) {
                // The cache closed meanwhile: its listeners are gone.
            }
        }

        @Override
        public void lost() {
            entries.forgetOwnChanges();
        }

        private void tell(String stored, StoredEntry held) {
            K key = cast(entries.keyOf(stored));
            if (key == null || closed) {
                return;
            }
            try {
                V old = held == null ? null : entries.<V>of(held.value()).value();
                Current<V> now = entries.peekOrFail(stored);
                if (now.present()) {
                    if (old != null) {
                        listeners.updated(key, now.value(), old);
                    } else {
                        listeners.created(key, now.value());
                    }
                } else if (old != null) {
                    if (held.ttlMillis() != Store.FOREVER && held.ttlMillis() <= EXPIRING_MILLIS) {
                        listeners.expired(key, old);
                    } else {
                        listeners.removed(key, old);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cache " + name + ": telling listeners of a change made elsewhere failed", e);
            }
        }

        void close() {
            events.shutdown();
        }
    }
}
