package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KetamaTest {
    private static final List<String> THREE = List.of("10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211");
    private static final int KEYS = 30_000;

    private static String key(int i) {
        return "catalog:1:product:" + i;
    }

    private static Map<String, String> placement(List<String> servers) {
        Ketama ring = new Ketama(servers);
        Map<String, String> placed = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            placed.put(key(i), servers.get(ring.serverOf(key(i))));
        }
        return placed;
    }

    @Test
    void oneServerHoldsEverything() {
        Ketama ring = new Ketama(List.of("127.0.0.1:11211"));
        assertThat(ring.serverOf("anything")).isZero();
    }

    @Test
    void keysSpreadEvenlyEnoughOverTheServers() {
        Map<String, Long> counts = new HashMap<>();
        placement(THREE).values().forEach(server -> counts.merge(server, 1L, Long::sum));
        assertThat(counts).hasSize(3);
        // 160 points per server keep each share within a few percent of a third.
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(KEYS * 25L / 100, KEYS * 42L / 100));
    }

    @Test
    void aKeyHasTheSameServerOnEveryInstanceWhateverTheOrderOfTheList() {
        assertThat(placement(THREE)).isEqualTo(placement(List.of("10.0.0.3:11211", "10.0.0.1:11211", "10.0.0.2:11211")));
    }

    @Test
    void removingAServerMovesOnlyItsOwnKeys() {
        Map<String, String> before = placement(THREE);
        Map<String, String> after = placement(List.of("10.0.0.1:11211", "10.0.0.3:11211"));
        long moved = 0;
        for (int i = 0; i < KEYS; i++) {
            String was = before.get(key(i));
            if (!was.equals("10.0.0.2:11211")) {
                assertThat(after.get(key(i))).isEqualTo(was);
            } else {
                moved++;
            }
        }
        assertThat(moved).isBetween(KEYS * 25L / 100, KEYS * 42L / 100);
    }
}
