package dev.cachet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueFormatTest {
    /** A polymorphic base type, as a caller might annotate one. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    interface Shape {}

    /** An allowed implementation. */
    record Circle(double radius) implements Shape {}

    static volatile boolean trapInitialized;

    /** A class that records being loaded and initialized: it must never be, when foreign data names it. */
    static final class Trap implements Shape {
        static {
            trapInitialized = true;
        }
    }

    static volatile boolean genericTrapInitialized;

    /** Named only as a generic parameter of an allowed class. */
    static final class GenericTrap {
        static {
            genericTrapInitialized = true;
        }
    }

    static volatile boolean lookalikeInitialized;

    /** A class whose name starts with an allowed class's name. */
    static final class CircleLookalike implements Shape {
        static {
            lookalikeInitialized = true;
        }
    }

    private final ValueFormat json = new ValueFormat(Codec.json(), 64, 1_000);

    private static byte[] framed(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        byte[] stored = new byte[payload.length + 1];
        stored[0] = (byte) 0xC8;
        System.arraycopy(payload, 0, stored, 1, payload.length);
        return stored;
    }

    @Test
    void aPolymorphicClassNameIsRefusedWithoutLoadingTheClass() {
        byte[] foreign = framed("{\"@class\":\"" + Trap.class.getName() + "\"}");
        assertThatThrownBy(() -> json.decode(foreign, TypeRef.of(Shape.class))).isInstanceOf(ValueFormat.Undecodable.class);
        assertThat(trapInitialized).isFalse();
    }

    @Test
    void aTypeIdIsAllowedOnlyWhenEveryClassItNamesIsAndNoneIsLoadedOtherwise() {
        ValueFormat typed = new ValueFormat(Codec.typedJson(Codec.JDK_VALUE_TYPES), 64, 1_000);
        byte[] generic = framed("[\"java.util.ArrayList<" + GenericTrap.class.getName() + ">\",[]]");
        assertThatThrownBy(() -> typed.decode(generic, TypeRef.of(Object.class))).isInstanceOf(ValueFormat.Undecodable.class);
        assertThat(genericTrapInitialized).isFalse();
        assertThat(typed.decode(framed("[\"java.util.ArrayList<java.lang.Long>\",[]]"), TypeRef.of(Object.class))).isEqualTo(List.of());
    }

    @Test
    void anEntryThatIsAClassAdmitsThatClassAloneNotNamesThatStartWithIt() {
        ValueFormat allowing = new ValueFormat(Codec.json(List.of(Circle.class.getName())), 64, 1_000);
        byte[] lookalike = framed("{\"@class\":\"" + CircleLookalike.class.getName() + "\"}");
        assertThatThrownBy(() -> allowing.decode(lookalike, TypeRef.of(Shape.class))).isInstanceOf(ValueFormat.Undecodable.class);
        assertThat(lookalikeInitialized).isFalse();
        ValueFormat nested = new ValueFormat(Codec.json(List.of(ValueFormatTest.class.getName() + "$")), 64, 1_000);
        assertThat(nested.decode(nested.encode("k", new Circle(1)), TypeRef.of(Shape.class))).as("an entry ending in '$'")
                .isEqualTo(new Circle(1));
    }

    @Test
    void anUncompressedValueOverTheMaximumIsNotParsed() {
        ValueFormat small = new ValueFormat(Codec.json(), 1_000_000, 100);
        byte[] foreign = framed("\"" + "x".repeat(200) + "\"");
        assertThatThrownBy(() -> small.decode(foreign, TypeRef.of(String.class)))
                .isInstanceOf(ValueFormat.Undecodable.class).hasMessageContaining("over the maximum");
        assertThat(small.decode(framed("\"short\""), TypeRef.of(String.class))).isEqualTo("short");
    }

    @Test
    void anAllowListedPolymorphicTypeRoundTrips() {
        ValueFormat allowing = new ValueFormat(Codec.json(List.of(Circle.class.getName())), 64, 1_000);
        byte[] stored = allowing.encode("k", new Circle(2));
        assertThat(allowing.decode(stored, TypeRef.of(Shape.class))).isEqualTo(new Circle(2));
        assertThatThrownBy(() -> json.decode(stored, TypeRef.of(Shape.class))).isInstanceOf(ValueFormat.Undecodable.class);
    }

    @Test
    void everyStoredValueButIntegersCarriesAHeader() {
        assertThat(json.encode("k", "text")[0] & 0xFF).isEqualTo(0xC8);
        assertThat(json.encode("k", new byte[] {1, 2})[0] & 0xFF).isEqualTo(0xC0);
        assertThat(json.encode("k", -12L)).isEqualTo("-12".getBytes(StandardCharsets.US_ASCII));
        assertThat(json.encode("k", "x".repeat(500))[0] & 0xFF).isEqualTo(0xC9);
    }

    @Test
    void aCompressedValueClaimingMoreThanTheMaximumIsRefusedBeforeInflating() {
        byte[] bomb = {(byte) 0xC9, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0};
        assertThatThrownBy(() -> json.decode(bomb, TypeRef.of(String.class)))
                .isInstanceOf(ValueFormat.Undecodable.class).hasMessageContaining("over the maximum");
        byte[] corrupt = {(byte) 0xC9, 0, 0, 0, 10, 1, 2, 3};
        assertThatThrownBy(() -> json.decode(corrupt, TypeRef.of(String.class))).isInstanceOf(ValueFormat.Undecodable.class);
    }

    @Test
    void unknownFormatsAndEmptyValuesAreUndecodable() {
        assertThatThrownBy(() -> json.decode(new byte[0], TypeRef.of(String.class))).isInstanceOf(ValueFormat.Undecodable.class);
        assertThatThrownBy(() -> json.decode(new byte[] {(byte) 0xF8, '1'}, TypeRef.of(String.class)))
                .isInstanceOf(ValueFormat.Undecodable.class).hasMessageContaining("format 7");
        assertThatThrownBy(() -> json.decode(new byte[] {(byte) 0xC0, 1}, TypeRef.of(String.class)))
                .isInstanceOf(ValueFormat.Undecodable.class).hasMessageContaining("raw bytes");
    }
}
