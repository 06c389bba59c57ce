package dev.cachet.bench;

/** What a measured phase calls, once per iteration, on a random key. */
enum Operation {
    /** A read of a key that was written before the phase: every call should be a hit. */
    GET_HIT("get-hit") {
        @Override
        boolean apply(Contender contender, int key, byte[] value) {
            return contender.get(key);
        }
    },
    /** A write that replaces a key's value. */
    SET("set") {
        @Override
        boolean apply(Contender contender, int key, byte[] value) {
            return contender.set(key, value);
        }
    };

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    /** Calls the contender; true when the call did what it should (a hit, a stored value). */
    abstract boolean apply(Contender contender, int key, byte[] value);

    String label() {
        return label;
    }
}
