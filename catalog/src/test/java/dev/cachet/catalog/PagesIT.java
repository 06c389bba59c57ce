package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.CachetCaches;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HTML pages over HTTP on PostgreSQL and Redis: what each answers and refuses, who may see the dashboard, and
 * the page cache's rules for people: an anonymous visitor's page is kept and shared, a signed-in visitor's page
 * (which names them) never is, and under concurrent anonymous and signed-in traffic no page for one reaches another.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class PagesIT {
    private static final TestServices SERVICES = new TestServices();
    private static final List<String> USERS = List.of("alice", "bob", "carol", "admin");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SIGNED_IN_AS = Pattern.compile("Signed in as <strong>([^<]*)</strong>");
    /** Visitors at once, half of them anonymous, and the pages each asks for. */
    private static final int VISITORS = 16;
    private static final int PAGES_EACH = 20;

    @BeforeAll
    static void servicesAreUp() {
        TestServices.require();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        SERVICES.drop();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SERVICES.properties(LocalRedis.URL).forEach((name, value) -> registry.add(name, () -> value));
        for (String user : List.of("bob", "carol")) {
            registry.add("catalog.users." + user + ".password", () -> "{noop}" + user);
            registry.add("catalog.users." + user + ".roles", () -> "USER");
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    CachetCaches caches;

    private final HttpClient anonymous = HttpClient.newHttpClient();

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(HttpClient client, String path, Map<String, String> form) throws Exception {
        List<String> fields = new ArrayList<>();
        form.forEach((name, value) -> fields.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", fields))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A browser of {@code user}'s, signed in through the form: its session cookie goes with every request. */
    private HttpClient signedIn(String user) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> form = get(client, "/login");
        HttpResponse<String> signIn = post(client, "/login", Map.of("username", user, "password", user, "_csrf", csrf(form.body())));
        assertThat(signIn.statusCode()).as(user + " signs in").isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).doesNotContain("error"));
        return client;
    }

    private static String csrf(String html) {
        Matcher token = CSRF.matcher(html);
        assertThat(token.find()).as("a CSRF token in the form").isTrue();
        return token.group(1);
    }

    private static String cacheStatus(HttpResponse<?> response) {
        return response.headers().firstValue("X-Cache").orElse("none");
    }

    @Test
    void theShopsPagesAnswerAndRefuseAsTheyShould() throws Exception {
        HttpResponse<String> home = get(anonymous, "/");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("Best sellers", "href=\"/categories/1\"", "name=\"q\"", "href=\"/login\"");
        HttpResponse<String> category = get(anonymous, "/categories/1?page=2");
        assertThat(category.statusCode()).isEqualTo(200);
        assertThat(category.body()).contains("page 2 of 2", "rel=\"prev\" href=\"/categories/1?page=1\"", "<li class=\"current\">");
        HttpResponse<String> product = get(anonymous, "/products/4");
        assertThat(product.body()).contains("id=\"back-to-category\" href=\"/categories/1\"");
        for (String[] refused : new String[][] {{"/categories/1?page=0", "400"}, {"/categories/1?page=x", "400"},
                {"/categories/1?page=01", "400"}, {"/categories/1?page=3", "404"}, {"/categories/01", "404"}, {"/categories/999", "404"},
                {"/products/07", "404"}, {"/products/999999", "404"}, {"/products/abc", "400"}, {"/search?q=" + "x".repeat(61), "400"}}) {
            assertThat(get(anonymous, refused[0]).statusCode()).as(refused[0]).isEqualTo(Integer.parseInt(refused[1]));
        }
        assertThat(get(anonymous, "/search?q=a").body()).contains("Type at least 2 letters");
        HttpResponse<String> found = get(anonymous, "/search?q=%20%20Lamp%20");
        assertThat(found.body()).contains("Products named “lamp”");
        assertThat(caches.get("searches").contains("search:lamp")).as("kept under the normalized query").isTrue();
        assertThat(found.headers().firstValue("X-Cache")).as("search pages are not kept whole").isEmpty();
        assertThat(get(anonymous, "/nothing-here").statusCode()).as("an unknown page asks to sign in").isEqualTo(302);
    }

    @Test
    void anAnonymousPageIsKeptAndSharedWithoutASessionAndItsFooterSaysHowItWasServed() throws Exception {
        HttpResponse<String> first = get(anonymous, "/categories/3");
        assertThat(first.headers().allValues("Set-Cookie")).as("browsing makes no session").isEmpty();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("max-age=0");
        assertThat(first.headers().firstValue("Server-Timing")).hasValue("page-cache;desc=" + cacheStatus(first));
        HttpResponse<String> again = get(anonymous, "/categories/3");
        assertThat(cacheStatus(again)).isEqualTo("HIT");
        assertThat(again.headers().firstValue("Server-Timing")).hasValue("page-cache;desc=HIT");
        assertThat(again.body()).as("the stored bytes, footer and all").isEqualTo(first.body());
        assertThat(again.body()).containsPattern("Rendered at <time datetime=\"[^\"]+\">[0-9:]+ UTC</time>:")
                .containsPattern("<span id=\"statements\">\\d+</span> database")
                .containsPattern("<span id=\"fragments\">\\d of 1</span>");
    }

    @Test
    void aSignedInPageNamesItsVisitorAndIsNeverStoredOrServedFromTheSharedCache() throws Exception {
        HttpClient bob = signedIn("bob");
        HttpResponse<String> bobs = get(bob, "/categories/2?page=2");
        assertThat(bobs.body()).contains("Signed in as <strong>bob</strong>", "pages for a signed-in visitor are never stored");
        assertThat(bobs.headers().firstValue("Cache-Control")).hasValue("private, no-store");
        HttpResponse<String> after = get(anonymous, "/categories/2?page=2");
        assertThat(cacheStatus(after)).as("bob's page was not stored").isEqualTo("MISS");
        assertThat(after.body()).doesNotContain("bob", "Signed in as");
        assertThat(cacheStatus(get(anonymous, "/categories/2?page=2"))).isEqualTo("HIT");
        HttpResponse<String> bobsAgain = get(bob, "/categories/2?page=2");
        assertThat(cacheStatus(bobsAgain)).as("nor is the anonymous page served to bob").isNotEqualTo("HIT");
        assertThat(bobsAgain.body()).contains("Signed in as <strong>bob</strong>");
        // Rendered for bob from the fragment and object caches and the second-level cache, once they hold what the
        // page shows: no statement, every fragment reused.
        await().atMost(Duration.ofSeconds(10)).until(() -> get(bob, "/products/5").body()
                .contains("<span id=\"statements\">0</span> database\n    <span>queries</span>,\n    <span id=\"fragments\">2 of 2</span>"));

        HttpResponse<String> form = get(anonymous, "/login");
        assertThat(form.headers().firstValue("Cache-Control")).hasValue("private, no-store");
        assertThat(csrf(get(anonymous, "/login").body())).as("each visitor's form has a token of its own").isNotEqualTo(csrf(form.body()));
        HttpResponse<String> wrong = post(HttpClient.newBuilder().cookieHandler(new CookieManager()).build(), "/login",
                Map.of("username", "bob", "password", "nope"));
        assertThat(wrong.statusCode()).as("no token, no sign-in").isEqualTo(403);
    }

    @Test
    void concurrentAnonymousAndSignedInVisitorsNeverSeeAnotherVisitorsPage() throws Exception {
        List<String> paths = List.of("/", "/categories/1", "/categories/1?page=2", "/categories/2", "/products/1", "/products/2",
                "/products/31", "/search?q=lamp");
        List<HttpClient> browsers = new ArrayList<>();
        for (String user : USERS) {
            browsers.add(signedIn(user));
        }
        ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();
        AtomicInteger anonymousHits = new AtomicInteger();
        AtomicInteger pages = new AtomicInteger();
        try (ExecutorService visitors = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int visitor = 0; visitor < VISITORS; visitor++) {
                int me = visitor;
                running.add(visitors.submit(() -> {
                    // Every other visitor is anonymous; the rest are the signed-in users, several sessions of each.
                    String user = me % 2 == 0 ? null : USERS.get(me / 2 % USERS.size());
                    HttpClient client = user == null ? anonymous : browsers.get(USERS.indexOf(user));
                    for (int i = 0; i < PAGES_EACH; i++) {
                        String path = paths.get((me + i) % paths.size());
                        HttpResponse<String> page = get(client, path);
                        pages.incrementAndGet();
                        Matcher named = SIGNED_IN_AS.matcher(page.body());
                        String shown = named.find() ? named.group(1) : null;
                        if (page.statusCode() != 200) {
                            leaks.add(path + " answered " + page.statusCode() + " to " + user);
                        } else if (user == null && (shown != null || page.body().contains("id=\"viewer\""))) {
                            leaks.add(path + " showed an anonymous visitor " + shown + "'s page");
                        } else if (user != null && !user.equals(shown)) {
                            leaks.add(path + " showed " + user + " the page of " + (shown == null ? "an anonymous visitor" : shown));
                        }
                        for (String other : USERS) {
                            if (!other.equals(user) && page.body().contains("<strong>" + other + "</strong>")) {
                                leaks.add(path + " named " + other + " to " + user);
                            }
                        }
                        if (user == null && "HIT".equals(cacheStatus(page))) {
                            anonymousHits.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> done : running) {
                done.get();
            }
        }
        assertThat(leaks).as("pages that reached the wrong visitor, of " + pages.get()).isEmpty();
        assertThat(pages.get()).isEqualTo(VISITORS * PAGES_EACH);
        assertThat(anonymousHits.get()).as("the page cache was at work for anonymous visitors").isPositive();
    }

    @Test
    void theDashboardIsForAdminsAndItsActionsAreConfirmedAndLogged(CapturedOutput output) throws Exception {
        HttpResponse<String> anonymousVisit = get(anonymous, "/admin/cache");
        assertThat(anonymousVisit.statusCode()).isEqualTo(302);
        assertThat(anonymousVisit.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
        HttpClient alice = signedIn("alice");
        assertThat(get(alice, "/admin/cache").statusCode()).isEqualTo(403);
        assertThat(get(alice, "/admin/cache/stats").statusCode()).isEqualTo(403);
        assertThat(get(alice, "/actuator/cachet").statusCode()).as("the API keeps HTTP Basic: a session is no credential there")
                .isEqualTo(401);

        HttpClient admin = signedIn("admin");
        HttpResponse<String> dashboard = get(admin, "/admin/cache");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'"));
        assertThat(dashboard.body()).contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "/js/dashboard.js").doesNotContain("<script>");
        assertThat(get(admin, "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);
        // Sampled every 2 seconds, the first time once the service is up and Redis has been probed.
        await().atMost(Duration.ofSeconds(10)).until(() -> get(admin, "/admin/cache/stats").body().contains("\"policy\":"));
        HttpResponse<String> stats = get(admin, "/admin/cache/stats");
        assertThat(stats.body()).contains("\"alias\":\"objects\"", "\"alias\":\"searches\"", "\"store\":\"tiered\"",
                "\"server\":\"redis://127.0.0.1:6379\"", "\"policy\":", "\"rule\":\"CachetHitRatioLow\"", "\"hitRatio\":{\"at\":[");

        assertThat(post(admin, "/admin/cache/invalidate", Map.of("what", "tag", "value", "product:3", "confirm", "true")).statusCode())
                .as("no CSRF token, no action").isEqualTo(403);
        get(anonymous, "/products/3");
        assertThat(cacheStatus(get(anonymous, "/products/3"))).isEqualTo("HIT");
        HttpResponse<String> dryRun = post(admin, "/admin/cache/invalidate",
                Map.of("what", "pattern", "value", "product:*", "_csrf", csrf(dashboard.body())));
        assertThat(dryRun.statusCode()).isEqualTo(302);
        HttpResponse<String> plan = get(admin, "/admin/cache");
        assertThat(plan.body()).containsPattern("\\d+ keys of the current version match &#39;product:\\*&#39; \\(objects \\d+,")
                .contains("id=\"confirm\"");
        post(admin, "/admin/cache/invalidate", Map.of("what", "tag", "value", "product:3", "_csrf", csrf(plan.body())));
        assertThat(cacheStatus(get(anonymous, "/products/3"))).as("a dry run changes nothing").isEqualTo("HIT");
        assertThat(output.getOut()).doesNotContain("admin invalidated tag product:3");
        HttpResponse<String> confirmed = post(admin, "/admin/cache/invalidate", Map.of("what", "tag", "value", "product:3",
                "confirm", "true", "_csrf", csrf(get(admin, "/admin/cache").body())));
        assertThat(confirmed.statusCode()).isEqualTo(302);
        assertThat(get(admin, "/admin/cache").body()).contains("Invalidated tag product:3 in the 5 caches.");
        assertThat(cacheStatus(get(anonymous, "/products/3"))).isEqualTo("MISS");
        assertThat(output.getOut()).contains("dev.cachet.catalog.cache.actions", "admin invalidated tag product:3 in caches");

        post(admin, "/admin/cache/warm", Map.of("category", "2", "confirm", "true", "_csrf", csrf(get(admin, "/admin/cache").body())));
        assertThat(get(admin, "/admin/cache").body()).containsPattern("Warmed [^:]+: 2 pages and 30 products");
        assertThat(caches.get("queries").contains("products:category:2:page:2")).isTrue();
        assertThat(output.getOut()).contains("admin warmed category 2: 2 pages and 30 products");
        post(admin, "/admin/cache/invalidate", Map.of("what", "key", "value", "x", "cache", "nope", "_csrf",
                csrf(get(admin, "/admin/cache").body())));
        assertThat(get(admin, "/admin/cache").body()).contains("Pick the cache the key is in");
    }
}
