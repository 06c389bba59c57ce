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
     * A Lua function {@code current(v)} that answers {@code v}, or false when {@code v} is a lease placeholder
     * ({@link dev.cachet.store.LeasedRead#placeholder}) or an envelope stamped with a tag version that is no
     * longer the tag's ({@link dev.cachet.store.Envelope} has the layout). It reads tag keys that the script
     * was not given, which a standalone Redis allows and a Cluster does not.
     */
    private static final String CHECK_STAMPS = """
            local function current(v)
              if not v then return v end
              local first = string.byte(v, 1)
              if first == 161 then return false end
              if first ~= 160 then return v end
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

    /** The same function for a Cluster, where the caller checks stamps after the read: it hides placeholders only. */
    private static final String KEEP_STAMPS = """
            local function current(v)
              if v and string.byte(v, 1) == 161 then return false end
              return v
            end
            """
            + CHECK_STAMPS.substring(CHECK_STAMPS.indexOf("local function body(v)"));

    /**
     * A Lua function {@code holdsPlaceholder(key)}: whether {@code key} holds a lease placeholder, read from its
     * first byte alone. A key of another type holds none; any other error (a permission) is raised.
     */
    private static final String HOLDS_PLACEHOLDER = """
            local function holdsPlaceholder(key)
              local head = redis.pcall('GETRANGE', key, 0, 0)
              if type(head) == 'table' then
                if string.find(head.err, 'WRONGTYPE', 1, true) then return false end
                error(head)
              end
              return head == '\\161'
            end
            """;

    /**
     * INCRBY that refuses to create the key: a missing key is an error, as in Django, and so is a lease
     * placeholder, which readers see as absent.
     */
    static final Script INCREMENT_EXISTING = new Script(HOLDS_PLACEHOLDER + """
            if redis.call('EXISTS', KEYS[1]) == 0 or holdsPlaceholder(KEYS[1]) then return false end
            return redis.call('INCRBY', KEYS[1], ARGV[1])""", ScriptOutputType.INTEGER);

    /**
     * PEXPIRE KEYS[1] by ARGV[1] ms, or PERSIST it for -1, reporting whether the key exists (PERSIST alone
     * answers 0 for a key without TTL); a lease placeholder is absent to readers, so it is left as it is.
     */
    static final Script EXPIRE_EXISTING = new Script(HOLDS_PLACEHOLDER + """
            if redis.call('EXISTS', KEYS[1]) == 0 or holdsPlaceholder(KEYS[1]) then return 0 end
            if ARGV[1] == '-1' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return 1""", ScriptOutputType.INTEGER);

    /**
     * SET NX of KEYS[1] to ARGV[1] (PX ARGV[2], or no expiry for -1), where a lease placeholder counts as
     * absent, as readers see it: the value takes its place, which voids the lease.
     */
    static final Script ADD = new Script(HOLDS_PLACEHOLDER + """
            if redis.call('EXISTS', KEYS[1]) == 1 and not holdsPlaceholder(KEYS[1]) then return 0 end
            if ARGV[2] == '-1' then redis.call('SET', KEYS[1], ARGV[1])
            else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
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
     * Stores ARGV[2] at KEYS[1] (PX ARGV[3], or no expiry for -1) under the lease whose placeholder is ARGV[1].
     * A miss's lease holds while KEYS[1] still holds that placeholder. A refresh's lease is the key KEYS[2]
     * holding the placeholder; it holds while KEYS[1] holds a value whose stamps are stale or whose body
     * (stamps aside) has the SHA-1 ARGV[4], so that nobody has written it since, and it ends either way.
     * Answers 1 when stored.
     */
    static final Checked SET_IF_LEASED = new Checked("""
            local old = redis.pcall('GET', KEYS[1])
            if type(old) == 'table' then old = nil end
            if old == ARGV[1] then
              if ARGV[3] == '-1' then redis.call('SET', KEYS[1], ARGV[2])
              else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
              return 1
            end
            if #KEYS < 2 or redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('UNLINK', KEYS[2])
            if not old or string.byte(old, 1) == 161 then return 0 end
            if current(old) and (ARGV[4] == '' or redis.sha1hex(body(old)) ~= ARGV[4]) then return 0 end
            if ARGV[3] == '-1' then redis.call('SET', KEYS[1], ARGV[2])
            else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
            return 1""", ScriptOutputType.INTEGER);

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
     * ARGV[2] is empty.
     */
    static final Script COMPARE_AND_SET = new Script("""
            local value = redis.call('GET', KEYS[1])
            if not value or string.sub(redis.sha1hex(value), 1, 16) ~= ARGV[1] then return 0 end
            if ARGV[2] == '' then redis.call('UNLINK', KEYS[1])
            elseif ARGV[2] == '-1' then redis.call('SET', KEYS[1], ARGV[3])
            else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2]) end
            return 1""", ScriptOutputType.INTEGER);

    /** UNLINK of whichever of KEYS[1] (a miss's lease) and KEYS[2] (a refresh's) holds the placeholder ARGV[1]. */
    static final Script RELEASE_LEASE = new Script("""
            for i = 1, #KEYS do
              if redis.pcall('GET', KEYS[i]) == ARGV[1] then return redis.call('UNLINK', KEYS[i]) end
            end
            return 0""", ScriptOutputType.INTEGER);

    /**
     * GET that, on a miss, grants a lease by putting the placeholder ARGV[1] in KEYS[1] for ARGV[2] ms, unless
     * another caller's placeholder is there: {1, value}, {2} granted, or {3} held by another caller. A value
     * whose stamps are stale is a miss, and the placeholder takes its place.
     */
    static final Checked GET_OR_LEASE = new Checked("""
            local found = redis.call('GET', KEYS[1])
            if found and string.byte(found, 1) == 161 then return {3} end
            local value = current(found)
            if value then return {1, value} end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return {2}""", ScriptOutputType.MULTI);

    /** SET of KEYS[1] to the placeholder ARGV[2] for ARGV[3] ms only while it holds ARGV[1]: 1 when set. */
    static final Script LEASE_IF_SAME = new Script("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1""", ScriptOutputType.INTEGER);

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
