package dev.cachet.spring;

import dev.cachet.Cache;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The caches configured under {@code cachet.caches}, by alias, and the stores behind them. A bean of the
 * auto-configuration; it closes the stores when the application context closes.
 */
public final class CachetCaches implements AutoCloseable {
    /**
     * What one alias is made of.
     *
     * @param cache the cache
     * @param settings {@code cachet.defaults} with the alias' own settings on top
     * @param redis the Redis store behind it, or null for a local or memcached cache
     * @param local the in-process store (the whole store, or a tiered store's first tier), or null
     * @param tiered the tiered store, or null
     */
    record Entry(Cache cache, CachetProperties.CacheProperties settings, Store redis, Store local, TieredStore tiered) {}

    /**
     * A Redis server behind one or more caches.
     *
     * @param name the server, as its stores name it ({@code redis://host:port})
     * @param store one store connected to it
     * @param aliases the caches on it, in configuration order
     */
    public record RedisServer(String name, Store store, List<String> aliases) {}

    private final Map<String, Entry> entries;
    private final Map<String, Cache> caches;
    private final List<RedisServer> redisServers;
    private final List<AutoCloseable> owned;

    CachetCaches(Map<String, Entry> entries, List<AutoCloseable> owned) {
        this.entries = Collections.unmodifiableMap(entries);
        Map<String, Cache> byAlias = new LinkedHashMap<>();
        entries.forEach((alias, entry) -> byAlias.put(alias, entry.cache()));
        this.caches = Collections.unmodifiableMap(byAlias);
        Map<String, Store> stores = new LinkedHashMap<>();
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        entries.forEach((alias, entry) -> {
            if (entry.redis() != null) {
                stores.putIfAbsent(entry.redis().name(), entry.redis());
                aliases.computeIfAbsent(entry.redis().name(), name -> new ArrayList<>()).add(alias);
            }
        });
        List<RedisServer> servers = new ArrayList<>();
        stores.forEach((name, store) -> servers.add(new RedisServer(name, store, List.copyOf(aliases.get(name)))));
        this.redisServers = List.copyOf(servers);
        this.owned = List.copyOf(owned);
    }

    /** Each Redis server behind the caches, once however many caches and connections use it. */
    public List<RedisServer> redisServers() {
        return redisServers;
    }

    private Entry entry(String alias) {
        Entry entry = entries.get(alias);
        if (entry == null) {
            throw new NoSuchElementException("no cache '" + alias + "' is configured (" + CacheFactory.propertyName(alias, "*")
                    + "); configured: " + entries.keySet());
        }
        return entry;
    }

    /**
     * The cache configured as {@code alias}.
     *
     * @throws NoSuchElementException naming the configured aliases when there is none by that name
     */
    public Cache get(String alias) {
        return entry(alias).cache();
    }

    /** Every cache, by alias, in configuration order. */
    public Map<String, Cache> all() {
        return caches;
    }

    /** The settings {@code alias} was built with: {@code cachet.defaults} with the alias' own on top. */
    CachetProperties.CacheProperties settings(String alias) {
        return entry(alias).settings();
    }

    /** How {@code alias} keeps its entries: {@code local}, {@code redis}, {@code tiered} or {@code memcached}. */
    public String storeType(String alias) {
        return settings(alias).getStore().name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code alias} turns backend failures into misses (true) or throws them. */
    public boolean failSoft(String alias) {
        return settings(alias).isFailSoft();
    }

    /**
     * The Redis store behind {@code alias} (for {@code store=redis} or {@code tiered}), for inspection with
     * {@link dev.cachet.redis.RedisStore#info}; empty for a local cache.
     */
    public Optional<Store> redisStore(String alias) {
        return Optional.ofNullable(entry(alias).redis());
    }

    /**
     * The in-process store behind {@code alias}: the whole store of a local cache, the first tier of a tiered
     * one; empty for a redis cache.
     */
    public Optional<Store> localStore(String alias) {
        return Optional.ofNullable(entry(alias).local());
    }

    /** The tiered store behind {@code alias}, for its per-tier counters; empty unless the cache is tiered. */
    public Optional<TieredStore> tieredStore(String alias) {
        return Optional.ofNullable(entry(alias).tiered());
    }

    /** Closes every store and connection, the last opened first. */
    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(owned);
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                // Shutting down: one resource that fails to close must not keep the others open.
                System.getLogger(CachetCaches.class.getName()).log(System.Logger.Level.WARNING, "closing " + resource + " failed", e);
            }
        }
    }
}
