package dev.cachet.store;

import java.lang.reflect.Type;

/**
 * A value that an in-process store holds (a local store, a tiered store's first tier), with room for the form a
 * cache decoded it into: the next hit of the same stored value can hand that out instead of decoding again.
 * A new stored value is a new {@code HeldValue}, so a decoded form never outlives the bytes it came from.
 */
public final class HeldValue {
    private record Decoded(Type type, Object value) {}

    private final byte[] bytes;
    private volatile Decoded decoded;

    /** Holds {@code bytes}, as stored. */
    public HeldValue(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The stored bytes; callers must not change them. */
    public byte[] bytes() {
        return bytes;
    }

    /** What these bytes were last decoded into as {@code type}, or null. */
    public Object decodedAs(Type type) {
        Decoded found = decoded;
        return found != null && found.type.equals(type) ? found.value : null;
    }

    /** Keeps {@code value}, decoded from these bytes as {@code type}, in place of what was kept before. */
    public void keepDecoded(Type type, Object value) {
        decoded = new Decoded(type, value);
    }
}
