package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.TcpProxy;
import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.CachetCaches;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The catalog over HTTP on a random port, on the real PostgreSQL (a schema of its own) and the real Redis
 * (through a proxy the test can cut): every endpoint's answers and refusals, a write seen by a second
 * instance, no cached page for the wrong caller, and every endpoint still answering with Redis gone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CatalogIT {
    private static final TestServices SERVICES = new TestServices();
    private static TcpProxy redis;

    @BeforeAll
    static void servicesAreUp() {
        TestServices.require();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        SERVICES.drop();
        if (redis != null) {
            redis.close();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        redis = new TcpProxy(LocalRedis.HOST, LocalRedis.PORT);
        properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    private static Map<String, Object> properties() {
        return SERVICES.properties("redis://127.0.0.1:" + redis.port());
    }

    @LocalServerPort
    int port;

    @Autowired
    CachetCaches caches;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(int on, String method, String path, String user, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return call(port, "GET", path, user, null);
    }

    @Test
    void categoriesAreListedAndCachedAsAWholeResponse() throws Exception {
        HttpResponse<String> first = get("/api/categories", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("\"slug\":\"audio-1\"", "\"slug\":\"books-2\"");
        assertThat(get("/api/categories", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/api/categories?utm_source=mail", null).headers().firstValue("X-Cache"))
                .as("a query string selects nothing here: no copy of its own").hasValue("HIT");
    }

    @Test
    void aProductIsReadAndAMissingOrInactiveOneIs404() throws Exception {
        HttpResponse<String> product = get("/api/products/1", null);
        assertThat(product.statusCode()).isEqualTo(200);
        assertThat(product.body()).contains("\"id\":1", "\"price\"");
        assertThat(get("/api/products/999999", null).statusCode()).isEqualTo(404);
        assertThat(get("/api/products/999999", null).body()).contains("\"error\":\"not found\"");
        long created = createProduct("hidden-thing", 1, false);
        assertThat(get("/api/products/" + created, null).statusCode()).isEqualTo(404);
        assertThat(get("/api/products/abc", null).statusCode()).isEqualTo(400);
        assertThat(get("/api/products/01", null).statusCode()).as("only the plain spelling of an id is a product").isEqualTo(404);
        HttpResponse<String> missingPage = get("/products/999999", null);
        assertThat(missingPage.statusCode()).isEqualTo(404);
        assertThat(missingPage.body()).contains("<h1>Not found</h1>");
    }

    @Test
    void theListPagesThroughACategoryAndRefusesABadPage() throws Exception {
        HttpResponse<String> page = get("/api/products?category=1&page=1", "alice");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("\"page\":1", "\"per_page\":20", "\"total\":", "\"total_pages\":", "\"results\":[{");
        HttpResponse<String> pastTheEnd = get("/api/products?category=1&page=500", "alice");
        assertThat(pastTheEnd.body()).contains("\"results\":[]", "\"page\":500", "\"total\":");
        assertThat(caches.get("queries").contains("products:category:1:page:500")).as("made-up pages are not kept").isFalse();
        for (String bad : new String[] {"0", "-1", "x", "1.5", "", "99999999999"}) {
            HttpResponse<String> refused = get("/api/products?category=1&page=" + bad, "alice");
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.body()).contains("\"field\":\"page\"");
        }
        assertThat(get("/api/products?category=1&page=99999999999", "alice").body()).contains("up to 2147483647");
        assertThat(get("/api/products?page=1", "alice").body()).contains("\"field\":\"category\"");
        assertThat(get("/api/products?category=0", "alice").body()).contains("\"field\":\"category\"", "positive id");
        HttpResponse<String> noCategory = get("/api/products?category=999999&page=1", "alice");
        assertThat(noCategory.statusCode()).isEqualTo(404);
        assertThat(noCategory.body()).contains("\"error\":\"not found\"", "category 999999");
        assertThat(caches.get("queries").contains("products:category:999999:page:1")).isFalse();
    }

    @Test
    void anUnauthenticatedRequestNeverReceivesTheListThatASignedInUserCached() throws Exception {
        assertThat(get("/api/products?category=2&page=1", "alice").statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = get("/api/products?category=2&page=1", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("results");
    }

    @Test
    void writesNeedAnAdminAndValidInput() throws Exception {
        String json = "{\"name\":\"Lamp\",\"slug\":\"lamp-x\",\"price\":\"10.00\",\"categoryId\":1}";
        assertThat(call(port, "POST", "/api/products", null, json).statusCode()).isEqualTo(401);
        assertThat(call(port, "POST", "/api/products", "alice", json).statusCode()).isEqualTo(403);
        HttpResponse<String> badPrice = call(port, "POST", "/api/products", "admin",
                "{\"name\":\"Lamp\",\"slug\":\"lamp-y\",\"price\":\"-1\",\"categoryId\":1}");
        assertThat(badPrice.statusCode()).isEqualTo(400);
        assertThat(badPrice.body()).contains("\"field\":\"price\"");
        HttpResponse<String> badSlug = call(port, "PATCH", "/api/products/1", "admin", "{\"slug\":\"Not A Slug\"}");
        assertThat(badSlug.statusCode()).isEqualTo(400);
        assertThat(badSlug.body()).contains("\"field\":\"slug\"");
        HttpResponse<String> noCategory = call(port, "POST", "/api/products", "admin",
                "{\"name\":\"Lamp\",\"slug\":\"lamp-z\",\"price\":\"1.00\",\"categoryId\":9999}");
        assertThat(noCategory.body()).contains("\"field\":\"categoryId\"");
        assertThat(call(port, "POST", "/api/products", "admin", "{not json").statusCode()).isEqualTo(400);
        HttpResponse<String> wrongType = call(port, "POST", "/api/products", "admin",
                "{\"name\":\"Lamp\",\"slug\":\"lamp-w\",\"price\":\"cheap\",\"categoryId\":1}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(wrongType.body()).contains("\"field\":\"price\"");
        assertThat(call(port, "POST", "/api/categories", "admin", "{\"name\":\"\",\"slug\":\"x\"}").body()).contains("\"field\":\"name\"");
        HttpResponse<String> misspelt = call(port, "PATCH", "/api/products/1", "admin", "{\"nmae\":\"Typo\"}");
        assertThat(misspelt.statusCode()).isEqualTo(400);
        assertThat(misspelt.body()).contains("\"field\":\"nmae\"", "is not a field");
        assertThat(call(port, "PATCH", "/api/categories/1", "admin", "{\"slug\":\"Not A Slug\"}").body()).contains("\"field\":\"slug\"");
        assertThat(call(port, "PUT", "/api/categories/1", "admin", "{\"slug\":\"audio-1\"}").body()).contains("\"field\":\"name\"");
        assertThat(call(port, "PATCH", "/api/products/999999", "admin", "{\"name\":\"Nobody\"}").statusCode()).isEqualTo(404);
        assertThat(call(port, "PATCH", "/api/categories/999999", "admin", "{\"name\":\"Nobody\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> notAnId = call(port, "DELETE", "/api/products/abc", "admin", null);
        assertThat(notAnId.statusCode()).isEqualTo(400);
        assertThat(notAnId.body()).contains("\"field\":\"id\"");
        assertThat(call(port, "DELETE", "/api/categories/abc", "admin", null).statusCode()).isEqualTo(400);
        assertThat(get("/products/abc", null).statusCode()).isEqualTo(400);
        assertThat(call(port, "DELETE", "/api/products/1", "alice", null).statusCode()).as("writes are for admins").isEqualTo(403);
        assertThat(call(port, "DELETE", "/api/products/1", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void monitoringIsOpenAndTheCacheEndpointIsForAdmins() throws Exception {
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("components");
        assertThat(get("/actuator/health", "alice").body()).as("a signed-in user who is not an admin").doesNotContain("components");
        assertThat(get("/actuator/health", "admin").body()).contains("\"components\"");
        assertThat(get("/actuator/prometheus", null).body()).contains("cachet_");
        assertThat(get("/actuator/cachet", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/cachet", "alice").statusCode()).isEqualTo(403);
        assertThat(get("/actuator/cachet", "admin").statusCode()).isEqualTo(200);
        assertThat(call(port, "HEAD", "/api/categories", null, null).statusCode()).as("HEAD is open where GET is").isEqualTo(200);
        assertThat(call(port, "HEAD", "/api/products?category=1", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void productsAndCategoriesAreReplacedPatchedAndDeleted() throws Exception {
        long id = createProduct("replace-me", 1, true);
        HttpResponse<String> replaced = call(port, "PUT", "/api/products/" + id, "admin",
                "{\"name\":\"Replaced\",\"slug\":\"replaced\",\"price\":\"3.00\",\"categoryId\":2}");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(get("/api/products/" + id, null).body()).contains("\"name\":\"Replaced\"", "\"categoryId\":2");
        assertThat(call(port, "PUT", "/api/products/" + id, "admin",
                "{\"name\":\"No Slug\",\"price\":\"1.00\",\"categoryId\":1}").body()).contains("\"field\":\"slug\"");
        assertThat(call(port, "PUT", "/api/products/999999", "admin",
                "{\"name\":\"X\",\"slug\":\"x-y\",\"price\":\"1.00\",\"categoryId\":1}").statusCode()).isEqualTo(404);
        HttpResponse<String> duplicate = call(port, "POST", "/api/products", "admin",
                "{\"name\":\"Again\",\"slug\":\"replaced\",\"price\":\"1.00\",\"categoryId\":1}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(duplicate.body()).contains("\"field\":\"slug\"", "already used");

        assertThat(call(port, "DELETE", "/api/products/" + id, "admin", null).statusCode()).isEqualTo(204);
        assertThat(get("/api/products/" + id, null).statusCode()).isEqualTo(404);
        assertThat(call(port, "DELETE", "/api/products/" + id, "admin", null).statusCode()).isEqualTo(404);

        HttpResponse<String> category = call(port, "POST", "/api/categories", "admin", "{\"name\":\"Kites\",\"slug\":\"kites\"}");
        String categoryId = category.body().replaceAll(".*\"id\":(\\d+).*", "$1");
        assertThat(call(port, "PATCH", "/api/categories/" + categoryId, "admin", "{\"name\":\"Big Kites\"}").body())
                .contains("\"name\":\"Big Kites\"", "\"slug\":\"kites\"");
        HttpResponse<String> stillUsed = call(port, "DELETE", "/api/categories/1", "admin", null);
        assertThat(stillUsed.statusCode()).isEqualTo(409);
        assertThat(stillUsed.body()).contains("\"error\":\"conflict\"", "still has products");
        assertThat(call(port, "DELETE", "/api/categories/" + categoryId, "admin", null).statusCode()).isEqualTo(204);
        assertThat(get("/api/categories", null).body()).doesNotContain("kites");
    }

    @Test
    void aProductReadWithCredentialsIsNotStoredForOthers() throws Exception {
        assertThat(get("/api/products/6", "admin").headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(get("/api/products/6", null).headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(get("/api/products/6", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/api/products/6", "alice").headers().firstValue("X-Cache")).as("not shared with credentials").hasValue("MISS");
    }

    /** A second instance on the same database, reaching Redis at {@code redisUrl}. */
    private static ConfigurableApplicationContext secondInstance(String redisUrl) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--catalog.demo.products=0"));
        // The first instance has loaded the demo data already.
        SERVICES.properties(redisUrl).forEach((name, value) -> {
            if (!name.equals("catalog.demo.products")) {
                args.add("--" + name + "=" + value);
            }
        });
        return new SpringApplicationBuilder(CatalogApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext instance) {
        return Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void aWriteOnOneInstanceIsSeenOnAnotherAtTheNextRead() throws Exception {
        try (ConfigurableApplicationContext second = secondInstance("redis://127.0.0.1:" + redis.port())) {
            int other = port(second);
            // Both instances hold product 2 and category 1's first page.
            assertThat(call(other, "GET", "/api/products/2", null, null).body()).contains("\"id\":2");
            assertThat(get("/api/products/2", null).body()).contains("\"id\":2");
            call(other, "GET", "/api/products?category=1&page=1", "alice", null);

            HttpResponse<String> renamed = call(port, "PATCH", "/api/products/2", "admin", "{\"name\":\"Renamed Product Two\"}");
            assertThat(renamed.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    call(other, "GET", "/api/products/2", null, null).body().contains("Renamed Product Two"));
            long created = createProduct("brand-new", 1, true);
            String listedAsCreated = "\"id\":" + created + ",";
            await().atMost(Duration.ofSeconds(2)).until(() -> listed(other, 1).contains(listedAsCreated));
            // Moved to another category here: listed under that one there, whose pages it had cached before.
            assertThat(listed(other, 2)).doesNotContain(listedAsCreated);
            assertThat(call(port, "PATCH", "/api/products/" + created, "admin", "{\"categoryId\":2}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    !listed(other, 1).contains(listedAsCreated) && listed(other, 2).contains(listedAsCreated));
            // Deleted here: gone there, by id and from its category's pages.
            assertThat(call(other, "GET", "/api/products/" + created, null, null).statusCode()).isEqualTo(200);
            assertThat(call(port, "DELETE", "/api/products/" + created, "admin", null).statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    call(other, "GET", "/api/products/" + created, null, null).statusCode() == 404
                            && !listed(other, 2).contains(listedAsCreated));
            // Deactivated here: gone there.
            assertThat(call(other, "GET", "/api/products/8", null, null).statusCode()).isEqualTo(200);
            assertThat(call(port, "PATCH", "/api/products/8", "admin", "{\"active\":false}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(2)).until(() -> call(other, "GET", "/api/products/8", null, null).statusCode() == 404);
            HttpResponse<String> category = call(port, "POST", "/api/categories", "admin", "{\"name\":\"Zebras\",\"slug\":\"zebras\"}");
            assertThat(category.statusCode()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    call(other, "GET", "/api/categories", null, null).body().contains("\"slug\":\"zebras\""));
            // A category switched off here: neither it nor its products are shown there, until it is back on.
            long zebras = idOf(category.body());
            long striped = createProduct("striped", zebras, true);
            assertThat(call(other, "GET", "/api/products/" + striped, null, null).statusCode()).isEqualTo(200);
            assertThat(listed(other, zebras)).contains("\"id\":" + striped + ",");
            assertThat(call(port, "PATCH", "/api/categories/" + zebras, "admin", "{\"active\":false}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    call(other, "GET", "/api/products/" + striped, null, null).statusCode() == 404
                            && listed(other, zebras).contains("\"total\":0")
                            && !call(other, "GET", "/api/categories", null, null).body().contains("\"slug\":\"zebras\""));
            assertThat(call(port, "PUT", "/api/categories/" + zebras, "admin", "{\"name\":\"Zebras\",\"slug\":\"zebras\",\"active\":true}")
                    .statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    call(other, "GET", "/api/products/" + striped, null, null).statusCode() == 200
                            && listed(other, zebras).contains("\"id\":" + striped + ","));
        }
    }

    @Test
    void aWriteMadeWhileThisInstanceWasCutFromRedisIsSeenOnAnotherOnceItIsBack() throws Exception {
        // The second instance reaches Redis directly: only this one loses it.
        try (ConfigurableApplicationContext second = secondInstance(LocalRedis.URL)) {
            int other = port(second);
            assertThat(call(other, "GET", "/api/products/5", null, null).body()).contains("\"id\":5");
            assertThat(listed(other, 2)).contains("\"id\":5,");
            assertThat(listed(other, 3)).doesNotContain("\"id\":5,");
            redis.cut();
            try {
                HttpResponse<String> written = call(port, "PATCH", "/api/products/5", "admin",
                        "{\"name\":\"Renamed While Cut Off\",\"categoryId\":3}");
                assertThat(written.statusCode()).isEqualTo(200);
                // Redis never heard of the write, so the other instance still reads what it cached.
                assertThat(call(other, "GET", "/api/products/5", null, null).body()).doesNotContain("Renamed While Cut Off");
                assertThat(caches.all().values()).anyMatch(cache -> cache.stats().pendingInvalidations() > 0);
            } finally {
                redis.restore();
            }
            // No request reaches this instance from here on: its caches replay the invalidations by themselves.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    call(other, "GET", "/api/products/5", null, null).body().contains("Renamed While Cut Off")
                            && !listed(other, 2).contains("\"id\":5,") && listed(other, 3).contains("\"id\":5,"));
            // The caches share one breaker on this Redis: each replays at its next tick once a probe has closed it.
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    caches.all().values().stream().allMatch(cache -> cache.stats().pendingInvalidations() == 0));
        }
    }

    @Test
    void withRedisGoneEveryEndpointStillAnswersFromTheDatabase() throws Exception {
        redis.cut();
        try {
            assertThat(get("/api/categories", null).statusCode()).isEqualTo(200);
            assertThat(get("/api/products/3", null).body()).contains("\"id\":3");
            assertThat(get("/api/products?category=3&page=1", "alice").body()).contains("\"page\":1");
            HttpResponse<String> page = get("/products/3", null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<h1>", "id=\"categories\"");
            HttpResponse<String> written = call(port, "PATCH", "/api/products/3", "admin", "{\"name\":\"Written While Redis Was Down\"}");
            assertThat(written.statusCode()).isEqualTo(200);
            assertThat(get("/api/products/3", null).body()).contains("Written While Redis Was Down");
            assertThat(get("/products/3", null).body()).contains("Written While Redis Was Down");

            // Every other endpoint, its answers and its refusals, from the database alone.
            assertThat(get("/api/categories", null).body()).contains("\"slug\":\"audio-1\"");
            assertThat(get("/api/products/999999", null).statusCode()).isEqualTo(404);
            assertThat(get("/api/products/abc", null).statusCode()).isEqualTo(400);
            assertThat(get("/products/999999", null).statusCode()).isEqualTo(404);
            assertThat(get("/api/products?category=3&page=2", "alice").body()).contains("\"page\":2");
            assertThat(get("/api/products?category=3&page=500", "alice").body()).contains("\"results\":[]");
            assertThat(get("/api/products?category=3&page=0", "alice").statusCode()).isEqualTo(400);
            assertThat(get("/api/products?category=999999", "alice").statusCode()).isEqualTo(404);
            assertThat(get("/api/products?category=3", null).statusCode()).isEqualTo(401);
            long created = createProduct("made-while-down", 3, true);
            assertThat(get("/api/products/" + created, null).body()).contains("made-while-down");
            assertThat(call(port, "PUT", "/api/products/" + created, "admin",
                    "{\"name\":\"Replaced While Down\",\"slug\":\"made-while-down\",\"price\":\"2.00\",\"categoryId\":3}")
                    .statusCode()).isEqualTo(200);
            assertThat(get("/api/products/" + created, null).body()).contains("Replaced While Down");
            assertThat(call(port, "POST", "/api/products", "admin", "{\"name\":\"\"}").statusCode()).isEqualTo(400);
            assertThat(call(port, "DELETE", "/api/products/" + created, "admin", null).statusCode()).isEqualTo(204);
            assertThat(get("/api/products/" + created, null).statusCode()).isEqualTo(404);
            HttpResponse<String> category = call(port, "POST", "/api/categories", "admin", "{\"name\":\"Down\",\"slug\":\"down\"}");
            assertThat(category.statusCode()).isEqualTo(201);
            long downId = idOf(category.body());
            assertThat(get("/api/categories", null).body()).contains("\"slug\":\"down\"");
            assertThat(call(port, "PATCH", "/api/categories/" + downId, "admin", "{\"name\":\"Still Down\"}").body())
                    .contains("Still Down");
            assertThat(call(port, "PUT", "/api/categories/" + downId, "admin", "{\"name\":\"Down Again\",\"slug\":\"down\"}")
                    .statusCode()).isEqualTo(200);
            assertThat(call(port, "DELETE", "/api/categories/3", "admin", null).statusCode()).isEqualTo(409);
            assertThat(call(port, "DELETE", "/api/categories/" + downId, "admin", null).statusCode()).isEqualTo(204);
            assertThat(get("/api/categories", null).body()).doesNotContain("\"slug\":\"down\"");
            assertThat(get("/actuator/health", null).statusCode()).as("fail-soft caches keep the service up").isEqualTo(200);
        } finally {
            redis.restore();
            // Back to caching before the next test: reconnected, and the breaker closed again.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> caches.all().values().stream()
                    .allMatch(cache -> cache.set("probe", "up") && "up".equals(cache.get("probe", String.class)) && cache.delete("probe")));
        }
    }

    /** The first three pages of a category's list, as instance {@code on} answers them to a signed-in user. */
    private String listed(int on, long category) throws Exception {
        StringBuilder pages = new StringBuilder();
        for (int page = 1; page <= 3; page++) {
            pages.append(call(on, "GET", "/api/products?category=" + category + "&page=" + page, "alice", null).body());
        }
        return pages.toString();
    }

    private long createProduct(String slug, long category, boolean active) throws Exception {
        HttpResponse<String> created = call(port, "POST", "/api/products", "admin", "{\"name\":\"" + slug + "\",\"slug\":\"" + slug
                + "\",\"price\":\"12.50\",\"categoryId\":" + category + ",\"active\":" + active + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return idOf(created.body());
    }

    /** The {@code id} of the JSON object {@code body}. */
    private static long idOf(String body) {
        int at = body.indexOf("\"id\":") + 5;
        return Long.parseLong(body.substring(at, body.indexOf(',', at)));
    }
}
