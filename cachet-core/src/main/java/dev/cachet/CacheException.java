package dev.cachet;

/** Base of the exceptions Cachet raises itself; caller mistakes are reported with the JDK's exceptions. */
public class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message and an optional cause. */
    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
