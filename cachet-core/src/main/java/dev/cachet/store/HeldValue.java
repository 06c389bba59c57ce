package dev.cachet.store;

import java.lang.reflect.Type;

/**
 * A value that an in-process store holds (a local store, a tiered store's first tier), with room for the form a
 * cache decoded it into: the next hit of the same stored value can hand that out instead of decoding again.
 * A new stored value is a new {@code HeldValue}, so a decoded form never outlives the bytes it came from.
 *
 * <p>A hit of a value decoded before should cost little more than the store's own lookup, so a store keeps
 * what these methods answer in the object it looks up, and {@link #enveloped()} is known without reading
 * the bytes.
 */
public interface HeldValue {
    /** The stored bytes; callers must not change them. */
    byte[] bytes();

    /** Whether the bytes start with an {@link Envelope}'s header: a value with more than its body to check. */
    boolean enveloped();

    /** What these bytes were last decoded into as {@code type}, or null. */
    Object decodedAs(Type type);

    /**
     * Keeps {@code value}, decoded from these bytes as {@code type}, in place of what was kept before; a store
     * may drop it (when the value was replaced meanwhile, or under contention).
     */
    void keepDecoded(Type type, Object value);

    /**
     * Nanoseconds since these bytes were stored, by the store's own clock; 0 from a store that does not keep
     * the time. A tiered store reads a first-tier copy near the end of its life again before it expires.
     */
    default long ageNanos() {
        return 0;
    }
}
