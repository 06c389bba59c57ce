package dev.cachet;

/**
 * The backend of a cache (Redis, Memcached, ...) failed: it could not be reached, it did not answer in
 * time, or the circuit breaker is refusing calls to it. In fail-soft mode (the default) these never reach
 * the caller: reads become misses and writes return {@code false}. In strict mode they are thrown.
 */
public class CacheBackendException extends CacheException {
    private static final long serialVersionUID = 1L;

    /** An exception saying which backend failed and why. */
    public CacheBackendException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the call was given up because its deadline passed; a timed-out call is never retried. */
    public boolean isTimeout() {
        return false;
    }

    /** A backend call that did not complete within its deadline. */
    public static class Timeout extends CacheBackendException {
        private static final long serialVersionUID = 1L;

        /** A timeout on the named backend. */
        public Timeout(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean isTimeout() {
            return true;
        }
    }

    /**
     * The store refused the call to protect itself (too much already in flight). The call fails like any
     * backend failure, but it says nothing about the backend's health, so it does not count against the
     * circuit breaker.
     */
    public static class Refused extends CacheBackendException {
        private static final long serialVersionUID = 1L;

        /** A refusal, saying why. */
        public Refused(String message) {
            super(message, null);
        }
    }

    /** The circuit breaker is open: the backend is not called until the next probe is due. */
    public static class CircuitOpen extends CacheBackendException {
        private static final long serialVersionUID = 1L;

        /** The breaker of the named backend is open. */
        public CircuitOpen(String backend) {
            super("circuit breaker open for " + backend + "; the backend is not called until the next probe", null);
        }
    }
}
