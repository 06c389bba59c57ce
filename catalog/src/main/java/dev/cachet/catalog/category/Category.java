package dev.cachet.catalog.category;

/**
 * A category of products.
 *
 * @param id the key
 * @param name what people read
 * @param slug the name in URLs, unique
 * @param active whether it is shown
 */
public record Category(long id, String name, String slug, boolean active) {}
