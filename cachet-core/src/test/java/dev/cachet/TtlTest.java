package dev.cachet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {
    @Test
    void meaningsAreExplicit() {
        assertThat(Ttl.of(Duration.ZERO)).isEqualTo(Ttl.NONE);
        assertThat(Ttl.ofSeconds(2).toMillis()).isEqualTo(2_000);
        assertThat(Ttl.DEFAULT.isDefault()).isTrue();
        assertThat(Ttl.FOREVER.isForever()).isTrue();
        assertThatThrownBy(Ttl.FOREVER::toMillis).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSubMillisecondTtlRoundsUpInsteadOfDeleting() {
        assertThat(Ttl.of(Duration.ofNanos(1)).toMillis()).isEqualTo(1);
        assertThat(Ttl.of(Duration.ofNanos(1_500_000)).toMillis()).isEqualTo(2);
    }

    @Test
    void moreThanACenturyIsForever() {
        assertThat(Ttl.ofMillis(Long.MAX_VALUE)).isEqualTo(Ttl.FOREVER);
        assertThat(Ttl.ofMinutes(Long.MAX_VALUE)).isEqualTo(Ttl.FOREVER);
        assertThat(Ttl.ofHours(Long.MAX_VALUE)).isEqualTo(Ttl.FOREVER);
        assertThat(Ttl.ofHours(2)).isEqualTo(Ttl.ofMinutes(120));
        assertThat(Ttl.of(Ttl.LONGEST).isForever()).isFalse();
    }

    @Test
    void negativeIsAnError() {
        assertThatThrownBy(() -> Ttl.ofSeconds(-1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> Ttl.ofMinutes(-1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> Ttl.ofHours(-1)).hasMessageContaining("negative");
    }
}
