package dev.cachet.memcached;

import dev.cachet.StaleSetRaceContract;
import dev.cachet.store.Store;
import org.junit.jupiter.api.BeforeAll;

/** The stale-set race on the memcached on 11211: leases made of placeholders and compare-and-set hold it off. */
class MemcachedStaleSetRaceIT extends StaleSetRaceContract {
    @BeforeAll
    static void memcachedIsUp() {
        LocalMemcached.require();
    }

    @Override
    protected Store newStore() {
        return MemcachedStore.create(LocalMemcached.options().build());
    }
}
