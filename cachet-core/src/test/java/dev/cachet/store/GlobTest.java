package dev.cachet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Keys must match exactly as Redis' SCAN MATCH matches them. */
class GlobTest {
    private static boolean matches(String glob, String key) {
        return Glob.compile(glob).matcher(key).matches();
    }

    @Test
    void wildcardsMatchAsInRedis() {
        assertThat(matches("p:1:*", "p:1:anything:at:all")).isTrue();
        assertThat(matches("p:1:*", "p:2:k")).isFalse();
        assertThat(matches("k?", "k1")).isTrue();
        assertThat(matches("k?", "k12")).isFalse();
        assertThat(matches("*", "line\nbreak")).isTrue();
    }

    @Test
    void classesRangesAndNegation() {
        assertThat(matches("page_[12]", "page_2")).isTrue();
        assertThat(matches("page_[12]", "page_3")).isFalse();
        assertThat(matches("page_[a-c]", "page_b")).isTrue();
        assertThat(matches("page_[^a-c]", "page_b")).isFalse();
        assertThat(matches("page_[^a-c]", "page_d")).isTrue();
        assertThat(matches("x[.]y", "x.y")).isTrue();
        assertThat(matches("x[.]y", "xzy")).isFalse();
    }

    @Test
    void backslashTakesTheNextCharacterLiterally() {
        assertThat(matches("a\\*b", "a*b")).isTrue();
        assertThat(matches("a\\*b", "axb")).isFalse();
        assertThat(matches("a.b(c)", "a.b(c)")).isTrue();
        assertThat(matches("a.b", "axb")).isFalse();
    }

    @Test
    void anUnclosedClassIsRefused() {
        assertThatThrownBy(() -> Glob.compile("page_[12")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed '['");
    }
}
