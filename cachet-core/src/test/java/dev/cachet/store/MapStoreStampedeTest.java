package dev.cachet.store;

import dev.cachet.StampedeContract;
import dev.cachet.Ticker;

/** {@link StampedeContract} through the SPI's default leases: every instance's cache over one {@link MapStore}. */
class MapStoreStampedeTest extends StampedeContract {
    private final MapStore shared = new MapStore(Ticker.system());

    @Override
    protected Store newStore() {
        return shared;
    }
}
