package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cachet.redis.LocalRedis;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The product page in a real headless browser (Debian's chromium, through chromedriver): what a person
 * sees, before and after an admin edits the product and renames its category, with the page's fragments
 * cached in Redis.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProductPageIT {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final TestServices SERVICES = new TestServices();

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

    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // The machine has no outside network: Chromium must not try to reach Google's services at start-up.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory("catalog-chromium"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build(), options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private void edit(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aPersonSeesTheProductAndItsChangeAfterAnEdit() throws Exception {
        browser.get("http://127.0.0.1:" + port + "/products/4");
        String name = browser.findElement(By.cssSelector("#product h1")).getText();
        assertThat(name).isNotBlank();
        assertThat(browser.getTitle()).isEqualTo(name + " · Catalog");
        assertThat(browser.findElement(By.cssSelector("#product .price")).getText()).endsWith(" €");
        assertThat(browser.findElements(By.cssSelector("#categories li"))).hasSize(3);
        String current = browser.findElement(By.cssSelector("#categories li.current")).getText();
        assertThat(current).isNotBlank();

        // Again: the fragments now come from the cache, and read the same.
        browser.navigate().refresh();
        assertThat(browser.findElement(By.cssSelector("#product h1")).getText()).isEqualTo(name);

        edit("/api/products/4", "{\"name\":\"Edited Lamp\",\"price\":\"42.00\"}");
        browser.navigate().refresh();
        assertThat(browser.findElement(By.cssSelector("#product h1")).getText()).isEqualTo("Edited Lamp");
        assertThat(browser.findElement(By.cssSelector("#product .price")).getText()).isEqualTo("42.00 €");
        assertThat(browser.getTitle()).isEqualTo("Edited Lamp · Catalog");
        assertThat(browser.findElement(By.cssSelector("#categories li.current")).getText()).isEqualTo(current);

        // Product 4 is in the first category: renamed, the cached sidebar shows the new name.
        edit("/api/categories/1", "{\"name\":\"Renamed Shelf\"}");
        browser.navigate().refresh();
        assertThat(browser.findElement(By.cssSelector("#categories li.current")).getText()).isEqualTo("Renamed Shelf");
        assertThat(browser.findElements(By.cssSelector("#categories li"))).hasSize(3);
        assertThat(browser.findElement(By.cssSelector("#product h1")).getText()).isEqualTo("Edited Lamp");

        browser.get("http://127.0.0.1:" + port + "/products/999999");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        assertThat(browser.getTitle()).isEqualTo("Not found · Catalog");
    }
}
