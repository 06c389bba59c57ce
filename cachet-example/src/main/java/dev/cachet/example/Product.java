package dev.cachet.example;

import java.math.BigDecimal;

/**
 * A row of the example's product table, cached as JSON.
 *
 * @param id the product's id
 * @param name its display name
 * @param price its price
 */
public record Product(long id, String name, BigDecimal price) {
}
