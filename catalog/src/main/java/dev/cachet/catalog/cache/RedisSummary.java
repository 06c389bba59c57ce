package dev.cachet.catalog.cache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an operator wants to know of a Redis behind the caches, from its {@code INFO}: memory against
 * {@code maxmemory} and the eviction policy, evictions, keyspace hits and misses, clients and keys per database.
 *
 * @param server the server, as its store names it
 * @param usedMemory bytes in use ({@code used_memory})
 * @param usedMemoryHuman the same as Redis writes it ({@code 1.23M})
 * @param maxMemory {@code maxmemory} in bytes, 0 for unbounded
 * @param policy {@code maxmemory_policy}
 * @param evictedKeys keys evicted to stay under {@code maxmemory}, since Redis started
 * @param keyspaceHits lookups of keys that existed
 * @param keyspaceMisses lookups of keys that did not
 * @param clients connected clients
 * @param keyspace each database that holds keys, with INFO's line for it ({@code keys=..,expires=..,avg_ttl=..})
 */
public record RedisSummary(String server, long usedMemory, String usedMemoryHuman, long maxMemory, String policy, long evictedKeys,
        long keyspaceHits, long keyspaceMisses, long clients, Map<String, String> keyspace) {
    /** The summary of {@code info}, INFO's fields by name. */
    public static RedisSummary of(String server, Map<String, String> info) {
        Map<String, String> keyspace = new LinkedHashMap<>();
        info.entrySet().stream().filter(field -> field.getKey().matches("db\\d+"))
                .sorted(Map.Entry.comparingByKey()).forEach(field -> keyspace.put(field.getKey(), field.getValue()));
        return new RedisSummary(server, number(info, "used_memory"), info.get("used_memory_human"), number(info, "maxmemory"),
                info.get("maxmemory_policy"), number(info, "evicted_keys"), number(info, "keyspace_hits"),
                number(info, "keyspace_misses"), number(info, "connected_clients"), Map.copyOf(keyspace));
    }

    /**
     * Whether Redis refuses writes rather than evict when it is full: a cache's writes then fail once
     * {@code maxmemory} is reached, instead of old entries making room.
     */
    public boolean noEviction() {
        return "noeviction".equals(policy);
    }

    /** Keys in every database. */
    public long keys() {
        long keys = 0;
        for (String line : keyspace.values()) {
            for (String field : line.split(",")) {
                if (field.startsWith("keys=")) {
                    keys += Long.parseLong(field.substring("keys=".length()));
                }
            }
        }
        return keys;
    }

    private static long number(Map<String, String> info, String field) {
        String value = info.get(field);
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }
}
