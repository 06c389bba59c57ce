package dev.cachet.catalog;

import dev.cachet.catalog.cli.CacheCli;
import java.io.PrintWriter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;

/** The catalog service: products and categories on a database, cached at every level by Cachet. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CatalogApplication {
    /** Starts the service, or with {@code cache ...} runs a cache command and exits with its code. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("cache")) {
            System.exit(CacheCli.run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
        }
        SpringApplication.run(CatalogApplication.class, args);
    }

    /** With {@code catalog.caching=false} every read goes to the database, Hibernate's second-level cache included. */
    @Bean
    HibernatePropertiesCustomizer secondLevelCacheFollowsCaching(CatalogProperties properties) {
        return hibernate -> {
            if (!properties.caching()) {
                hibernate.put("hibernate.cache.use_second_level_cache", "false");
            }
        };
    }
}
