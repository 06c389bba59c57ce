package dev.cachet.spring;

import java.util.List;

/**
 * How values of Spring's cache abstraction are stored. Spring asks for a cached value without saying its
 * type, so the JSON carries class names ({@link dev.cachet.Codec#typedJson}) and every value sits in a
 * {@link Holder}, whose field is declared {@code Object}, so the outermost value carries its class too.
 * Only classes on the allow-list are ever loaded from a class name in the data.
 */
final class SpringValues {
    /**
     * JDK types a cached value commonly holds: collections, boxed numbers, dates, decimals. Named one by one:
     * a package as wide as {@code java.util} holds classes that act when built (a {@code Timer} starts a
     * thread), which data in a shared Redis must never be able to make.
     */
    static final List<String> JDK_TYPES = List.of(
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.ImmutableCollections$", "java.util.Collections$", "java.util.Arrays$ArrayList",
            "java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency",
            "java.time.", "java.math.BigDecimal", "java.math.BigInteger",
            "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Float", "java.lang.Character");

    private SpringValues() {
    }

    /**
     * A stored value of the cache abstraction.
     *
     * @param value the value, or null for a cached null
     */
    record Holder(Object value) {}
}
