package dev.cachet.catalog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The catalog service: products and categories on a database, cached at every level by Cachet. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CatalogApplication {
    /** Starts the service. */
    public static void main(String[] args) {
        SpringApplication.run(CatalogApplication.class, args);
    }
}
