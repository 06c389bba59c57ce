package dev.cachet.redis;

import dev.cachet.store.Store;
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
    /**
     * A Lua function {@code current(v)} that answers {@code v}, or false when {@code v} is an envelope stamped
     * with a tag version that is no longer the tag's ({@link dev.cachet.store.Envelope} has the layout). It
     * reads tag keys that the script was not given, which a standalone Redis allows and a Cluster does not.
     */
    private static final String CHECK_STAMPS = """
            local function current(v)
              if not v or string.byte(v, 1) ~= 160 then return v end
              local s, e, n = string.find(v, '^%d+ %d+ (%d+)\\n', 2)
              if not s then return v end
              local at = e + 1
              for i = 1, tonumber(n) do
                local ts, te, version, name = string.find(v, '^(%d+) ([^\\n]*)\\n', at)
                if not ts then return v end
                if redis.call('GET', 'TAG_PREFIX' .. name) ~= version then return false end
                at = te + 1
              end
              return v
            end
            local function body(v)
              if string.byte(v, 1) ~= 160 then return v end
              local s, e, n = string.find(v, '^%d+ %d+ (%d+)\\n', 2)
              if not s then return v end
              local at = e + 1
              for i = 1, tonumber(n) do
                local ts, te = string.find(v, '^%d+ [^\\n]*\\n', at)
                if not ts then return v end
                at = te + 1
              end
              return string.sub(v, at)
            end
            """.replace("TAG_PREFIX", Store.TAG_PREFIX);

    /** The same function for a Cluster, where the caller checks stamps after the read. */
    private static final String KEEP_STAMPS = "local function current(v) return v end\n"
            + CHECK_STAMPS.substring(CHECK_STAMPS.indexOf("local function body(v)"));

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
     * SET of KEYS[1] to ARGV[2] (PX ARGV[3], or no expiry for -1) only while the lease KEYS[2] still holds
     * the token ARGV[1] and the key is absent (or holds a value that a tag invalidated) or holds a value whose
     * body (stamps aside) has the SHA-1 ARGV[4] (empty: none), so that nobody has written it since; ends the
     * lease either way.
     */
    static final Checked SET_IF_LEASED = new Checked("""
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('UNLINK', KEYS[2])
            if redis.call('EXISTS', KEYS[1]) == 1 then
              if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return 0 end
              local old = redis.call('GET', KEYS[1])
              if current(old) and (ARGV[4] == '' or redis.sha1hex(body(old)) ~= ARGV[4]) then return 0 end
            end
            if ARGV[3] == '-1' then redis.call('SET', KEYS[1], ARGV[2])
            else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
            return 1""", ScriptOutputType.INTEGER);

    /** SET of KEYS[1] to ARGV[1] (PX ARGV[2], or no expiry for -1) that voids the lease KEYS[2] with it. */
    static final Script SET_VOIDING_LEASE = new Script("""
            redis.call('UNLINK', KEYS[2])
            if ARGV[2] == '-1' then return redis.call('SET', KEYS[1], ARGV[1]) end
            return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])""", ScriptOutputType.STATUS);

    /**
     * The version of the tag KEYS[1], set to ARGV[1] when it has none, kept at least ARGV[2] ms (-1: for
     * ever). Its TTL is only ever lengthened, and then to ARGV[3] ms, twice what is needed: every change to
     * the key is reported to each instance's first tier as an invalidation of the tag, so a change on every
     * use would keep emptying them.
     */
    static final Script TAG_VERSION = new Script("""
            local version = redis.call('GET', KEYS[1])
            if not version then
              if ARGV[3] == '-1' then redis.call('SET', KEYS[1], ARGV[1])
              else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3]) end
              return ARGV[1]
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if ARGV[2] == '-1' then
              if ttl ~= -1 then redis.call('PERSIST', KEYS[1]) end
            elseif ttl ~= -1 and ttl < tonumber(ARGV[2]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
            end
            return version""", ScriptOutputType.VALUE);

    /** GET and PTTL of KEYS[1], with nothing hidden: {} when absent, else {value, pttl}. */
    static final Script GET_VERSIONED = new Script("""
            local value = redis.call('GET', KEYS[1])
            if not value then return {} end
            return {value, redis.call('PTTL', KEYS[1])}""", ScriptOutputType.MULTI);

    /**
     * Compare-and-set where the token is the value itself, by digest: only while the SHA-1 of KEYS[1]'s value
     * begins with the hex ARGV[1], SET it to ARGV[3] (PX ARGV[2], or no expiry for -1), or UNLINK it when
     * ARGV[2] is empty; voids the lease KEYS[2] as every write does.
     */
    static final Script COMPARE_AND_SET = new Script("""
            local value = redis.call('GET', KEYS[1])
            if not value or string.sub(redis.sha1hex(value), 1, 16) ~= ARGV[1] then return 0 end
            redis.call('UNLINK', KEYS[2])
            if ARGV[2] == '' then redis.call('UNLINK', KEYS[1])
            elseif ARGV[2] == '-1' then redis.call('SET', KEYS[1], ARGV[3])
            else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2]) end
            return 1""", ScriptOutputType.INTEGER);

    /** UNLINK of the lease KEYS[1] only while it holds the token ARGV[1]. */
    static final Script RELEASE_LEASE = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('UNLINK', KEYS[1]) end
            return 0""", ScriptOutputType.INTEGER);

    /** GET, of a value whose stamps are current. */
    static final Script GET = new Script(CHECK_STAMPS + "return current(redis.call('GET', KEYS[1]))", ScriptOutputType.VALUE);

    /** MGET, each value's stamps checked. */
    static final Script GET_MANY = new Script(CHECK_STAMPS + """
            local values = redis.call('MGET', unpack(KEYS))
            for i = 1, #values do values[i] = current(values[i]) end
            return values""", ScriptOutputType.MULTI);

    /** {@link #GET_WITH_TTL} for standalone Redis and for a Cluster. */
    static final Checked GET_WITH_TTL = new Checked("""
            local value = current(redis.call('GET', KEYS[1]))
            if not value then return {} end
            return {value, redis.call('PTTL', KEYS[1])}""", ScriptOutputType.MULTI);

    /**
     * GET that, on a miss, grants a lease (KEYS[2] set to the token ARGV[1] for ARGV[2] ms) unless one is
     * held: {1, value}, {2} granted, or {3} held by another caller.
     */
    static final Checked GET_OR_LEASE = new Checked("""
            local value = current(redis.call('GET', KEYS[1]))
            if value then return {1, value} end
            if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {2} end
            return {3}""", ScriptOutputType.MULTI);

    /** A script in two forms: one that checks tag stamps itself, and one for a Cluster, that does not. */
    record Checked(Script standalone, Script cluster) {
        Checked(String body, ScriptOutputType output) {
            this(new Script(CHECK_STAMPS + body, output), new Script(KEEP_STAMPS + body, output));
        }

        Script on(boolean cluster) {
            return cluster ? this.cluster : standalone;
        }
    }

    private final String source;
    private final String sha;
    private final ScriptOutputType output;

    private Script(String source, ScriptOutputType output) {
        this.source = source;
        this.output = output;
        this.sha = sha1Hex(source.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-1 of {@code bytes} in lower-case hex, as Redis names scripts and as {@code redis.sha1hex} gives it. */
    static String sha1Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
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
