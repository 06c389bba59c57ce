package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WireKeyTest {
    private static String sha256(String key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static void assertSendable(String wire) {
        assertThat(wire.length()).isLessThanOrEqualTo(WireKey.MAX_BYTES);
        assertThat(wire.chars()).allMatch(c -> c > ' ' && c < 0x7f);
    }

    @Test
    void aKeyMemcachedTakesIsSentAsItIs() {
        assertThat(WireKey.of("shop:1:product:42")).isEqualTo("shop:1:product:42");
        String longest = "k".repeat(250);
        assertThat(WireKey.of(longest)).isSameAs(longest);
    }

    @Test
    void aLongKeyIsItsHeadAndItsSha256() throws Exception {
        String key = "shop:1:" + "x".repeat(300);
        String wire = WireKey.of(key);
        assertThat(wire).isEqualTo(key.substring(0, WireKey.HEAD_CHARS) + "#" + sha256(key));
        assertThat(WireKey.of("k".repeat(251))).contains("#");
        assertSendable(wire);
    }

    @Test
    void whitespaceControlAndNonAsciiCharactersAreHashedWithAReadableHead() throws Exception {
        String key = "shop:1:new york ünï\u0085";
        assertThat(WireKey.of(key)).isEqualTo("shop:1:new_york__n__#" + sha256(key));
        assertSendable(WireKey.of("a\u0000b"));
        assertSendable(WireKey.of("日本".repeat(200)));
    }

    @Test
    void theMappingIsDeterministicAndKeysThatDifferAfterTheHeadStayApart() {
        String head = "p:1:" + "h".repeat(200);
        assertThat(WireKey.of(head + "a")).isEqualTo(WireKey.of(head + "a")).isNotEqualTo(WireKey.of(head + "b"));
    }

    @Test
    void aKeyThatLooksHashedIsHashedItselfSoItCannotCollideWithOne() {
        String hashed = WireKey.of("p:1:a b");
        assertThat(WireKey.of(hashed)).isNotEqualTo(hashed).startsWith(hashed.replace('#', '_').substring(0, 10));
    }
}
