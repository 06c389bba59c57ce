package dev.cachet.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * Ketama consistent hashing: each server has {@value #POINTS_PER_SERVER} points on a 32-bit ring, four from
 * each MD5 of {@code "host:port-i"}; a key belongs to the first point at or after the first four bytes of the
 * MD5 of its wire key (little-endian), wrapping around. Adding or removing a server moves only the keys of
 * its own points. Immutable and thread-safe.
 */
final class Ketama {
    static final int POINTS_PER_SERVER = 160;

    private final long[] points;
    private final int[] owners;

    /** A ring of {@code servers}, named {@code host:port}; a server's index in the list is its number. */
    Ketama(List<String> servers) {
        int count = servers.size() * POINTS_PER_SERVER;
        long[][] ring = new long[count][];
        int next = 0;
        for (int server = 0; server < servers.size(); server++) {
            for (int i = 0; i < POINTS_PER_SERVER / 4; i++) {
                byte[] digest = md5(servers.get(server) + "-" + i);
                for (int part = 0; part < 4; part++) {
                    ring[next++] = new long[] {littleEndian(digest, part * 4), server};
                }
            }
        }
        // Points that collide keep a fixed order, so every instance builds the same ring.
        Arrays.sort(ring, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        this.points = new long[count];
        this.owners = new int[count];
        for (int i = 0; i < count; i++) {
            points[i] = ring[i][0];
            owners[i] = (int) ring[i][1];
        }
    }

    /** The number of the server that holds {@code wireKey}. */
    int serverOf(String wireKey) {
        if (owners.length == POINTS_PER_SERVER) {
            return 0;
        }
        long hash = littleEndian(md5(wireKey), 0);
        int at = Arrays.binarySearch(points, hash);
        if (at < 0) {
            at = -at - 1;
        }
        return owners[at == points.length ? 0 : at];
    }

    private static long littleEndian(byte[] bytes, int from) {
        return (bytes[from] & 0xffL) | (bytes[from + 1] & 0xffL) << 8 | (bytes[from + 2] & 0xffL) << 16
                | (bytes[from + 3] & 0xffL) << 24;
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
