package dev.cachet;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Makes and checks stored keys: the one place where a caller's key becomes a backend key. */
final class Keys {
    static final KeyFunction STANDARD = (prefix, version, key) -> prefix + ':' + version + ':' + key;
    private static final int SHOWN_CHARS = 80;

    private final String prefix;
    private final String clearPrefix;
    private final KeyFunction function;
    private final int maxBytes;

    Keys(CacheOptions options) {
        this.prefix = options.keyPrefix();
        this.clearPrefix = options.keyPrefix() + ':';
        this.function = options.keyFunction();
        this.maxBytes = options.maxKeyBytes();
    }

    /** What every stored key of the cache starts with; {@code clear()} deletes everything under it. */
    String clearPrefix() {
        return clearPrefix;
    }

    /** The key maker of one version. */
    AtVersion at(int version) {
        return new AtVersion(version, function == STANDARD ? clearPrefix + version + ':' : null);
    }

    /** Makes the stored keys of one version; with the standard function, by one concatenation. */
    final class AtVersion {
        private final int version;
        private final String standardPrefix;

        private AtVersion(int version, String standardPrefix) {
            this.version = version;
            this.standardPrefix = standardPrefix;
        }

        /**
         * What every stored key of this version starts with.
         *
         * @throws IllegalStateException with a custom key function, whose keys have no known layout
         */
        String versionPrefix() {
            if (standardPrefix == null) {
                throw new IllegalStateException("pattern deletes and version purges need the standard key function"
                        + " ({prefix}:{version}:{key}); this cache has a custom one");
            }
            return standardPrefix;
        }

        /**
         * The stored key of {@code key}.
         *
         * @throws IllegalArgumentException if the key is empty, holds a control character, or is too long
         */
        String make(String key) {
            Objects.requireNonNull(key, "key");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("cache key must not be empty");
            }
            checkCharacters(key);
            String stored;
            if (standardPrefix != null) {
                stored = standardPrefix.concat(key);
            } else {
                stored = function.makeKey(prefix, version, key);
                if (stored == null || !stored.startsWith(clearPrefix)) {
                    throw new IllegalStateException("the key function made '" + show(String.valueOf(stored)) + "' of key '"
                            + show(key) + "', which does not start with '" + clearPrefix + "'");
                }
            }
            // Three bytes per char bounds UTF-8 for every char of a String, so short keys skip the count.
            if (stored.length() * 3L > maxBytes) {
                int bytes = stored.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > maxBytes) {
                    throw new IllegalArgumentException("cache key '" + show(key) + "' is " + bytes
                            + " bytes as stored; the maximum is " + maxBytes + " (maxKeyBytes)");
                }
            }
            return stored;
        }
    }

    static void checkNoControlCharacters(String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F && c <= 0x9F) {
                throw new IllegalArgumentException(String.format(
                        "%s '%s' contains the control character U+%04X at index %d", what, show(text), (int) c, i));
            }
        }
    }

    /**
     * One pass over a key: no control characters, and no lone surrogate, which has no UTF-8 form (Redis
     * would get '?' for it, and two keys would become one).
     */
    private static void checkCharacters(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                continue;
            }
            if (c <= 0x9F) {
                // Throws, naming the first control character.
                checkNoControlCharacters("cache key", key);
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(
                        "cache key '%s' contains the unpaired surrogate U+%04X at index %d", show(key), (int) c, i));
            }
        }
    }

    /** The key as it can be shown in a message: control characters escaped, long keys cut. */
    static String show(String key) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < key.length() && i < SHOWN_CHARS; i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c >= 0x7F && c <= 0x9F) {
                shown.append(String.format("\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        if (key.length() > SHOWN_CHARS) {
            shown.append("...(").append(key.length()).append(" chars)");
        }
        return shown.toString();
    }
}
