package dev.cachet.catalog;

/** A write that the current data does not allow (a category that still has products): answered with 409. */
public final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The write cannot be done, as {@code message} says. */
    public Conflict(String message) {
        super(message);
    }
}
