package dev.cachet.catalog.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every HTML page's model has: who is signed in ({@code viewer}, null for an anonymous visitor, and
 * {@code admin}), and how the page is being served ({@code served}). It also says who may keep the page: a
 * signed-in visitor's page names them, so it is {@code private, no-store}; an anonymous one is {@code max-age=0},
 * which lets the page cache keep it (for the lifetime its {@code @CachePage} gives) while the browser asks again
 * each time, so that the visitor who signs in next sees their own page rather than the browser's anonymous copy.
 */
@ControllerAdvice(basePackages = {"dev.cachet.catalog.shop", "dev.cachet.catalog.admin"})
class PageModel {
    @ModelAttribute
    void page(Model model, Principal principal, HttpServletRequest request, HttpServletResponse response) {
        model.addAttribute("viewer", principal == null ? null : principal.getName());
        model.addAttribute("admin", request.isUserInRole("ADMIN"));
        model.addAttribute("served", Served.of(request));
        response.setHeader("Cache-Control", principal == null ? "max-age=0" : "private, no-store");
    }
}
