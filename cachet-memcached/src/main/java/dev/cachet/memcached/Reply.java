package dev.cachet.memcached;

import dev.cachet.CacheBackendException;
import java.util.Arrays;

/**
 * A server's reply to one meta command: a two-letter status ({@code VA} with a value, {@code HD}, {@code EN},
 * {@code NF}, {@code NS}, {@code EX}), the returned flags as tokens ({@code f123}, {@code t-1}, {@code c42}),
 * and the value of a {@code VA}. Error lines ({@code SERVER_ERROR}, {@code CLIENT_ERROR}, {@code ERROR})
 * never become replies: the connection fails their command instead.
 */
record Reply(String status, String[] tokens, byte[] value) {
    static final String VALUE = "VA";
    static final String STORED = "HD";

    boolean is(String expected) {
        return status.equals(expected);
    }

    /** Whether the command found or changed its item: {@code VA} or {@code HD}. */
    boolean hit() {
        return is(VALUE) || is(STORED);
    }

    /**
     * The number the server returned for {@code flag}, such as the client flags for {@code 'f'}.
     *
     * @throws CacheBackendException when the reply lacks it: the server is not speaking the meta protocol
     *     as expected
     */
    long number(char flag) {
        for (String token : tokens) {
            if (token.length() > 1 && token.charAt(0) == flag) {
                try {
                    // CAS uniques are unsigned 64-bit; only a TTL is ever negative (t-1: no expiry).
                    return token.charAt(1) == '-' ? Long.parseLong(token, 1, token.length(), 10)
                            : Long.parseUnsignedLong(token, 1, token.length(), 10);
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new CacheBackendException("memcached replied " + this + " without a number for the '" + flag
                + "' flag it was asked for", null);
    }

    @Override
    public String toString() {
        return status + (tokens.length == 0 ? "" : " " + String.join(" ", Arrays.asList(tokens)))
                + (value == null ? "" : " (" + value.length + " bytes)");
    }
}
