package dev.cachet.bench;

/**
 * Cachet and the raw library it is built on, for one operation.
 *
 * @param cachet Cachet's result
 * @param raw the raw library's result
 */
record Comparison(Result cachet, Result raw) {
    /** Cachet's throughput over the raw library's: 1.0 means Cachet costs nothing measurable. */
    double ratio() {
        return cachet.median().throughput() / raw.median().throughput();
    }
}
