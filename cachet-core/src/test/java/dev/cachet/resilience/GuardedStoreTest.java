package dev.cachet.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.CacheBackendException;
import dev.cachet.FakeTicker;
import dev.cachet.ScriptedStore;
import dev.cachet.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The guard's rules, on a store that fails on command. Real outages (refused connections, a cut or frozen
 * Redis) are exercised against Redis by the Redis module's failure tests.
 */
class GuardedStoreTest {
    private final FakeTicker ticker = new FakeTicker();
    private final ScriptedStore backend = new ScriptedStore();

    private GuardedStore guard(boolean failSoft) {
        return GuardedStore.wrap(backend, ResilienceOptions.builder().failSoft(failSoft).failureThreshold(3)
                .openDuration(Duration.ofSeconds(1)).ticker(ticker).build());
    }

    @Test
    void failSoftTurnsBackendFailuresIntoNeutralResults() {
        GuardedStore store = guard(true);
        store.set("k", new byte[] {1}, Store.FOREVER).join();
        backend.failures.set(100);
        assertThat(store.get("k").join()).isNull();
        assertThat(store.set("k", new byte[] {2}, Store.FOREVER).join()).isFalse();
        assertThat(store.setMany(Map.of("a", new byte[] {1}), 1000).join()).containsExactly("a");
        assertThat(store.getMany(List.of("a", "b")).join()).containsExactly(null, null);
        assertThat(store.deleteMany(List.of("a")).join()).isZero();
        assertThat(store.errorsByCause()).containsKeys("IOException", "CircuitOpen");
    }

    @Test
    void strictModePassesTheFailureOn() {
        GuardedStore store = guard(false);
        backend.failures.set(1);
        backend.error = () -> new CacheBackendException.Timeout("slow", null);
        assertThatThrownBy(() -> store.get("k").join()).hasCauseInstanceOf(CacheBackendException.Timeout.class);
    }

    @Test
    void callerErrorsPassThroughAndDoNotCountAgainstTheBreaker() {
        GuardedStore store = guard(true);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> store.increment("absent", 1).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(NoSuchElementException.class);
        }
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(store.errorsByCause()).isEmpty();
    }

    @Test
    void aReadThatFailedFastIsRetriedOnceAndAWriteNever() {
        GuardedStore store = guard(true);
        backend.failures.set(1);
        assertThat(store.contains("k").join()).isFalse();
        assertThat(backend.calls).hasValue(2);

        backend.calls.set(0);
        backend.failures.set(1);
        assertThat(store.set("k", new byte[] {1}, Store.FOREVER).join()).isFalse();
        assertThat(backend.calls).hasValue(1);
    }

    @Test
    void aReadThatFailedSlowlyIsNotRetried() {
        GuardedStore store = guard(true);
        CompletableFuture<Object> reply = new CompletableFuture<>();
        backend.nextReply.set(reply);
        CompletableFuture<byte[]> read = store.get("k");
        ticker.advance(Duration.ofMillis(50));
        reply.completeExceptionally(new CacheBackendException("connection reset after a while", null));
        assertThat(read.join()).isNull();
        assertThat(backend.calls).hasValue(1);
    }

    @Test
    void refusalsFailSoftButDoNotOpenTheBreaker() {
        GuardedStore store = guard(true);
        backend.error = () -> new CacheBackendException.Refused("too much in flight");
        backend.failures.set(10);
        for (int i = 0; i < 10; i++) {
            assertThat(store.set("k", new byte[] {1}, Store.FOREVER).join()).isFalse();
        }
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(store.errorsByCause()).containsEntry("Refused", 10L);
    }

    @Test
    void aTimedOutReadIsNotRetried() {
        GuardedStore store = guard(true);
        backend.error = () -> new CacheBackendException.Timeout("slow", null);
        backend.failures.set(1);
        assertThat(store.get("k").join()).isNull();
        assertThat(backend.calls).hasValue(1);
    }

    @Test
    void anOpenBreakerSpendsNoCallsOnTheBackendUntilTheProbe() {
        GuardedStore store = guard(true);
        backend.failures.set(3);
        for (int i = 0; i < 3; i++) {
            store.set("k", new byte[] {1}, Store.FOREVER).join();
        }
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        int before = backend.calls.get();
        for (int i = 0; i < 1_000; i++) {
            store.get("k").join();
        }
        assertThat(backend.calls.get()).isEqualTo(before);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(store.set("k", new byte[] {1}, Store.FOREVER).join()).isTrue();
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theStrictViewSharesTheBreaker() {
        GuardedStore store = guard(true);
        backend.failures.set(3);
        for (int i = 0; i < 3; i++) {
            store.strict().delete("k").exceptionally(e -> false).join();
        }
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(store.errorsByCause().get("IOException")).isEqualTo(3);
    }

    @Test
    void aStoreIsGuardedOnce() {
        GuardedStore store = guard(true);
        assertThatThrownBy(() -> GuardedStore.wrap(store, ResilienceOptions.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already guarded");
    }
}
