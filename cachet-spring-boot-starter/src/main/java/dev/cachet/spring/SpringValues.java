package dev.cachet.spring;

/**
 * How values of Spring's cache abstraction are stored. Spring asks for a cached value without saying its
 * type, so the JSON carries class names ({@link dev.cachet.Codec#typedJson}) and every value sits in a
 * {@link Holder}, whose field is declared {@code Object}, so the outermost value carries its class too.
 * Only classes on the allow-list are ever loaded from a class name in the data.
 */
final class SpringValues {
    private SpringValues() {
    }

    /**
     * A stored value of the cache abstraction.
     *
     * @param value the value, or null for a cached null
     */
    record Holder(Object value) {}
}
