package dev.cachet.store;

/**
 * The answer to {@link Store#getOrLease}: the value, or a lease to fill the key, or word that another
 * caller holds the lease, or none of these when the store could not be asked.
 *
 * @param value the stored value on a hit, else null
 * @param token the lease granted to this caller (positive), else 0
 * @param held whether another caller holds the lease on the key
 */
public record LeasedRead(byte[] value, long token, boolean held) {
    private static final LeasedRead HELD = new LeasedRead(null, 0, true);
    private static final LeasedRead UNAVAILABLE = new LeasedRead(null, 0, false);

    /** Checks that exactly one answer is given, or none. */
    public LeasedRead {
        int answers = (value != null ? 1 : 0) + (token != 0 ? 1 : 0) + (held ? 1 : 0);
        if (answers > 1 || token < 0) {
            throw new IllegalArgumentException("a leased read is a hit, a grant or a held lease, not several");
        }
    }

    /** A hit. */
    public static LeasedRead hit(byte[] value) {
        return new LeasedRead(value, 0, false);
    }

    /** A miss, with the lease {@code token} granted to the caller. */
    public static LeasedRead granted(long token) {
        return new LeasedRead(null, token, false);
    }

    /** A miss whose lease another caller holds. */
    public static LeasedRead heldByAnother() {
        return HELD;
    }

    /** No answer (the backend failed, in fail-soft mode): load, and do not write. */
    public static LeasedRead unavailable() {
        return UNAVAILABLE;
    }

    /** Whether this caller was granted the lease. */
    public boolean granted() {
        return token != 0;
    }
}
