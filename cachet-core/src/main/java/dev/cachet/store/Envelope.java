package dev.cachet.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A stored value with what get-or-compute and tags need to know about it: when it stops being fresh, how
 * long it took to load, and the version of each of its tags when it was loaded.
 *
 * <p>The layout is part of the store contract, since a store checks tag stamps where the value is (in a
 * Redis script, for instance) and must parse them there:
 *
 * <pre>
 * 0xA0                                  one marker byte; no other stored value starts with it
 * freshUntil SP loadMillis SP n LF      ASCII decimals: epoch milliseconds (0: no logical expiry),
 *                                       the load time in milliseconds, and the number of tags
 * version SP name LF                    n times: the tag's version (ASCII decimal) and its name
 * body                                  the value as it would be stored without an envelope
 * </pre>
 *
 * Tag names hold no control characters, so a line feed ends each one. Versions are compared as strings.
 *
 * @param freshUntil epoch milliseconds at which the value stops being fresh, or 0 for no logical expiry
 * @param loadMillis how long the value took to load, for early refresh; 0 when unknown
 * @param tags the version of each tag, by name, as seen before the value was loaded
 * @param body the stored form of the value itself
 */
public record Envelope(long freshUntil, long loadMillis, Map<String, String> tags, byte[] body) {
    /** The first byte of every envelope: {@code 10100000}, which neither a Cachet header nor a digit has. */
    public static final byte MARKER = (byte) 0xA0;

    /** Checks the fields. */
    public Envelope {
        if (freshUntil < 0 || loadMillis < 0) {
            throw new IllegalArgumentException("freshUntil and loadMillis must not be negative");
        }
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            checkTagName(tag.getKey());
            checkVersion(tag.getKey(), tag.getValue());
        }
        Objects.requireNonNull(body, "body");
    }

    /** Whether {@code stored} is an envelope. */
    public static boolean isEnvelope(byte[] stored) {
        return stored != null && stored.length > 0 && stored[0] == MARKER;
    }

    /**
     * Checks that {@code name} can be a tag: not empty, no control characters, at most 256 bytes.
     *
     * @throws IllegalArgumentException naming the tag otherwise
     */
    public static void checkTagName(String name) {
        Objects.requireNonNull(name, "tag");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tag must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("tag '" + name.replaceAll("\\p{Cntrl}", "?")
                        + "' holds a control character at index " + i);
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 256) {
            throw new IllegalArgumentException("tag '" + name.substring(0, 40) + "...' is over 256 bytes");
        }
    }

    private static void checkVersion(String tag, String version) {
        if (version == null || version.isEmpty() || !version.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("version of tag '" + tag + "' must be ASCII digits, was " + version);
        }
    }

    /** The stored bytes. */
    public byte[] toBytes() {
        StringBuilder meta = new StringBuilder(32 + tags.size() * 32);
        meta.append(freshUntil).append(' ').append(loadMillis).append(' ').append(tags.size()).append('\n');
        tags.forEach((name, version) -> meta.append(version).append(' ').append(name).append('\n'));
        byte[] head = meta.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[1 + head.length + body.length];
        out[0] = MARKER;
        System.arraycopy(head, 0, out, 1, head.length);
        System.arraycopy(body, 0, out, 1 + head.length, body.length);
        return out;
    }

    /** This envelope with other tag versions, for a tier that keeps its own. */
    public Envelope withTags(Map<String, String> tags) {
        return new Envelope(freshUntil, loadMillis, tags, body);
    }

    /**
     * Parses an envelope.
     *
     * @throws IllegalArgumentException if {@code stored} is not a well-formed envelope
     */
    public static Envelope parse(byte[] stored) {
        Reader reader = new Reader(stored);
        long freshUntil = reader.number(' ');
        long loadMillis = reader.number(' ');
        long count = reader.number('\n');
        Map<String, String> tags = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            String version = reader.until(' ');
            tags.put(reader.until('\n'), version);
        }
        return new Envelope(freshUntil, loadMillis, tags, Arrays.copyOfRange(stored, reader.position, stored.length));
    }

    /**
     * Whether every tag stamp on {@code stored} still matches the tag's current version; true for a value
     * that is not an envelope or carries no tags, and for a malformed envelope (decoding will refuse it).
     *
     * @param current a tag's current version, or null when it has none (it was invalidated)
     */
    public static boolean stampsCurrent(byte[] stored, Function<String, String> current) {
        if (!isEnvelope(stored)) {
            return true;
        }
        try {
            Reader reader = new Reader(stored);
            for (long i = reader.tagCount(); i > 0; i--) {
                String version = reader.until(' ');
                if (!version.equals(current.apply(reader.until('\n')))) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException malformed) {
            return true;
        }
    }

    /**
     * What of a stored value its tag stamps do not change: an envelope's body, or the whole of any other
     * value. A tier that keeps its own stamps on a copy holds the same body as the shared tier, so this is
     * what {@link Store#setIfLeased} compares; a malformed envelope is compared whole.
     */
    public static byte[] bodyOf(byte[] stored) {
        if (!isEnvelope(stored)) {
            return stored;
        }
        try {
            Reader reader = new Reader(stored);
            for (long i = reader.tagCount(); i > 0; i--) {
                reader.until('\n');
            }
            return Arrays.copyOfRange(stored, reader.position, stored.length);
        } catch (IllegalArgumentException malformed) {
            return stored;
        }
    }

    /** The tag names stamped on {@code stored}; empty for a value that is not an envelope or is malformed. */
    public static Map<String, String> stampsOf(byte[] stored) {
        if (!isEnvelope(stored)) {
            return Map.of();
        }
        try {
            return parse(stored).tags();
        } catch (IllegalArgumentException malformed) {
            return Map.of();
        }
    }

    /** Reads the ASCII head of an envelope, field by field. */
    private static final class Reader {
        private final byte[] bytes;
        private int position = 1;

        Reader(byte[] bytes) {
            if (!isEnvelope(bytes)) {
                throw new IllegalArgumentException("not an envelope");
            }
            this.bytes = bytes;
        }

        String until(char end) {
            int start = position;
            while (position < bytes.length && bytes[position] != end) {
                position++;
            }
            if (position == bytes.length) {
                throw new IllegalArgumentException("truncated envelope");
            }
            return new String(bytes, start, position++ - start, StandardCharsets.UTF_8);
        }

        /** Skips the freshness fields of the first line and reads the number of tag lines that follow. */
        long tagCount() {
            number(' ');
            number(' ');
            return number('\n');
        }

        long number(char end) {
            String digits = until(end);
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("malformed envelope number '" + digits + "'");
            }
            return Long.parseLong(digits);
        }
    }
}
