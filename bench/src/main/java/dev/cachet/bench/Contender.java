package dev.cachet.bench;

/**
 * One cache under measurement, behind the small facade every contender shares: get, set and get-many. Keys
 * are addressed by index so that each contender builds its key strings once, up front, and the measured call
 * costs only what that cache itself does with them.
 */
interface Contender extends AutoCloseable {
    /** The name shown in the report. */
    String name();

    /** Reads key {@code key}; true on a hit. */
    boolean get(int key);

    /** Writes {@code value} at key {@code key}; true when the cache took it. */
    boolean set(int key, byte[] value);

    /**
     * Reads {@code keys} in one call where the library has one, and returns how many were found. A library
     * without a multi-key read gets one {@link #get} per key, which is what its users would write.
     */
    default int getMany(int[] keys) {
        int hits = 0;
        for (int key : keys) {
            if (get(key)) {
                hits++;
            }
        }
        return hits;
    }

    /** Reads its first tier has answered so far, or -1 for a contender without a first tier that counts them. */
    default long firstTierHits() {
        return -1;
    }

    /** Deletes every key this contender wrote and returns how many there were. */
    long clear();

    /** Releases connections and threads; a contender without any has nothing to do. */
    @Override
    default void close() {
    }
}
