package dev.cachet.catalog;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Who may do what, in two chains. The JSON API and Actuator are stateless, with HTTP Basic: reading categories and
 * products is open, listing a category's products needs a signed-in user, every write and the Cachet endpoint need
 * an admin; health and the Prometheus scrape are open to monitoring. The HTML pages have a sign-in form, a session
 * and CSRF protection: the shop is open to everyone, the cache dashboard to admins.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {
    /**
     * Pages' scripts and styles are files of the application (the dashboard's chart library too): nothing inline,
     * nothing from elsewhere.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http
                .securityMatcher("/api/**", "/actuator/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/categories", "/api/products/*").permitAll()
                        .requestMatchers(HttpMethod.HEAD, "/api/categories", "/api/products/*").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/products").hasAnyRole("USER", "ADMIN")
                        .requestMatchers(HttpMethod.HEAD, "/api/products").hasAnyRole("USER", "ADMIN")
                        .anyRequest().hasRole("ADMIN"))
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    /**
     * The pages. An anonymous visitor never gets a session (nor so a cookie) from browsing the shop, so the page
     * cache can answer them; only signing in, the sign-in form (its CSRF token) and a page that needs signing in
     * (remembered, to return to after it) make one.
     */
    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http) throws Exception {
        HttpSessionRequestCache returnTo = new HttpSessionRequestCache();
        returnTo.setRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/admin/**"));
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/", "/categories/*", "/products/*", "/search", "/login").permitAll()
                        .requestMatchers(HttpMethod.HEAD, "/", "/categories/*", "/products/*", "/search").permitAll()
                        .requestMatchers(HttpMethod.GET, "/css/**", "/js/**", "/webjars/**", "/favicon.ico").permitAll()
                        .requestMatchers("/admin/**").hasRole("ADMIN")
                        .requestMatchers("/error").permitAll()
                        .anyRequest().denyAll())
                .formLogin(form -> form.loginPage("/login").permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/").deleteCookies("JSESSIONID"))
                .requestCache(cache -> cache.requestCache(returnTo))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
                .build();
    }

    /**
     * The configured users. Passwords are checked as configured: the in-memory manager would otherwise
     * re-encode a {@code {noop}} password with bcrypt on first use (it offers password upgrades), and every
     * later request of HTTP Basic would pay a bcrypt check.
     */
    @Bean
    UserDetailsService users(CatalogProperties properties) {
        List<UserDetails> users = new ArrayList<>();
        properties.users().forEach((name, user) -> users.add(User.withUsername(name).password(user.password())
                .roles(user.roles().toArray(String[]::new)).build()));
        InMemoryUserDetailsManager manager = new InMemoryUserDetailsManager(users);
        return manager::loadUserByUsername;
    }
}
