package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.fail;

import dev.cachet.redis.LocalRedis;
import dev.cachet.redis.RedisStore;
import dev.cachet.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real services a catalog test runs on: PostgreSQL (a schema of the test's own, dropped afterwards) and
 * Redis (at a URL the test gives, its own proxy or the shared server), with a small demo catalog.
 */
final class TestServices {
    static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/test";

    final String schema = "catalog_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    /** Fails, saying which, when PostgreSQL or Redis is not there. */
    static void require() {
        LocalRedis.require();
        try (Connection ignored = DriverManager.getConnection(DATABASE, "postgres", "")) {
            // reachable
        } catch (SQLException e) {
            fail("these tests need PostgreSQL on 127.0.0.1:5432 with database 'test' (trust auth): " + e.getMessage());
        }
    }

    /** The properties of a catalog on these services, with Redis at {@code redisUrl}. */
    Map<String, Object> properties(String redisUrl) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", DATABASE + "?currentSchema=" + schema + "&reWriteBatchedInserts=true");
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.flyway.schemas", schema);
        properties.put("cachet.defaults.store", "tiered");
        properties.put("cachet.defaults.url", redisUrl);
        properties.put("cachet.defaults.key-prefix", schema);
        properties.put("catalog.demo.categories", "3");
        properties.put("catalog.demo.products", "90");
        return properties;
    }

    /** Drops the schema and everything in it, and the cache entries under the test's key prefix. */
    void drop() throws SQLException {
        try (Connection connection = DriverManager.getConnection(DATABASE, "postgres", "")) {
            connection.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        try (Store redis = RedisStore.create(LocalRedis.URL)) {
            redis.deleteMatching(Store.escapeGlob(schema + ":") + "*", key -> true, false).join();
        }
    }
}
