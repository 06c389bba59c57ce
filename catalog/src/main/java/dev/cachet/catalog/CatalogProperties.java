package dev.cachet.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code catalog.*} properties.
 *
 * @param demo the demo data loaded into an empty database at start-up
 * @param users the users who may sign in, by name
 * @param caching whether products and their pages are read through the object and query caches (true, the
 *     default) or straight from the database, to measure what the caches buy
 */
@ConfigurationProperties("catalog")
public record CatalogProperties(Demo demo, Map<String, User> users, @DefaultValue("true") boolean caching) {
    /** Fills in what is not set. */
    public CatalogProperties {
        demo = demo != null ? demo : new Demo(50, 200_000);
        users = users != null ? Map.copyOf(new LinkedHashMap<>(users)) : Map.of();
    }

    /**
     * The demo data.
     *
     * @param categories how many categories, 0 for none
     * @param products how many products, spread over the categories; 0 for none
     */
    public record Demo(int categories, int products) {}

    /**
     * A user.
     *
     * @param password the password in Spring Security's encoded form ({@code {noop}secret}, {@code {bcrypt}...})
     * @param roles the roles: {@code USER} may list products, {@code ADMIN} may also write
     */
    public record User(String password, List<String> roles) {
        /** A user without roles has none; one without a password cannot sign in. */
        public User {
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException("a catalog user needs a password (catalog.users.<name>.password)");
            }
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }
}
