package dev.cachet.memcached;

import dev.cachet.StampedeContract;
import dev.cachet.store.Store;
import org.junit.jupiter.api.BeforeAll;

/** The stampede suite on the memcached on 11211, through the store SPI's generic leases. */
class MemcachedStampedeIT extends StampedeContract {
    @BeforeAll
    static void memcachedIsUp() {
        LocalMemcached.require();
    }

    @Override
    protected Store newStore() {
        return MemcachedStore.create(LocalMemcached.options().build());
    }
}
