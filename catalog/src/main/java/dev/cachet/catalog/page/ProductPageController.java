package dev.cachet.catalog.page;

import dev.cachet.catalog.product.ProductService;
import java.util.NoSuchElementException;
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

    @GetMapping("/products/{id}")
    String product(@PathVariable long id, Model model) {
        model.addAttribute("product", products.find(id).orElseThrow(() -> new NoSuchElementException("product " + id)));
        return "product";
    }
}
