package dev.cachet.catalog.page;

import dev.cachet.catalog.product.ProductService;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * {@code /products/{id}}: the product's page. The product comes from the object cache; the page's product
 * block and category sidebar are cached fragments ({@code cachet:cache} in the template), so a hit renders
 * neither and runs no query.
 */
@Controller
class ProductPageController {
    private final ProductService products;

    ProductPageController(ProductService products) {
        this.products = products;
    }

    /** The page; a missing or inactive product gets a 404 page, in HTML like the rest. */
    @GetMapping("/products/{id}")
    String product(@PathVariable long id, Model model, HttpServletResponse response) {
        return products.find(id).map(product -> {
            model.addAttribute("product", product);
            return "product";
        }).orElseGet(() -> {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("id", id);
            return "product-missing";
        });
    }
}
