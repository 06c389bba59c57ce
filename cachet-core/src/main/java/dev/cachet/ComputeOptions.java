package dev.cachet;

import dev.cachet.store.Envelope;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * How one {@code getOrCompute} call keeps its value: TTL, stale windows, early refresh and tags. A window
 * or {@code earlyRefresh} left null is the cache's ({@link CacheOptions}).
 *
 * <p>A value stored with a stale window is kept for its TTL plus the longer window, and is <em>fresh</em>
 * for its TTL. Past that, within {@code staleWhileRevalidate}, one caller (one per key across all
 * instances, by lease) loads, stores and returns the new value while every other call returns the stale
 * value at once; within {@code staleIfError}, a call loads, and returns the stale value if the loader
 * fails. A plain {@link Cache#get} never returns a value that is no longer fresh.
 *
 * @param ttl how long the value is fresh; {@link Ttl#DEFAULT} for the cache's default
 * @param staleWhileRevalidate the stale-while-revalidate window, or null for the cache's
 * @param staleIfError the stale-if-error window, or null for the cache's
 * @param earlyRefresh the XFetch beta (see {@link CacheOptions#earlyRefresh()}), or null for the cache's
 * @param tags tags of the value: {@link Cache#invalidateTags} of any of them makes it a miss everywhere; their
 *     versions are read before the loader runs, so an invalidation while it runs makes the stored value a miss
 * @param valueTags more tags, worked out from the loaded value (the products on a page, say); invalidating any
 *     of them also makes the value a miss, but their versions are read once the loader has returned, so an
 *     invalidation of one of them while the loader runs is not seen: a write that changes what the value shows
 *     must also invalidate one of {@code tags} (the page's category) for the value to be safe against it; null
 *     for none
 */
public record ComputeOptions(Ttl ttl, Duration staleWhileRevalidate, Duration staleIfError, Double earlyRefresh, Set<String> tags,
        Function<Object, Collection<String>> valueTags) {
    /** The cache's default TTL and settings, no tags. */
    public static final ComputeOptions DEFAULTS = builder().build();

    /** Checks the fields. */
    public ComputeOptions {
        Objects.requireNonNull(ttl, "ttl");
        if (staleWhileRevalidate != null) {
            checkStale("staleWhileRevalidate", staleWhileRevalidate);
        }
        if (staleIfError != null) {
            checkStale("staleIfError", staleIfError);
        }
        if (earlyRefresh != null) {
            checkEarlyRefresh(earlyRefresh);
        }
        tags = Set.copyOf(Objects.requireNonNull(tags, "tags"));
        tags.forEach(Envelope::checkTagName);
    }

    /** Options with {@code ttl} and everything else the cache's. */
    public static ComputeOptions ttl(Ttl ttl) {
        return builder().ttl(ttl).build();
    }

    static void checkStale(String name, Duration window) {
        Objects.requireNonNull(window, name);
        if (window.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + window);
        }
        if (window.compareTo(Ttl.LONGEST) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + Ttl.LONGEST.toDays() + " days, was " + window);
        }
    }

    static void checkEarlyRefresh(double beta) {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("earlyRefresh (XFetch beta) must be zero or a positive number, was " + beta);
        }
    }

    /** A builder with the cache's settings and no tags. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ComputeOptions}. */
    public static final class Builder {
        private Ttl ttl = Ttl.DEFAULT;
        private Duration staleWhileRevalidate;
        private Duration staleIfError;
        private Double earlyRefresh;
        private Set<String> tags = Set.of();
        private Function<Object, Collection<String>> valueTags;

        private Builder() {
        }

        /** See {@link ComputeOptions#ttl()}. */
        public Builder ttl(Ttl ttl) {
            this.ttl = ttl;
            return this;
        }

        /** See {@link ComputeOptions#staleWhileRevalidate()}. */
        public Builder staleWhileRevalidate(Duration window) {
            this.staleWhileRevalidate = window;
            return this;
        }

        /** See {@link ComputeOptions#staleIfError()}. */
        public Builder staleIfError(Duration window) {
            this.staleIfError = window;
            return this;
        }

        /** See {@link ComputeOptions#earlyRefresh()}. */
        public Builder earlyRefresh(double beta) {
            this.earlyRefresh = beta;
            return this;
        }

        /** See {@link ComputeOptions#tags()}. */
        public Builder tags(Collection<String> tags) {
            this.tags = Set.copyOf(tags);
            return this;
        }

        /** See {@link ComputeOptions#tags()}. */
        public Builder tags(String... tags) {
            return tags(Arrays.asList(tags));
        }

        /**
         * See {@link ComputeOptions#valueTags()}: {@code tags} of a loaded value of class {@code type}; a value
         * of another class gets none.
         */
        public <V> Builder valueTags(Class<V> type, Function<? super V, ? extends Collection<String>> tags) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(tags, "tags");
            this.valueTags = value -> type.isInstance(value) ? List.copyOf(tags.apply(type.cast(value))) : List.of();
            return this;
        }

        /** The options; checks them. */
        public ComputeOptions build() {
            return new ComputeOptions(ttl, staleWhileRevalidate, staleIfError, earlyRefresh, tags, valueTags);
        }
    }
}
