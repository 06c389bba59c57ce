package dev.cachet;

import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.type.TypeFactory;

/**
 * Turns values into bytes and back, with the type the caller asks for.
 *
 * <p>A codec never sees integers (stored as plain decimal so that {@code INCR} works and other clients can
 * read them) nor {@code byte[]} values (stored as they are); Cachet frames what the codec produces with a
 * one-byte header naming the codec's {@link #format()} and the compression, so formats can evolve. A value
 * whose bytes a codec cannot decode is a cache miss, not an error. Implementations must be thread-safe and
 * must never instantiate a class the data names unless that class is explicitly allowed.
 */
public interface Codec {
    /**
     * JDK classes a cached value commonly holds, for the allow-list of {@link #typedJson}: collections, boxed
     * numbers, dates, decimals. Named one by one: a package as wide as {@code java.util} holds classes that act
     * when built (a {@code Timer} starts a thread), which data in a shared Redis must never be able to make.
     */
    List<String> JDK_VALUE_TYPES = List.of(
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.ImmutableCollections$", "java.util.Collections$", "java.util.Arrays$ArrayList",
            "java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency",
            "java.time.", "java.math.BigDecimal", "java.math.BigInteger",
            "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Float", "java.lang.Character");

    /** The format number written in each value's header: 1 to 7; 1 is the built-in JSON codec. */
    int format();

    /** Encodes a non-null value. */
    byte[] encode(Object value);

    /**
     * Decodes {@code length} bytes at {@code offset} as {@code type}.
     *
     * @throws RuntimeException of any kind when the bytes are not a valid {@code type}
     */
    <T> T decode(byte[] bytes, int offset, int length, TypeRef<T> type);

    /**
     * JSON through Jackson, the default. Polymorphic type information ({@code @JsonTypeInfo} with class
     * names) is refused for every class, and the named class is not even loaded.
     */
    static Codec json() {
        return JsonCodec.DEFAULT;
    }

    /**
     * JSON through Jackson, allowing polymorphic values only for classes whose fully qualified name starts
     * with one of {@code allowedPrefixes} (for example {@code "com.acme.catalog."}).
     */
    static Codec json(List<String> allowedPrefixes) {
        return new JsonCodec(JsonCodec.mapperAllowing(allowedPrefixes));
    }

    /**
     * JSON that names the class of every non-final value and record it holds (Jackson default typing), for
     * callers that read values without saying their type, such as Spring's cache abstraction. A class named
     * in the data is loaded only if {@code allowedPrefixes} admits it: an entry ending in '.' or '$' admits the
     * names that start with it, any other entry that one class.
     */
    static Codec typedJson(List<String> allowedPrefixes) {
        return new JsonCodec(JsonCodec.typedMapperAllowing(allowedPrefixes));
    }

    /**
     * The validator behind {@link #json(List)} and {@link #typedJson(List)}, for a mapper of one's own: a class
     * named in the data is allowed only if {@code allowedPrefixes} admits it (an entry ending in '.' or '$' the
     * names that start with it, any other entry that one class), and a type id naming several classes only if
     * it admits every one, decided on the names alone, before any class is loaded.
     *
     * @throws IllegalArgumentException if a prefix is blank
     */
    static PolymorphicTypeValidator allowing(List<String> allowedPrefixes) {
        return JsonCodec.allowList(allowedPrefixes);
    }

    /**
     * The type factory for a mapper of one's own that reads with {@link #allowing}'s validator: it refuses to
     * resolve any class name the validator does not admit. Jackson shows the validator only the raw class of a
     * type id with generic parameters and loads the classes they name before asking again; with this factory
     * none of them is loaded unless it is allowed.
     *
     * @throws IllegalArgumentException if {@code validator} did not come from {@link #allowing}
     */
    static TypeFactory typesAllowedBy(PolymorphicTypeValidator validator) {
        return JsonCodec.typesAllowedBy(validator);
    }

    /**
     * JSON through the given mapper, as configured; the caller is responsible for its polymorphic type
     * validator ({@link #allowing}).
     */
    static Codec json(JsonMapper mapper) {
        return new JsonCodec(mapper);
    }
}
