package dev.cachet.example;

import java.math.BigDecimal;
import java.time.Duration;

/** Stands in for the database a cache sits in front of: every query takes about as long as a real one would. */
public final class ProductDatabase {
    /** How long one query takes. */
    public static final Duration QUERY_TIME = Duration.ofMillis(20);

    /** Loads product {@code id}; blocks for {@link #QUERY_TIME}. */
    public Product find(long id) throws InterruptedException {
        Thread.sleep(QUERY_TIME);
        return new Product(id, "Product " + id, BigDecimal.valueOf(id * 100 + 99, 2));
    }
}
