package dev.cachet.store;

import dev.cachet.StaleSetRaceContract;
import dev.cachet.Ticker;

/** {@link StaleSetRaceContract} through the SPI's default leases: every instance's cache over one {@link MapStore}. */
class MapStoreStaleSetRaceTest extends StaleSetRaceContract {
    private final MapStore shared = new MapStore(Ticker.system());

    @Override
    protected Store newStore() {
        return shared;
    }
}
