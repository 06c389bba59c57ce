package dev.cachet;

/**
 * A value whose serialized form is over {@link CacheOptions#maxValueBytes()}: {@code set} and friends refuse
 * it; {@code getOrCompute} returns the loaded value without storing it.
 */
public class ValueTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** {@code message} names the key and the sizes. */
    public ValueTooLargeException(String message) {
        super(message);
    }
}
