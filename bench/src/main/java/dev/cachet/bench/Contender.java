package dev.cachet.bench;

/**
 * One cache under measurement. Keys are addressed by index so that each contender builds its key strings
 * once, up front, and the measured call costs only what that cache itself does with them.
 */
interface Contender extends AutoCloseable {
    /** The name shown in the report. */
    String name();

    /** Reads key {@code key}; true on a hit. */
    boolean get(int key);

    /** Writes {@code value} at key {@code key}; true when the cache took it. */
    boolean set(int key, byte[] value);

    /** Deletes every key this contender wrote and returns how many there were. */
    long clear();

    /** Releases connections and threads; a contender without any has nothing to do. */
    @Override
    default void close() {
    }
}
