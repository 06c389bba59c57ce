package dev.cachet.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The key memcached is sent for a Cachet key. Memcached's text protocol takes keys of at most 250 bytes
 * without whitespace or control characters; Cachet keys may be longer (up to {@code maxKeyBytes}) and hold
 * any character but controls. A key that memcached takes as it is, printable ASCII without {@code #} and
 * at most 250 bytes, is sent as it is; any other key is sent as a readable head, {@code #} and the SHA-256
 * of its UTF-8 bytes in unpadded base64url: the head is its first {@value #HEAD_CHARS} characters with every
 * character that memcached would not take, and {@code #}, replaced by {@code _}. So the mapping is
 * deterministic (every instance and every restart sends the same key), a hashed key can never equal a key
 * sent as it is (only hashed keys hold {@code #}), and two hashed keys are the same only if SHA-256 collides.
 */
final class WireKey {
    /** Memcached's key length limit (KEY_MAX_LENGTH). */
    static final int MAX_BYTES = 250;
    /** Characters of a hashed key's head: enough to recognise the cache and the key in {@code stats} dumps. */
    static final int HEAD_CHARS = 120;
    private static final char HASHED = '#';

    private WireKey() {
    }

    /** What memcached is sent for {@code key}: at most 250 bytes of printable ASCII. */
    static String of(String key) {
        if (key.length() <= MAX_BYTES && sendable(key)) {
            return key;
        }
        StringBuilder wire = new StringBuilder(HEAD_CHARS + 44);
        for (int i = 0; i < Math.min(HEAD_CHARS, key.length()); i++) {
            char c = key.charAt(i);
            wire.append(allowed(c) ? c : '_');
        }
        return wire.append(HASHED).append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(key))).toString();
    }

    private static boolean sendable(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (!allowed(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Printable ASCII, so one byte per character; {@code #} is kept for hashed keys. */
    private static boolean allowed(char c) {
        return c > ' ' && c < 0x7f && c != HASHED;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
