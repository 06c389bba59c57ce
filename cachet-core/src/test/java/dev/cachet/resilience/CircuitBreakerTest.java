package dev.cachet.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final FakeTicker ticker = new FakeTicker();
    private final CircuitBreaker breaker = new CircuitBreaker("test", ResilienceOptions.builder()
            .failureThreshold(3).openDuration(Duration.ofSeconds(1)).ticker(ticker).build());

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
    }

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        fail(2);
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void letsOneProbeThroughAfterTheOpenDurationAndClosesOnSuccess() {
        fail(3);
        ticker.advance(Duration.ofMillis(999));
        assertThat(breaker.tryAcquire()).isFalse();
        ticker.advance(Duration.ofMillis(1));
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("only one probe at a time").isFalse();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aFailedProbeOpensForAnotherPeriod() {
        fail(3);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        ticker.advance(Duration.ofMillis(500));
        assertThat(breaker.tryAcquire()).isFalse();
        ticker.advance(Duration.ofMillis(500));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aProbeThatNeverReportsIsReplaced() {
        fail(3);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
        ticker.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void failuresReportedWhileOpenDoNotExtendIt() {
        fail(3);
        ticker.advance(Duration.ofMillis(900));
        breaker.onFailure();
        ticker.advance(Duration.ofMillis(100));
        assertThat(breaker.tryAcquire()).isTrue();
    }
}
