package dev.cachet.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.Beagle;
import domain.Identifier;
import domain.Sex;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
}
