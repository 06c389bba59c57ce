package dev.cachet.catalog.shop;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in form; Spring Security takes what it posts ({@code POST /login}). */
@Controller
class LoginController {
    /** The form holds a CSRF token of the visitor's own session: no cache, shared or not, may keep it. */
    @GetMapping("/login")
    String login(@RequestParam(required = false) String error, Model model, HttpServletResponse response) {
        response.setHeader("Cache-Control", "private, no-store");
        model.addAttribute("failed", error != null);
        return "login";
    }
}
