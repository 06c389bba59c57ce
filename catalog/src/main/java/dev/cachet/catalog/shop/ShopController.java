package dev.cachet.catalog.shop;

import dev.cachet.catalog.CacheInvalidation;
import dev.cachet.catalog.category.Category;
import dev.cachet.catalog.category.CategoryService;
import dev.cachet.catalog.product.Product;
import dev.cachet.catalog.product.ProductPage;
import dev.cachet.catalog.product.ProductSearch;
import dev.cachet.catalog.product.ProductService;
import dev.cachet.spring.web.CachePage;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The shop's pages: home, a category's products a page at a time, a product, and search. Each level of caching is
 * at work: anonymous visitors' pages are kept whole in the page cache ({@code @CachePage}, tagged so that the
 * writes that change them drop them); the category list and the product block are cached fragments; the lists and
 * products come from the query and object caches, and the rows from Hibernate's second-level cache.
 *
 * <p>Ids and page numbers are taken in their plain spelling only ({@code /products/07} is a 404): a page is kept
 * under its URL and tagged with the text of its path, so one answered under another spelling would carry a tag
 * that its writes never invalidate.
 */
@Controller
class ShopController {
    /** An id as written plainly: a long, without sign or leading zeros. */
    private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,17}");
    /** A page number as written plainly, up to an int's range. */
    private static final Pattern PAGE = Pattern.compile("[1-9][0-9]{0,8}");
    /** Pages linked on each side of the current one. */
    private static final int PAGE_LINKS = 2;

    private final ProductService products;
    private final CategoryService categories;
    private final ProductSearch search;

    ShopController(ProductService products, CategoryService categories, ProductSearch search) {
        this.products = products;
        this.categories = categories;
        this.search = search;
    }

    /** The home page: the categories, the best sellers and the search box. */
    @GetMapping("/")
    @CachePage(ttl = "1m", tags = {CacheInvalidation.CATEGORIES, CacheInvalidation.BEST_SELLERS}, query = {})
    String home(Model model) {
        model.addAttribute("bestSellers", products.bestSellers());
        return "home";
    }

    /** A category's products, {@value ProductService#PER_PAGE} a page, with links to the other pages. */
    @GetMapping("/categories/{id}")
    @CachePage(ttl = "5m", tags = {CacheInvalidation.CATEGORIES, "category:{id}"}, query = "page")
    String category(@PathVariable String id, @RequestParam(required = false) String page, Model model, HttpServletResponse response) {
        Optional<Category> category = id(id).flatMap(categories::shown);
        if (category.isEmpty()) {
            return problem(model, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no category " + id + " in the shop.");
        }
        if (page != null && !PAGE.matcher(page).matches()) {
            return problem(model, response, HttpServletResponse.SC_BAD_REQUEST, "Bad request",
                    "A page is a number from 1, written plainly; '" + page + "' is not one.");
        }
        int number = page == null ? 1 : Integer.parseInt(page);
        ProductPage shown = products.page(category.get().id(), number);
        if (number > Math.max(1, shown.totalPages())) {
            return problem(model, response, HttpServletResponse.SC_NOT_FOUND, "Not found",
                    category.get().name() + " has " + shown.totalPages() + " pages; there is no page " + number + ".");
        }
        model.addAttribute("category", category.get());
        model.addAttribute("page", shown);
        model.addAttribute("pageLinks", IntStream.rangeClosed(Math.max(1, number - PAGE_LINKS), Math.min(shown.totalPages(),
                number + PAGE_LINKS)).boxed().toList());
        return "category";
    }

    /** A product, with a link back to its category. */
    @GetMapping("/products/{id}")
    @CachePage(ttl = "1h", tags = {CacheInvalidation.CATEGORIES, "product:{id}"}, query = {})
    String product(@PathVariable String id, Model model, HttpServletResponse response) {
        if (!id.chars().allMatch(Character::isDigit) || id.isEmpty()) {
            return problem(model, response, HttpServletResponse.SC_BAD_REQUEST, "Bad request", "A product id is a number; '" + id
                    + "' is not one.");
        }
        Optional<Product> product = id(id).flatMap(products::find);
        Optional<Category> category = product.flatMap(shown -> categories.shown(shown.categoryId()));
        if (product.isEmpty() || category.isEmpty()) {
            return problem(model, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no product " + id + " in the catalog.");
        }
        model.addAttribute("product", product.get());
        model.addAttribute("category", category.get());
        return "product";
    }

    /**
     * The products whose name holds {@code q}. Not kept in the page cache, whose keys would follow every spelling of
     * every query anyone makes up; the results are kept per normalized query in the {@code searches} cache.
     */
    @GetMapping("/search")
    String search(@RequestParam(required = false) String q, Model model, HttpServletResponse response) {
        String query = ProductSearch.normalize(q);
        model.addAttribute("query", query);
        if (query.length() > ProductSearch.MAX_QUERY) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("hint", "A search is at most " + ProductSearch.MAX_QUERY + " characters long.");
        } else if (query.length() < ProductSearch.MIN_QUERY) {
            model.addAttribute("hint", "Type at least " + ProductSearch.MIN_QUERY + " letters of a product's name.");
        } else {
            model.addAttribute("results", search.search(query));
        }
        return "search";
    }

    /** The id {@code text} spells plainly, if it does. */
    private static Optional<Long> id(String text) {
        if (!NUMBER.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    private static String problem(Model model, HttpServletResponse response, int status, String title, String message) {
        response.setStatus(status);
        model.addAttribute("title", title);
        model.addAttribute("message", message);
        return "problem";
    }
}
