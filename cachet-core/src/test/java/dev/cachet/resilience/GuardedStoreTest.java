package dev.cachet.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachet.CacheBackendException;
import dev.cachet.FakeTicker;
import dev.cachet.ScriptedStore;
import dev.cachet.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's rules, on a store that fails on command. Real outages (refused connections, a cut or frozen
 * Redis) are exercised against Redis by the Redis module's failure tests.
 */
class GuardedStoreTest {
    private final FakeTicker ticker = new FakeTicker();
    private final ScriptedStore backend = new ScriptedStore();

    private final List<GuardedStore> opened = new ArrayList<>();

    private GuardedStore guard(boolean failSoft) {
        return guard(ResilienceOptions.builder().failSoft(failSoft));
    }

    private GuardedStore guard(ResilienceOptions.Builder options) {
        GuardedStore store = GuardedStore.wrap(backend, options.failureThreshold(3)
                .openDuration(Duration.ofSeconds(1)).ticker(ticker).build());
        opened.add(store);
        return store;
    }

    /** Stops the background replays of what a test left pending. */
    @AfterEach
    void close() {
        opened.forEach(GuardedStore::close);
    }

    private static byte[] bytes(int b) {
        return new byte[] {(byte) b};
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
        GuardedStore store = guard(ResilienceOptions.builder().maxPendingInvalidations(0));
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
        GuardedStore store = guard(ResilienceOptions.builder().maxPendingInvalidations(0));
        backend.failures.set(3);
        for (int i = 0; i < 3; i++) {
            store.strict().delete("k").exceptionally(e -> false).join();
        }
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(store.errorsByCause().get("IOException")).isEqualTo(3);
    }

    @Test
    void aFailedDeleteIsReplayedBeforeTheBackendIsReadAgain() {
        GuardedStore store = guard(true);
        store.set("k", bytes(1), Store.FOREVER).join();
        backend.failures.set(1);
        assertThat(store.delete("k").join()).isFalse();
        assertThat(store.pendingInvalidations()).isOne();
        assertThat(backend.delegate.get("k").join()).as("the backend still holds the old value").containsExactly(1);

        assertThat(store.get("k").join()).isNull();
        assertThat(backend.delegate.get("k").join()).isNull();
        assertThat(store.pendingInvalidations()).isZero();
    }

    @Test
    void aFailedWriteTakesTheOldValueOutWhenTheBackendAnswersAgain() {
        GuardedStore store = guard(true);
        store.set("k", bytes(1), Store.FOREVER).join();
        store.setMany(Map.of("m", bytes(1)), Store.FOREVER).join();
        backend.failures.set(Integer.MAX_VALUE);
        assertThat(store.set("k", bytes(2), Store.FOREVER).join()).isFalse();
        assertThat(store.setMany(Map.of("m", bytes(2)), Store.FOREVER).join()).containsExactly("m");
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);

        backend.failures.set(0);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(store.getMany(List.of("k", "m")).join()).containsExactly(null, null);
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void whileTheReplayFailsReadsAreAnsweredAsIfTheBackendWereDown() {
        GuardedStore store = guard(true);
        store.set("k", bytes(1), Store.FOREVER).join();
        backend.failures.set(1);
        store.delete("k").join();

        backend.failures.set(1);
        assertThat(store.get("k").join()).as("the replay failed, so the old value must not be read").isNull();
        assertThat(store.set("other", bytes(1), Store.FOREVER).join()).isTrue();
        assertThat(store.get("k").join()).isNull();
        assertThat(store.pendingInvalidations()).isZero();

        GuardedStore strict = guard(false);
        backend.failures.set(1);
        assertThatThrownBy(() -> strict.delete("other").join()).hasCauseInstanceOf(CacheBackendException.class);
        backend.failures.set(1);
        assertThatThrownBy(() -> strict.get("other").join()).hasCauseInstanceOf(CacheBackendException.class);
        assertThat(strict.get("other").join()).isNull();
    }

    @Test
    void afterARefusedReplayCallsMissWithoutAskingTheBackendForAMoment() {
        GuardedStore store = guard(true);
        store.set("k", bytes(1), Store.FOREVER).join();
        backend.error = () -> new CacheBackendException.Refused("too much in flight");
        backend.failures.set(2);
        assertThat(store.delete("k").join()).isFalse();
        assertThat(store.get("k").join()).as("the replay was refused").isNull();
        int calls = backend.calls.get();
        for (int i = 0; i < 100; i++) {
            assertThat(store.get("k").join()).isNull();
            store.set("other", bytes(1), Store.FOREVER).join();
        }
        assertThat(backend.calls.get() - calls).as("only the writes reached the backend").isEqualTo(100);
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);

        ticker.advance(Duration.ofMillis(10));
        assertThat(store.get("k").join()).isNull();
        assertThat(store.pendingInvalidations()).isZero();
        assertThat(backend.delegate.get("k").join()).as("replayed once the pause is over").isNull();
    }

    @Test
    void aFailedTagInvalidationIsReplayed() {
        GuardedStore store = guard(true);
        String before = store.tagVersions(List.of("t"), Store.FOREVER).join().get("t");
        backend.failures.set(1);
        assertThat(store.invalidateTags(List.of("t")).join()).isZero();
        assertThat(backend.delegate.tagVersions(List.of("t"), Store.FOREVER).join()).containsEntry("t", before);

        assertThat(store.tagVersions(List.of("t"), Store.FOREVER).join().get("t")).isNotEqualTo(before);
    }

    @Test
    void aStoreWithoutTrafficReplaysInTheBackground() {
        GuardedStore store = guard(true);
        store.set("k", bytes(1), Store.FOREVER).join();
        backend.failures.set(1);
        store.delete("k").join();
        // One probe interval of real time: the scheduler is the JDK's, not the injected ticker.
        await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingInvalidations() == 0);
        assertThat(backend.delegate.get("k").join()).isNull();
    }

    @Test
    void aKeyThatFailsAgainDuringTheReplayIsReplayedAgain() {
        GuardedStore store = guard(true);
        CompletableFuture<Object> inFlight = new CompletableFuture<>();
        backend.nextReply.set(inFlight);
        CompletableFuture<Boolean> slowWrite = store.set("a", bytes(2), Store.FOREVER);
        backend.failures.set(1);
        store.delete("a").join();

        CompletableFuture<Object> replaying = new CompletableFuture<>();
        backend.nextReply.set(replaying);
        CompletableFuture<byte[]> read = store.get("x");
        // The slow write lands after the replay's delete went out, and then reports a timeout.
        backend.delegate.set("a", bytes(2), Store.FOREVER).join();
        inFlight.completeExceptionally(new CacheBackendException.Timeout("slow", null));
        assertThat(slowWrite.join()).isFalse();
        replaying.complete(1L);

        assertThat(read.join()).isNull();
        assertThat(backend.delegate.get("a").join()).as("replayed again after its second failure").isNull();
        assertThat(store.pendingInvalidations()).isZero();
    }

    @Test
    void aReadDuringAReplayGoesOutWithItSoThatBothShareOneDeadline() {
        GuardedStore store = guard(true);
        backend.delegate.set("other", bytes(2), Store.FOREVER).join();
        backend.failures.set(1);
        store.delete("k").join();

        CompletableFuture<Object> replaying = new CompletableFuture<>();
        backend.nextReply.set(replaying);
        int calls = backend.calls.get();
        CompletableFuture<byte[]> read = store.get("other");
        assertThat(backend.calls.get() - calls).as("the replay's delete and the read, both sent").isEqualTo(2);
        assertThat(read).as("not answered before the replay is").isNotDone();
        replaying.complete(1L);
        assertThat(read.join()).containsExactly(bytes(2));
        assertThat(store.pendingInvalidations()).isZero();
    }

    @Test
    void pastTheLimitFailedInvalidationsAreCountedAsDropped() {
        GuardedStore store = guard(ResilienceOptions.builder().maxPendingInvalidations(2));
        backend.failures.set(1);
        store.deleteMany(List.of("a", "b", "c")).join();
        assertThat(store.pendingInvalidations()).isEqualTo(2);
        assertThat(store.droppedInvalidations()).isOne();
        assertThatThrownBy(() -> ResilienceOptions.builder().maxPendingInvalidations(-1).build())
                .hasMessageContaining("maxPendingInvalidations must not be negative");
    }

    @Test
    void aStoreIsGuardedOnce() {
        GuardedStore store = guard(true);
        assertThatThrownBy(() -> GuardedStore.wrap(store, ResilienceOptions.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already guarded");
    }
}
