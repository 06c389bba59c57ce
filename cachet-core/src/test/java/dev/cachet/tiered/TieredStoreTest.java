package dev.cachet.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.FakeTicker;
import dev.cachet.ScriptedStore;
import dev.cachet.local.LocalStore;
import dev.cachet.local.LocalStoreOptions;
import dev.cachet.store.Envelope;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The tiered store's rules with an invalidation source driven by the test; coherence across real
 * instances on Redis is tested by the Redis module.
 */
class TieredStoreTest {
    /** A source the test makes live or not, and through which it delivers invalidations. */
    static final class ManualSource implements InvalidationSource {
        volatile boolean live = true;
        /** The keys whose changes are reported while not {@link #live}: a source that lost some of its servers. */
        volatile Predicate<String> liveKeys = key -> false;
        Listener listener;

        @Override
        public void start(Listener listener) {
            this.listener = listener;
        }

        @Override
        public boolean isLive() {
            return live;
        }

        @Override
        public boolean isLive(String key) {
            return live || liveKeys.test(key);
        }

        @Override
        public void close() {
        }
    }

    private final Store first = LocalStore.create();
    private final ScriptedStore second = new ScriptedStore();
    private final ManualSource source = new ManualSource();
    private final TieredStore tiered = TieredStore.create(first, second, source, TieredOptions.DEFAULTS);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSecondTierHitIsCopiedUpForAtMostItsRemainingTtl() {
        second.delegate.set("k", bytes("v"), 5_000).join();
        assertThat(tiered.get("k").join()).isEqualTo(bytes("v"));
        StoredEntry copied = first.getEntry("k").join();
        assertThat(copied.ttlMillis()).isBetween(1L, 5_000L);
        second.delegate.delete("k").join();
        assertThat(tiered.get("k").join()).as("served by the first tier").isEqualTo(bytes("v"));
    }

    @Test
    void concurrentMissesOfAKeyShareOneSecondTierRead() {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        CompletableFuture<byte[]> firstRead = tiered.get("k");
        CompletableFuture<byte[]> secondRead = tiered.get("k");
        CompletableFuture<byte[]> otherKey = tiered.get("other");
        reply.complete(new StoredEntry(bytes("v"), 60_000));
        assertThat(firstRead.join()).isEqualTo(bytes("v"));
        assertThat(secondRead.join()).isEqualTo(bytes("v"));
        assertThat(otherKey.join()).isNull();
        assertThat(second.calls).as("one read of k, one of the other key").hasValue(2);
    }

    @Test
    void aMissAfterAnInvalidationDoesNotShareTheReadThatBeganBefore() {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        CompletableFuture<byte[]> before = tiered.get("k");
        source.listener.invalidate(List.of("k"));
        second.delegate.set("k", bytes("new"), Store.FOREVER).join();
        CompletableFuture<byte[]> after = tiered.get("k");
        reply.complete(new StoredEntry(bytes("old"), 60_000));
        assertThat(before.join()).isEqualTo(bytes("old"));
        assertThat(after.join()).isEqualTo(bytes("new"));
    }

    @Test
    void aMissAfterAWriteHereDoesNotShareTheReadThatBeganBefore() {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        CompletableFuture<byte[]> before = tiered.get("k");
        tiered.set("k", bytes("written"), Store.FOREVER).join();
        CompletableFuture<byte[]> after = tiered.get("k");
        reply.complete(new StoredEntry(bytes("old"), 60_000));
        assertThat(before.join()).isEqualTo(bytes("old"));
        assertThat(after.join()).as("read your own write").isEqualTo(bytes("written"));
        assertThat(tiered.get("k").join()).as("the old read did not stick in the first tier").isEqualTo(bytes("written"));
    }

    @Test
    void aFillThatRacedAnInvalidationDoesNotStick() {
        second.delegate.set("k", bytes("old"), Store.FOREVER).join();
        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        CompletableFuture<byte[]> read = tiered.get("k");
        source.listener.invalidate(List.of("k"));
        reply.complete(new StoredEntry(bytes("old"), 60_000));
        assertThat(read.join()).isEqualTo(bytes("old"));
        assertThat(first.contains("k").join()).isFalse();
    }

    @Test
    void invalidationsAndWritesOfOtherKeysLetTheFillStick() {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        CompletableFuture<byte[]> read = tiered.get("k");
        for (int i = 0; i < 10_000; i++) {
            source.listener.invalidate(List.of("other-" + i));
        }
        for (int i = 0; i < 1_000; i++) {
            tiered.set("written-" + i, bytes("w"), Store.FOREVER).join();
        }
        reply.complete(new StoredEntry(bytes("v"), 60_000));
        read.join();
        assertThat(first.contains("k").join()).as("only the key's own invalidations void its fill").isTrue();
    }

    @Test
    void aFillThatAnotherSupersededDoesNotStickOnceTheKeyIsInvalidated() {
        CompletableFuture<Object> earlier = new CompletableFuture<>();
        second.nextReply.set(earlier);
        CompletableFuture<byte[]> before = tiered.get("k");
        // A tag invalidation makes the next miss read again rather than share the read under way.
        source.listener.invalidateTags(List.of("t"));
        CompletableFuture<Object> later = new CompletableFuture<>();
        second.nextReply.set(later);
        CompletableFuture<byte[]> after = tiered.get("k");
        source.listener.invalidate(List.of("k"));
        later.complete(new StoredEntry(bytes("old"), 60_000));
        earlier.complete(new StoredEntry(bytes("old"), 60_000));
        assertThat(before.join()).isEqualTo(bytes("old"));
        assertThat(after.join()).isEqualTo(bytes("old"));
        assertThat(second.calls).as("two reads of k").hasValue(2);
        assertThat(first.contains("k").join()).as("neither read keeps the value the invalidation voided").isFalse();
    }

    /** A tiered store with a first tier on {@code ticker} and a first-tier TTL of 10 s. */
    private TieredStore onTicker(FakeTicker ticker) {
        Store timed = LocalStore.create(LocalStoreOptions.builder().ticker(ticker).build());
        return TieredStore.create(timed, second, source, new TieredOptions(Duration.ofSeconds(10)));
    }

    @Test
    void aCopyHitInTheLastFifthOfItsLifeIsReadAgainOnceAndAnsweredMeanwhile() {
        FakeTicker ticker = new FakeTicker();
        TieredStore timed = onTicker(ticker);
        second.delegate.set("k", bytes("v1"), 60_000).join();
        assertThat(timed.get("k").join()).isEqualTo(bytes("v1"));
        second.delegate.set("k", bytes("v2"), 60_000).join();
        int reads = second.calls.get();

        ticker.advance(Duration.ofMillis(7_900));
        assertThat(timed.held("k").bytes()).isEqualTo(bytes("v1"));
        assertThat(second.calls).as("no read before the last fifth").hasValue(reads);

        ticker.advance(Duration.ofMillis(200));
        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        assertThat(timed.held("k").bytes()).as("answered from the copy").isEqualTo(bytes("v1"));
        assertThat(timed.held("k").bytes()).isEqualTo(bytes("v1"));
        assertThat(second.calls).as("one read, however many hits").hasValue(reads + 1);
        reply.complete(new StoredEntry(bytes("v2"), 60_000));
        assertThat(timed.held("k").bytes()).as("the copy read again").isEqualTo(bytes("v2"));
        assertThat(timed.firstTierHits()).isEqualTo(4);

        ticker.advance(Duration.ofMillis(7_900));
        timed.held("k");
        assertThat(second.calls).as("a new copy's life starts again").hasValue(reads + 1);
    }

    @Test
    void aCopyThatTheSecondTiersTtlCutShortIsNotReadAgain() {
        FakeTicker ticker = new FakeTicker();
        TieredStore timed = onTicker(ticker);
        second.delegate.set("k", bytes("v"), 5_000).join();
        timed.get("k").join();
        int reads = second.calls.get();
        ticker.advance(Duration.ofMillis(4_900));
        assertThat(timed.held("k")).isNotNull();
        assertThat(second.calls).hasValue(reads);
        ticker.advance(Duration.ofMillis(200));
        assertThat(timed.held("k")).as("expired with the second tier's entry").isNull();
    }

    @Test
    void aCopyReadAgainDoesNotStickIfItsKeyIsInvalidatedMeanwhileAndGoesIfTheKeyIsGone() {
        FakeTicker ticker = new FakeTicker();
        TieredStore timed = onTicker(ticker);
        second.delegate.set("k", bytes("v1"), 60_000).join();
        second.delegate.set("gone", bytes("g"), 60_000).join();
        timed.get("k").join();
        timed.get("gone").join();
        ticker.advance(Duration.ofMillis(8_500));

        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        timed.held("k");
        source.listener.invalidate(List.of("k"));
        reply.complete(new StoredEntry(bytes("v1"), 60_000));
        assertThat(timed.held("k")).as("the invalidation wins over the read under way").isNull();

        second.delegate.delete("gone").join();
        assertThat(timed.held("gone").bytes()).isEqualTo(bytes("g"));
        assertThat(timed.held("gone")).as("deleted in the second tier, so taken out when read again").isNull();
    }

    @Test
    void writesDropTheKeyFromTheFirstTier() {
        second.delegate.set("k", bytes("v1"), Store.FOREVER).join();
        tiered.get("k").join();
        tiered.set("k", bytes("v2"), Store.FOREVER).join();
        assertThat(first.contains("k").join()).isFalse();
        assertThat(tiered.get("k").join()).isEqualTo(bytes("v2"));
    }

    @Test
    void whileTheSourceIsNotLiveTheFirstTierIsNeitherReadNorFilled() {
        second.delegate.set("k", bytes("v1"), Store.FOREVER).join();
        tiered.get("k").join();
        source.live = false;
        second.delegate.set("k", bytes("v2"), Store.FOREVER).join();
        assertThat(tiered.get("k").join()).isEqualTo(bytes("v2"));
        tiered.get("other").join();
        assertThat(first.contains("other").join()).isFalse();
        source.listener.flushAll();
        assertThat(first.contains("k").join()).isFalse();
    }

    @Test
    void aFlushEmptiesTheFirstTier() {
        for (String key : List.of("a", "b", "c")) {
            second.delegate.set(key, bytes(key), Store.FOREVER).join();
            tiered.get(key).join();
        }
        source.listener.flushAll();
        for (String key : List.of("a", "b", "c")) {
            assertThat(first.contains(key).join()).isFalse();
        }
    }

    @Test
    void aSourceThatLostSomeServersCostsOnlyTheirKeys() {
        for (String key : List.of("a", "b")) {
            second.delegate.set(key, bytes(key + "1"), Store.FOREVER).join();
            tiered.get(key).join();
        }
        source.live = false;
        source.liveKeys = "a"::equals;
        source.listener.flush("b"::equals);
        second.delegate.set("b", bytes("b2"), Store.FOREVER).join();
        int calls = second.calls.get();
        assertThat(tiered.get("a").join()).isEqualTo(bytes("a1"));
        assertThat(second.calls).as("a read from the first tier").hasValue(calls);
        assertThat(tiered.get("b").join()).isEqualTo(bytes("b2"));
        assertThat(first.contains("b").join()).as("b neither kept nor filled").isFalse();
    }

    @Test
    void onceATaggedValueIsHeldASourceThatLostSomeServersCostsTheWholeFirstTier() {
        second.delegate.set("a", bytes("a"), Store.FOREVER).join();
        second.delegate.set("k", tagged("v", "t"), Store.FOREVER).join();
        tiered.get("a").join();
        tiered.get("k").join();
        source.live = false;
        source.liveKeys = key -> true;
        source.listener.flush("x"::equals);
        assertThat(first.contains("a").join()).as("a tag's report may be the one missed").isFalse();
        assertThat(first.contains("k").join()).isFalse();
        tiered.get("a").join();
        assertThat(first.contains("a").join()).isFalse();
    }

    /** A value stamped with the second tier's current version of {@code tag}. */
    private byte[] tagged(String text, String tag) {
        Map<String, String> versions = second.delegate.tagVersions(List.of(tag), Store.FOREVER).join();
        return new Envelope(0, 0, versions, bytes(text)).toBytes();
    }

    @Test
    void aTaggedValueIsServedByTheFirstTierUntilItsTagIsInvalidatedAnywhere() {
        second.delegate.set("k", tagged("v", "t"), 60_000).join();
        byte[] read = tiered.get("k").join();
        assertThat(Envelope.parse(read).body()).isEqualTo(bytes("v"));
        int calls = second.calls.get();
        assertThat(Envelope.parse(tiered.get("k").join()).body()).isEqualTo(bytes("v"));
        assertThat(second.calls).as("a first-tier hit, stamps checked in the first tier").hasValue(calls);

        // Another instance invalidates the tag: the source reports it, and the first tier's copy is stale.
        second.delegate.invalidateTags(List.of("t")).join();
        source.listener.invalidateTags(List.of("t"));
        assertThat(first.get("k").join()).isNull();
        assertThat(tiered.get("k").join()).isNull();
    }

    @Test
    void aFillThatRacedATagInvalidationDoesNotStick() {
        second.delegate.set("k", tagged("old", "t"), Store.FOREVER).join();
        byte[] stored = second.delegate.get("k").join();
        CompletableFuture<Object> reply = new CompletableFuture<>();
        second.nextReply.set(reply);
        CompletableFuture<byte[]> read = tiered.get("k");
        source.listener.invalidateTags(List.of("t"));
        reply.complete(new StoredEntry(stored, 60_000));
        read.join();
        assertThat(first.contains("k").join()).isFalse();
    }

    @Test
    void invalidatingTagsHereTakesEffectInTheFirstTierAtOnce() {
        second.delegate.set("k", tagged("v", "t"), 60_000).join();
        tiered.get("k").join();
        assertThat(first.get("k").join()).isNotNull();
        assertThat(tiered.invalidateTags(List.of("t")).join()).isEqualTo(1);
        assertThat(first.get("k").join()).isNull();
        assertThat(tiered.get("k").join()).isNull();
    }

    @Test
    void readsAreCountedByTheTierThatAnsweredThem() {
        second.delegate.set("k", bytes("v"), 60_000).join();
        tiered.get("k").join();
        tiered.get("k").join();
        tiered.getMany(List.of("k", "absent")).join();
        assertThat(tiered.firstTierHits()).isEqualTo(2);
        assertThat(tiered.secondTierReads()).isEqualTo(2);
        source.live = false;
        tiered.get("k").join();
        assertThat(tiered.secondTierReads()).isEqualTo(3);
        assertThat(LocalStore.estimatedSize(first)).isEqualTo(1);
    }

    @Test
    void reportedInvalidationsAreCounted() {
        source.listener.invalidate(List.of("a", "b"));
        source.listener.invalidateTags(List.of("t"));
        source.listener.flushAll();
        assertThat(tiered.invalidationsReceived()).isEqualTo(4);
    }

    @Test
    void aTieredStoreClosesItsSecondTierUnlessItIsShared() {
        ScriptedStore shared = new ScriptedStore();
        ManualSource sharingSource = new ManualSource();
        TieredStore.createOverShared(LocalStore.create(), shared, sharingSource, TieredOptions.DEFAULTS).close();
        assertThat(shared.closed).as("a shared second tier, left to its owner").isFalse();

        tiered.close();
        assertThat(second.closed).as("a second tier of its own").isTrue();
    }
}
