package dev.cachet.redis;

import io.lettuce.core.resource.ClientResources;

/**
 * The Lettuce resources (event loops, timer, scheduler) that every invalidation source in the process shares,
 * made for the first source and shut down with the last. A source's connections only listen, one per node, so
 * one set of threads serves them all; with resources of its own, each tiered cache started three threads for
 * its tracking alone, as Lettuce's own advice (share one {@code ClientResources}) warns.
 */
final class SharedResources {
    private static ClientResources resources;
    private static int holders;

    private SharedResources() {
    }

    /** The shared resources, made if no source holds them; each call needs one {@link #release}. */
    static synchronized ClientResources acquire() {
        if (holders++ == 0) {
            resources = ClientResources.create();
        }
        return resources;
    }

    /** Lets {@code held} go; the last holder shuts the resources down. */
    static synchronized void release(ClientResources held) {
        if (held != resources) {
            throw new IllegalStateException("these resources were released already");
        }
        if (--holders == 0) {
            resources = null;
            Connector.shutdown(held, "invalidation sources");
        }
    }
}
