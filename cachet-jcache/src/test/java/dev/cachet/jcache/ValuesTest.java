package dev.cachet.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.Beagle;
import domain.Identifier;
import domain.Sex;
import java.io.Serializable;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValuesTest {
    private final Values values = new Values(List.of("domain."));

    @Test
    void keysAndValuesComeBackAsTheirOwnClass() {
        for (Object value : List.of(1, 1L, "one", new Date(1_000), new Identifier("Juno"),
                new Beagle().name(new Identifier("Pistachio")).color("tricolor").sex(Sex.MALE).weight(7))) {
            assertThat(values.decode(values.encode(value))).isEqualTo(value).hasSameClassAs(value);
            assertThat(values.keyOf(values.key(value))).isEqualTo(value).hasSameClassAs(value);
        }
    }

    @Test
    void keysOfOtherClassesAreOtherKeysAndMapsAreInKeyOrder() {
        assertThat(values.key(1)).isNotEqualTo(values.key(1L));
        Map<String, Integer> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", 2);
        Map<String, Integer> ba = new LinkedHashMap<>();
        ba.put("b", 2);
        ba.put("a", 1);
        assertThat(values.key(ab)).isEqualTo(values.key(ba));
    }

    @Test
    void aClassOffTheAllowListIsNeitherStoredNorReadBack() {
        Values strict = new Values(List.of());
        assertThatThrownBy(() -> strict.encode(new Identifier("Juno"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("domain.Identifier");
        assertThatThrownBy(() -> strict.key(new Identifier[] {new Identifier("Juno")})).isInstanceOf(IllegalArgumentException.class);
        assertThat(strict.key(new int[] {1})).isNotNull();
        byte[] stored = values.encode(new Identifier("Juno"));
        assertThat(strict.decode(stored)).isNull();
        assertThat(strict.keyOf(values.key(new Identifier("Juno")))).isNull();
    }

    @Test
    void bytesThisProviderDidNotWriteAreAbsent() {
        assertThat(values.decode("42".getBytes())).isNull();
        assertThat(values.decode(new byte[] {(byte) 0xC8, '{'})).isNull();
    }

    @Test
    void aBlankAllowedPrefixIsRefused() {
        assertThatThrownBy(() -> new Values(List.of(" "))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed type prefix");
    }

    @Test
    void arraysComeBackWhenTheirElementsMay() {
        Object[] state = {7L, "Lamp", new java.math.BigDecimal("12.50"), true, null, new Identifier("Juno")};
        assertThat((Object[]) values.decode(values.encode(state))).containsExactly(state);
        Values ours = new Values(List.of("dev.cachet.jcache."));
        Serializable[] serializable = {7L, "Lamp"};
        assertThat(ours.decode(ours.encode(new Holder(serializable)))).isEqualTo(new Holder(serializable));
        Values strict = new Values(List.of());
        assertThat(strict.decode(values.encode(new Identifier[] {new Identifier("Juno")}))).as("an array of a class not allowed").isNull();
    }

    /** A field whose declared type is an array of an interface, as Hibernate's cache entries have. */
    record Holder(Serializable[] state) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Holder holder && java.util.Arrays.equals(holder.state, state);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(state);
        }
    }

    @Test
    void aSerializableClassWithoutAUsableConstructorIsRebuiltFromItsFields() {
        Values ours = new Values(List.of("dev.cachet.jcache."));
        Lock lock = new Lock(30_000, UUID.randomUUID(), 7, new Version(3));
        lock.unlocked(12_345);
        Object read = ours.decode(ours.encode(lock));
        assertThat(read).isEqualTo(lock).hasSameClassAs(lock);
        assertThat(((Lock) read).unlockedAt).isEqualTo(12_345);
        assertThat(ours.keyOf(ours.key(lock))).isEqualTo(lock);
    }

    @Test
    void finalFieldsOfAClassWithANoArgumentConstructorAreReadBack() {
        Values ours = new Values(List.of("dev.cachet.jcache."));
        Version version = new Version(9);
        assertThat(ours.decode(ours.encode(version))).isEqualTo(version);
    }

    /** Like Hibernate's soft lock: two parameters of one type, so no constructor can be matched to the fields. */
    static final class Lock implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long timeout;
        private final UUID owner;
        private final long id;
        private final Object version;
        private long unlockedAt;

        Lock(long timeout, UUID owner, long id, Object version) {
            this.timeout = timeout;
            this.owner = Objects.requireNonNull(owner);
            this.id = id;
            this.version = version;
        }

        void unlocked(long at) {
            unlockedAt = at;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Lock lock && lock.timeout == timeout && lock.owner.equals(owner) && lock.id == id
                    && Objects.equals(lock.version, version) && lock.unlockedAt == unlockedAt;
        }

        @Override
        public int hashCode() {
            return Objects.hash(owner, id);
        }
    }

    /** A final field set by a constructor that also has a no-argument form. */
    static final class Version {
        private final int number;

        Version() {
            this(0);
        }

        Version(int number) {
            this.number = number;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Version version && version.number == number;
        }

        @Override
        public int hashCode() {
            return number;
        }
    }
}
