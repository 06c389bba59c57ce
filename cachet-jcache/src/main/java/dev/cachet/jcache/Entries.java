package dev.cachet.jcache;

import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.processor.MutableEntry;

/** The entries a JCache cache hands out: in iteration, to writers, and to entry processors. */
final class Entries {
    private Entries() {
    }

    /** A key and its value. */
    record Simple<K, V>(K getKey, V getValue) implements Cache.Entry<K, V> {
        @Override
        public <T> T unwrap(Class<T> type) {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new IllegalArgumentException("a cache entry cannot be unwrapped to " + type.getName());
        }
    }

    /** What an entry processor did to its entry. */
    enum Change { NONE, LOADED, CREATED, UPDATED, REMOVED }

    /**
     * The entry an {@link javax.cache.processor.EntryProcessor} works on: changes stay here until the processor
     * returns, and then are applied as one. A read of an absent entry loads it when the cache reads through.
     */
    static final class Processed<K, V> implements MutableEntry<K, V> {
        private final K key;
        private final V original;
        private final Function<K, V> loader;
        private V value;
        private Change change = Change.NONE;
        private boolean read;

        /** @param loader loads an absent value on a read, or null when the cache does not read through */
        Processed(K key, V original, Function<K, V> loader) {
            this.key = key;
            this.original = original;
            this.value = original;
            this.loader = loader;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            if (change == Change.NONE) {
                read = true;
                if (value == null && loader != null) {
                    value = loader.apply(key);
                    if (value != null) {
                        change = Change.LOADED;
                    }
                }
            }
            return value;
        }

        @Override
        public boolean exists() {
            return value != null;
        }

        @Override
        public void remove() {
            value = null;
            // A value this processor created goes as if it never was; any other removal reaches the writer,
            // whether or not the entry existed.
            change = change == Change.CREATED ? Change.NONE : Change.REMOVED;
        }

        @Override
        public void setValue(V newValue) {
            if (newValue == null) {
                throw new NullPointerException("an entry processor set a null value for key " + key);
            }
            value = newValue;
            change = original != null ? Change.UPDATED : Change.CREATED;
        }

        /** Whether the processor read the value as it was. */
        boolean read() {
            return read;
        }

        Change change() {
            return change;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new IllegalArgumentException("a mutable entry cannot be unwrapped to " + type.getName());
        }
    }
}
