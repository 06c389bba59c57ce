package dev.cachet.catalog;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what: reading categories and products is open, listing a category's products needs a signed-in
 * user, every write and the Cachet endpoint need an admin; health and the Prometheus scrape are open to
 * monitoring. HTTP Basic, no session: the API is stateless.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {
    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/categories", "/api/products/*", "/products/*").permitAll()
                        .requestMatchers(HttpMethod.HEAD, "/api/categories", "/api/products/*", "/products/*").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/products").hasAnyRole("USER", "ADMIN")
                        .requestMatchers(HttpMethod.HEAD, "/api/products").hasAnyRole("USER", "ADMIN")
                        .requestMatchers("/api/**", "/actuator/**").hasRole("ADMIN")
                        .requestMatchers("/error").permitAll()
                        .anyRequest().denyAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
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
