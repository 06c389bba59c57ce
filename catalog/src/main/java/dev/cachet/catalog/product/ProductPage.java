package dev.cachet.catalog.product;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A page of a category's products, as the list endpoint answers it.
 *
 * @param results the products on the page, empty past the last page
 * @param page the page number, from 1
 * @param perPage products per page
 * @param total products shown in the category: active, in an active category
 * @param totalPages pages in all
 */
public record ProductPage(
        List<Product> results,
        int page,
        @JsonProperty("per_page") int perPage,
        long total,
        @JsonProperty("total_pages") int totalPages) {}
