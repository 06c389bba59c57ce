package dev.cachet.store;

import dev.cachet.CacheContract;
import dev.cachet.FakeTicker;
import java.time.Duration;

/** The whole contract suite on a store of primitives alone: the SPI's defaults, with no override to help. */
class MapStoreTest extends CacheContract {
    private final FakeTicker ticker = new FakeTicker();

    @Override
    protected Store newStore() {
        return new MapStore(ticker);
    }

    @Override
    protected void passTime(Duration duration) {
        ticker.advance(duration);
    }
}
