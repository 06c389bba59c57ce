package dev.cachet.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/** A Lua script run by its SHA-1 ({@code EVALSHA}), sent whole only when a node does not know it yet. */
final class Script {
    /** INCRBY that refuses to create the key: a missing key is an error, as in Django. */
    static final Script INCREMENT_EXISTING = new Script("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return false end
            return redis.call('INCRBY', KEYS[1], ARGV[1])""", ScriptOutputType.INTEGER);

    /** PERSIST that reports whether the key exists (PERSIST alone answers 0 for a key without TTL). */
    static final Script PERSIST_EXISTING = new Script("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('PERSIST', KEYS[1])
            return 1""", ScriptOutputType.INTEGER);

    /**
     * UNLINK only if the key still holds the given bytes; empty bytes stand for "a type other than a
     * string", which a read reports as an empty, undecodable value.
     */
    static final Script DELETE_IF_SAME = new Script("""
            local kind = redis.call('TYPE', KEYS[1]).ok
            if kind == 'string' then
              if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('UNLINK', KEYS[1]) end
            elseif kind ~= 'none' and ARGV[1] == '' then
              return redis.call('UNLINK', KEYS[1])
            end
            return 0""", ScriptOutputType.INTEGER);

    /**
     * GET that, on a miss, grants a lease (KEYS[2] set to the token ARGV[1] for ARGV[2] ms) unless one is
     * held: {1, value}, {2} granted, or {3} held by another caller.
     */
    static final Script GET_OR_LEASE = new Script("""
            local value = redis.call('GET', KEYS[1])
            if value then return {1, value} end
            if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {2} end
            return {3}""", ScriptOutputType.MULTI);

    /**
     * SET of KEYS[1] to ARGV[2] (PX ARGV[3], or no expiry for -1) only while the lease KEYS[2] still holds
     * the token ARGV[1] and nobody has written the key since; ends the lease either way.
     */
    static final Script SET_IF_LEASED = new Script("""
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('UNLINK', KEYS[2])
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            if ARGV[3] == '-1' then redis.call('SET', KEYS[1], ARGV[2])
            else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
            return 1""", ScriptOutputType.INTEGER);

    /** SET of KEYS[1] to ARGV[1] (PX ARGV[2], or no expiry for -1) that voids the lease KEYS[2] with it. */
    static final Script SET_VOIDING_LEASE = new Script("""
            redis.call('UNLINK', KEYS[2])
            if ARGV[2] == '-1' then return redis.call('SET', KEYS[1], ARGV[1]) end
            return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])""", ScriptOutputType.STATUS);

    /** UNLINK of the lease KEYS[1] only while it holds the token ARGV[1]. */
    static final Script RELEASE_LEASE = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('UNLINK', KEYS[1]) end
            return 0""", ScriptOutputType.INTEGER);

    /** The value and its remaining TTL in one atomic read. */
    static final Script GET_WITH_TTL = new Script("""
            local value = redis.call('GET', KEYS[1])
            if not value then return {} end
            return {value, redis.call('PTTL', KEYS[1])}""", ScriptOutputType.MULTI);

    private final String source;
    private final String sha;
    private final ScriptOutputType output;

    private Script(String source, ScriptOutputType output) {
        this.source = source;
        this.output = output;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            this.sha = HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, byte[]> commands, String key, byte[]... args) {
        return run(commands, new String[] {key}, args);
    }

    <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, byte[]> commands, String[] keys, byte[]... args) {
        CompletableFuture<T> bySha = commands.<T>evalsha(sha, output, keys, args).toCompletableFuture();
        return bySha.exceptionallyCompose(error -> {
            Throwable cause = error.getCause() != null && !(error instanceof RedisNoScriptException) ? error.getCause() : error;
            if (cause instanceof RedisNoScriptException) {
                return commands.<T>eval(source, output, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(cause);
        });
    }
}
