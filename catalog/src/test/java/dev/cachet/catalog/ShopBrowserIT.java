package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.cachet.catalog.product.Product;
import dev.cachet.catalog.product.ProductRepository;
import dev.cachet.redis.LocalRedis;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shop and the cache dashboard in a real headless browser (Debian's chromium, through chromedriver), with the
 * caches in Redis: what a person sees browsing, signing in, and an admin invalidating a tag on the dashboard. Each
 * page it visits is saved as a screenshot in {@code target/screenshots}; with {@code -Dreadme.screenshots=true}, the
 * shop's home page and the dashboard are also saved to the repository's {@code docs/images}, where the README shows
 * them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShopBrowserIT {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final TestServices SERVICES = new TestServices();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** The screenshots the README shows. */
    private static final Set<String> README = Set.of("shop", "dashboard");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeAll
    static void servicesAreUp() {
        TestServices.require();
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            fail("this test needs Debian's chromium and chromedriver (/usr/bin/chromium, /usr/bin/chromedriver):"
                    + " apt-get install chromium chromium-driver (.ci/run does)");
        }
    }

    @AfterAll
    static void dropSchema() throws Exception {
        SERVICES.drop();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SERVICES.properties(LocalRedis.URL).forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    ProductRepository products;

    @Autowired
    TransactionTemplate transactions;

    private final HttpClient http = HttpClient.newHttpClient();
    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // The machine has no outside network: Chromium must not try to reach Google's services at start-up.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory("catalog-chromium"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build(), options);
        // A click that posts a form can return before the next page is there: its elements are waited for.
        browser.manage().timeouts().implicitlyWait(WAIT);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void open(String path) {
        browser.get(url(path));
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** How many elements match {@code css} now, without waiting for one to appear. */
    private int count(String css) {
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
        try {
            return browser.findElements(By.cssSelector(css)).size();
        } finally {
            browser.manage().timeouts().implicitlyWait(WAIT);
        }
    }

    private void awaitUrlEnding(String end) {
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().endsWith(end));
    }

    /** Saves what the browser shows as {@code name}.png; a README picture also to docs/images when asked to. */
    private void screenshot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        if (README.contains(name) && Boolean.getBoolean("readme.screenshots")) {
            Path images = repository().resolve("docs/images");
            Files.createDirectories(images);
            Files.write(images.resolve(name + ".png"), png);
        }
    }

    private static Path repository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("catalog"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository above " + Path.of("").toAbsolutePath());
    }

    private void signIn(String user) {
        open("/login");
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(user);
        browser.findElement(By.cssSelector("#login button")).click();
        browser.findElement(By.id("viewer"));
    }

    private HttpResponse<String> anonymousGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private void edit(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path)))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aPersonSeesTheProductAndItsChangeAfterAnEdit() throws Exception {
        open("/products/4");
        String name = text("#product h1");
        assertThat(name).isNotBlank();
        assertThat(browser.getTitle()).isEqualTo(name + " · Catalog");
        assertThat(text("#product .price")).endsWith(" €");
        assertThat(browser.findElements(By.cssSelector("#categories li"))).hasSize(3);
        String current = text("#categories li.current");
        assertThat(current).isNotBlank();

        // Again: the fragments now come from the cache, and read the same.
        browser.navigate().refresh();
        assertThat(text("#product h1")).isEqualTo(name);

        edit("/api/products/4", "{\"name\":\"Edited Lamp\",\"price\":\"42.00\"}");
        browser.navigate().refresh();
        assertThat(text("#product h1")).isEqualTo("Edited Lamp");
        assertThat(text("#product .price")).isEqualTo("42.00 €");
        assertThat(browser.getTitle()).isEqualTo("Edited Lamp · Catalog");
        assertThat(text("#categories li.current")).isEqualTo(current);

        // Product 4 is in the first category: renamed, the cached category list and the link back show the new name.
        edit("/api/categories/1", "{\"name\":\"Renamed Shelf\"}");
        browser.navigate().refresh();
        assertThat(text("#categories li.current")).isEqualTo("Renamed Shelf");
        assertThat(text("#back-to-category")).isEqualTo("Renamed Shelf");
        assertThat(browser.findElements(By.cssSelector("#categories li"))).hasSize(3);
        assertThat(text("#product h1")).isEqualTo("Edited Lamp");

        open("/products/999999");
        assertThat(text("h1")).isEqualTo("Not found");
        assertThat(browser.getTitle()).isEqualTo("Not found · Catalog");
        edit("/api/categories/1", "{\"name\":\"" + current + "\"}");
    }

    @Test
    void aVisitorBrowsesFromHomeToACategoryItsSecondPageAProductAndBack() throws Exception {
        open("/");
        assertThat(browser.getTitle()).isEqualTo("Home · Catalog");
        assertThat(browser.findElements(By.cssSelector("#best-sellers li"))).hasSize(10);
        assertThat(text("#sign-in")).isEqualTo("Sign in");
        assertThat(text("#page-cache")).startsWith("Page cache: ");
        WebElement first = browser.findElements(By.cssSelector("#categories a")).getFirst();
        String category = first.getText();
        first.click();
        assertThat(text("#category h1")).isEqualTo(category);
        assertThat(text("#category .count")).endsWith("page 1 of 2");
        assertThat(browser.findElements(By.cssSelector("#products li"))).hasSize(20);
        assertThat(text("#categories li.current")).isEqualTo(category);
        screenshot("category");

        browser.findElement(By.cssSelector("#pagination a[rel=next]")).click();
        awaitUrlEnding("?page=2");
        assertThat(text("#category .count")).endsWith("page 2 of 2");
        assertThat(text("#pagination strong")).isEqualTo("2");
        WebElement product = browser.findElements(By.cssSelector("#products li a")).getFirst();
        String name = product.getText();
        product.click();
        assertThat(text("#product h1")).isEqualTo(name);
        assertThat(text("#back-to-category")).isEqualTo(category);
        assertThat(text("#fragments")).endsWith("of 2");
        screenshot("product");

        browser.navigate().back();
        awaitUrlEnding("?page=2");
        assertThat(text("#category h1")).isEqualTo(category);
        browser.navigate().forward();
        browser.findElement(By.id("back-to-category")).click();
        assertThat(text("#category .count")).endsWith("page 1 of 2");

        // Home again: the page cache answers, and the footer says so, and when the stored copy was rendered.
        open("/");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            browser.navigate().refresh();
            return text("#page-cache").startsWith("Page cache: HIT: this copy was rendered");
        });
        assertThat(text("#page-cache")).contains("ran no query and rendered nothing");
        screenshot("shop");

        WebElement search = browser.findElement(By.name("q"));
        search.sendKeys("  LAMP ");
        search.submit();
        assertThat(text("#search h1")).isEqualTo("Products named “lamp”");
        assertThat(browser.findElements(By.cssSelector("#results li"))).isNotEmpty()
                .allSatisfy(found -> assertThat(found.getText().toLowerCase()).contains("lamp"));
        assertThat(text("#page-cache")).isEqualTo("Page cache: not used for this page.");
        screenshot("search");
    }

    @Test
    void aSignedInVisitorIsNamedOnEveryPageAndANonAdminIsRefusedTheDashboard() throws Exception {
        open("/login");
        browser.findElement(By.name("username")).sendKeys("alice");
        browser.findElement(By.name("password")).sendKeys("wrong");
        browser.findElement(By.cssSelector("#login button")).click();
        assertThat(text("#login-failed")).isEqualTo("That name and password do not match.");
        screenshot("login");

        signIn("alice");
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/"));
        assertThat(text("#viewer")).isEqualTo("Signed in as alice");
        assertThat(count("#sign-in")).isZero();
        assertThat(count("#dashboard-link")).as("not an admin").isZero();
        assertThat(text("#page-cache")).contains("never stored or shared");
        open("/categories/2");
        assertThat(text("#viewer")).isEqualTo("Signed in as alice");
        assertThat(anonymousGet("/categories/2").body()).doesNotContain("alice");

        open("/admin/cache");
        assertThat(browser.getTitle()).isEqualTo("403 · Catalog");
        assertThat(text("h1")).isEqualTo("Forbidden");
        screenshot("dashboard-forbidden");

        open("/");
        browser.findElement(By.id("sign-out")).click();
        assertThat(text("#sign-in")).isEqualTo("Sign in");
    }

    @Test
    void anAdminInvalidatesATagOnTheDashboardAndTheProductPageShowsTheRowAsItIsNow() throws Exception {
        signIn("admin");
        open("/products/5");
        String before = text("#product h1");
        anonymousGet("/products/5");
        assertThat(anonymousGet("/products/5").headers().firstValue("X-Cache")).hasValue("HIT");

        // The row changes behind the caches: through Hibernate (so its second-level cache follows), with no
        // invalidation published, as a change by another program would be. The caches still hold the old product.
        Product old = products.find(5).orElseThrow();
        transactions.executeWithoutResult(status -> products.update(5, "Changed Behind The Caches", old.slug(), old.description(),
                old.price(), old.categoryId(), old.active()));
        browser.navigate().refresh();
        assertThat(text("#product h1")).isEqualTo(before);
        assertThat(anonymousGet("/products/5").body()).contains(before).doesNotContain("Changed Behind The Caches");

        AtomicBoolean browsing = new AtomicBoolean(true);
        try (ExecutorService visitors = Executors.newVirtualThreadPerTaskExecutor()) {
            // Visitors browse while the dashboard is watched, so that its chart has something to draw.
            visitors.submit(() -> {
                List<String> paths = List.of("/", "/categories/1", "/categories/2", "/categories/3?page=2", "/products/7", "/products/8");
                for (int i = 0; browsing.get(); i++) {
                    anonymousGet(paths.get(i % paths.size()));
                    Thread.sleep(50);
                }
                return null;
            });
            open("/admin/cache");
            assertThat(text("#dashboard h1")).isEqualTo("Cache dashboard");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    count("#caches tbody tr") == 5 && count("#hit-ratio-chart canvas") == 1
                            && count("#hit-ratio-chart .u-legend .u-series") == 6
                            && pointsCharted() >= 4);
            browsing.set(false);
        }
        assertThat(text("#caches tbody tr[data-cache=pages] .hit-ratio")).endsWith("%");
        assertThat(text("#redis tbody")).contains("redis://127.0.0.1:6379");
        assertThat(browser.findElements(By.cssSelector("#alerts tbody tr"))).hasSizeGreaterThanOrEqualTo(5);
        // Tall enough for every section but the actions.
        browser.manage().window().setSize(new Dimension(1280, 1500));
        screenshot("dashboard");

        new Select(browser.findElement(By.id("invalidate-what"))).selectByValue("tag");
        browser.findElement(By.id("invalidate-value")).sendKeys("product:5");
        browser.findElement(By.id("invalidate-dry-run")).click();
        assertThat(text("#plan p")).startsWith("Invalidating tag product:5 drops every entry stamped with it, in the 5 caches");
        assertThat(anonymousGet("/products/5").body()).as("a dry run changes nothing").contains(before);
        screenshot("dashboard-confirm");
        browser.findElement(By.id("confirm")).click();
        assertThat(text("#notice")).isEqualTo("Invalidated tag product:5 in the 5 caches.");
        assertThat(count("#plan")).isZero();

        open("/products/5");
        assertThat(text("#product h1")).isEqualTo("Changed Behind The Caches");
        assertThat(anonymousGet("/products/5").body()).contains("Changed Behind The Caches");
    }

    /** How many points the dashboard's chart has been given. */
    private long pointsCharted() {
        Object points = ((JavascriptExecutor) browser).executeScript(
                "return fetch('/admin/cache/stats').then(r => r.json()).then(v => v.hitRatio.at.length)");
        return ((Number) points).longValue();
    }
}
