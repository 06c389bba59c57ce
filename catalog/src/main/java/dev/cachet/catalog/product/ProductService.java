package dev.cachet.catalog.product;

import dev.cachet.Cache;
import dev.cachet.ComputeOptions;
import dev.cachet.Ttl;
import dev.cachet.catalog.CacheInvalidation;
import dev.cachet.catalog.CatalogProperties;
import dev.cachet.catalog.InvalidField;
import dev.cachet.catalog.category.CategoryRepository;
import dev.cachet.spring.CachetCaches;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Products, read through the object cache (one product, an hour) and the query cache (a page of a category,
 * five minutes), written to the database with the caches invalidated after the commit.
 */
@Service
public class ProductService {
    /** Products per page of the list. */
    public static final int PER_PAGE = 20;
    /** Best sellers on the home page. */
    public static final int BEST_SELLERS = 10;

    private final ProductRepository products;
    private final CategoryRepository categories;
    private final Cache objects;
    private final Cache queries;
    private final ApplicationEventPublisher events;
    private final Validator validator;
    private final boolean caching;

    ProductService(ProductRepository products, CategoryRepository categories, CachetCaches caches, ApplicationEventPublisher events,
            Validator validator, CatalogProperties properties) {
        this.validator = validator;
        this.caching = properties.caching();
        this.products = products;
        this.categories = categories;
        this.objects = caches.get("objects");
        this.queries = caches.get("queries");
        this.events = events;
    }

    /**
     * Product {@code id} if the shop shows it (it and its category are active), from the object cache. The
     * entry is tagged with the product only; a category that is switched on or off invalidates the tags of
     * its products.
     */
    public Optional<Product> find(long id) {
        if (!caching) {
            return products.findShown(id);
        }
        ComputeOptions options = ComputeOptions.builder().tags(CacheInvalidation.product(id)).build();
        return Optional.ofNullable(objects.getOrCompute(productKey(id), Product.class, options,
                () -> products.findShown(id).orElse(null)));
    }

    /**
     * Page {@code page} (from 1) of the products the shop shows in a category, from the query cache. The page is
     * tagged with its category, whose tag every write of one of its products invalidates: that tag is read
     * before the page loads, so a write during the load cannot leave the page stale; and with each product it
     * shows, read once it has loaded. A page past the end is answered from page 1's count and never cached, so
     * made-up page numbers cannot fill the cache; a category that does not exist is a
     * {@link NoSuchElementException}, and nothing is cached for it.
     */
    public ProductPage page(long categoryId, int page) {
        if (!caching) {
            return loadPage(categoryId, page);
        }
        ProductPage first = cachedPage(categoryId, 1);
        if (page == 1) {
            return first;
        }
        if (page > first.totalPages()) {
            return new ProductPage(List.of(), page, PER_PAGE, first.total(), first.totalPages());
        }
        return cachedPage(categoryId, page);
    }

    private ProductPage cachedPage(long categoryId, int page) {
        return queries.getOrCompute(pageKey(categoryId, page), ProductPage.class, pageOptions(categoryId, Ttl.DEFAULT),
                () -> loadPage(categoryId, page));
    }

    /**
     * A page is tagged with its category, read before it loads, and with each product on it, so that invalidating
     * one product's tag (a write, or {@code cache invalidate --tag product:ID}) drops the pages that show it too.
     */
    private static ComputeOptions pageOptions(long categoryId, Ttl ttl) {
        return ComputeOptions.builder().ttl(ttl).tags(CacheInvalidation.category(categoryId))
                .valueTags(ProductPage.class, shown -> shown.results().stream().map(product -> CacheInvalidation.product(product.id())).toList())
                .build();
    }

    private ProductPage loadPage(long categoryId, int page) {
        long total = products.countShownInCategory(categoryId);
        if (total == 0 && categories.find(categoryId).isEmpty()) {
            throw new NoSuchElementException("category " + categoryId);
        }
        int pages = (int) ((total + PER_PAGE - 1) / PER_PAGE);
        List<Product> results = (long) (page - 1) * PER_PAGE >= total
                ? List.of()
                : products.shownInCategory(categoryId, (page - 1) * PER_PAGE, PER_PAGE);
        return new ProductPage(results, page, PER_PAGE, total, pages);
    }

    /**
     * The {@value #BEST_SELLERS} products the shop shows with the most sales, from the query cache; the entry is
     * tagged with each product on it, and with {@link CacheInvalidation#BEST_SELLERS}, which every product write
     * invalidates.
     */
    public ProductList bestSellers() {
        if (!caching) {
            return new ProductList(products.bestSellers(BEST_SELLERS), false);
        }
        ComputeOptions options = ComputeOptions.builder().tags(CacheInvalidation.BEST_SELLERS)
                .valueTags(ProductList.class, ProductList::tags).build();
        return queries.getOrCompute("products:best-sellers:" + BEST_SELLERS, ProductList.class, options,
                () -> new ProductList(products.bestSellers(BEST_SELLERS), false));
    }

    /** What warming a category put in the caches. */
    public record Warmed(int pages, int products) {}

    /**
     * Fills what is missing of a category in the caches: every page of the products it shows in the query cache
     * and every product on them in the object cache, for {@code ttl} (the caches' defaults for {@link
     * Ttl#DEFAULT}), telling {@code progress} how many products are done. It goes through get-or-compute as a
     * read does, so tag versions are read before each load and a write that commits meanwhile cannot leave a
     * stale entry behind; entries already cached are kept.
     */
    public Warmed warm(long categoryId, Ttl ttl, IntConsumer progress) {
        long total = products.countShownInCategory(categoryId);
        int pages = (int) ((total + PER_PAGE - 1) / PER_PAGE);
        ComputeOptions pageOptions = pageOptions(categoryId, ttl);
        int warmed = 0;
        for (int page = 1; page <= pages; page++) {
            int number = page;
            ProductPage cached = queries.getOrCompute(pageKey(categoryId, page), ProductPage.class, pageOptions,
                    () -> loadPage(categoryId, number));
            for (Product product : cached.results()) {
                ComputeOptions productOptions = ComputeOptions.builder().ttl(ttl).tags(CacheInvalidation.product(product.id())).build();
                objects.getOrCompute(productKey(product.id()), Product.class, productOptions,
                        () -> products.findShown(product.id()).orElse(null));
                progress.accept(++warmed);
            }
        }
        return new Warmed(pages, warmed);
    }

    private static String productKey(long id) {
        return "product:" + id;
    }

    private static String pageKey(long categoryId, int page) {
        return "products:category:" + categoryId + ":page:" + page;
    }

    /** How many products the shop shows in a category, to size a progress bar. */
    public long countShown(long categoryId) {
        return products.countShownInCategory(categoryId);
    }

    /** Creates a product; its category's lists are invalidated after the commit. */
    @Transactional
    public Product create(ProductInput input) {
        requireCategory(input.categoryId());
        long id = products.insert(input.name(), input.slug(), orEmpty(input.description()), input.price(), input.categoryId(),
                input.active() == null || input.active());
        changed(id, input.categoryId(), input.categoryId());
        return products.find(id).orElseThrow();
    }

    /** Replaces product {@code id} with {@code input}. */
    @Transactional
    public Product replace(long id, ProductInput input) {
        Product old = products.find(id).orElseThrow(() -> new NoSuchElementException("product " + id));
        requireCategory(input.categoryId());
        products.update(id, input.name(), input.slug(), orEmpty(input.description()), input.price(), input.categoryId(),
                input.active() == null || input.active());
        changed(id, old.categoryId(), input.categoryId());
        return products.find(id).orElseThrow();
    }

    /** Changes the fields of product {@code id} that {@code patch} gives. */
    @Transactional
    public Product patch(long id, ProductInput patch) {
        Product old = products.find(id).orElseThrow(() -> new NoSuchElementException("product " + id));
        ProductInput merged = new ProductInput(
                patch.name() != null ? patch.name() : old.name(),
                patch.slug() != null ? patch.slug() : old.slug(),
                patch.description() != null ? patch.description() : old.description(),
                patch.price() != null ? patch.price() : old.price(),
                patch.categoryId() != null ? patch.categoryId() : old.categoryId(),
                patch.active() != null ? patch.active() : old.active());
        InvalidField.check(validator, merged);
        requireCategory(merged.categoryId());
        products.update(id, merged.name(), merged.slug(), merged.description(), merged.price(), merged.categoryId(), merged.active());
        changed(id, old.categoryId(), merged.categoryId());
        return products.find(id).orElseThrow();
    }

    /** Deletes product {@code id}. */
    @Transactional
    public void delete(long id) {
        Product old = products.find(id).orElseThrow(() -> new NoSuchElementException("product " + id));
        products.delete(id);
        changed(id, old.categoryId(), old.categoryId());
    }

    private void requireCategory(long categoryId) {
        if (categories.find(categoryId).isEmpty()) {
            throw new InvalidField("categoryId", "no category " + categoryId);
        }
    }

    private void changed(long id, long oldCategory, long newCategory) {
        List<String> tags = new ArrayList<>(List.of(CacheInvalidation.product(id), CacheInvalidation.category(oldCategory),
                CacheInvalidation.BEST_SELLERS));
        if (newCategory != oldCategory) {
            tags.add(CacheInvalidation.category(newCategory));
        }
        events.publishEvent(CacheInvalidation.Changed.of(tags));
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
