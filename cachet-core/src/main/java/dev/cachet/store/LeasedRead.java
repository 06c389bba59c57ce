package dev.cachet.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    /** The first byte of a lease placeholder: {@code 10100001}, which neither an envelope nor a Cachet value has. */
    private static final byte PLACEHOLDER = (byte) 0xA1;

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

    /**
     * What a miss's lease leaves in its key until the holder's value replaces it: the byte {@code 0xA1}, then
     * the token in ASCII decimal. Every read answers it as absent, and any write or delete of the key
     * replaces it, which is what voids the lease: a store that keeps leases this way pays nothing for them
     * on {@code set}.
     */
    public static byte[] placeholder(long token) {
        byte[] digits = Long.toString(token).getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[digits.length + 1];
        bytes[0] = PLACEHOLDER;
        System.arraycopy(digits, 0, bytes, 1, digits.length);
        return bytes;
    }

    /** Whether {@code stored} is a lease {@linkplain #placeholder placeholder}, of any token. */
    public static boolean isPlaceholder(byte[] stored) {
        return stored != null && stored.length > 0 && stored[0] == PLACEHOLDER;
    }

    /** Whether {@code stored} is the placeholder of {@code token}. */
    public static boolean isPlaceholder(byte[] stored, long token) {
        return isPlaceholder(stored) && Arrays.equals(stored, placeholder(token));
    }
}
