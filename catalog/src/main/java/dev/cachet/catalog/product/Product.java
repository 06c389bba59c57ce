package dev.cachet.catalog.product;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A product of the catalog, as a row of the {@code product} table.
 *
 * @param id the key
 * @param name what people read
 * @param slug the name in URLs, unique
 * @param description free text
 * @param price the price, two decimals
 * @param categoryId the category's key
 * @param active whether it is shown
 * @param salesCount units sold
 * @param updatedAt when the row last changed
 */
public record Product(long id, String name, String slug, String description, BigDecimal price, long categoryId,
        boolean active, long salesCount, Instant updatedAt) {}
