package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.CachetCaches;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations kit under ops/ against the catalog it watches: the catalog runs on the real PostgreSQL (a
 * schema of its own) and Redis (a key prefix of its own), serves a little traffic, and every metric that an
 * alert rule or a dashboard panel names must be one its /actuator/prometheus exports, with the labels the
 * query selects on. The compose file, the Prometheus configuration and the Grafana provisioning are parsed and
 * checked for the wiring between them, since nothing here can run them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class OpsKitIT {
    private static final TestServices SERVICES = new TestServices();
    private static final Path OPS = opsDirectory();

    /** PromQL words that look like metric names but are not. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "atan2", "inf", "nan");
    /** Labels Prometheus adds to every series it scrapes, so no scrape shows them. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*+)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern SAMPLE_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    @BeforeAll
    static void servicesAreUp() {
        TestServices.require();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SERVICES.properties(LocalRedis.URL).forEach((name, value) -> registry.add(name, () -> value));
        // The Redis gauges come from a background probe: a short interval gets its first answer in soon.
        registry.add("cachet.monitor.interval", () -> "200ms");
    }

    @LocalServerPort
    int port;

    @Autowired
    CachetCaches caches;

    private final HttpClient http = HttpClient.newHttpClient();
    private Scrape scrape;

    @AfterAll
    void cleanUp() throws Exception {
        SERVICES.drop();
    }

    @Test
    void everyMetricTheAlertsNameIsExportedWithTheLabelsTheySelectOn() throws Exception {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Map<String, Object> rule : alertRules()) {
            expressions.put("alerts.yml " + rule.get("alert"), (String) rule.get("expr"));
        }
        assertExported(expressions);
    }

    @Test
    void everyMetricTheDashboardNamesIsExportedWithTheLabelsItSelectsOn() throws Exception {
        assertExported(dashboardExpressions());
    }

    @Test
    void theDashboardShowsEveryCachetMeter() throws Exception {
        Set<String> shown = new HashSet<>();
        dashboardExpressions().values().forEach(expression -> shown.addAll(metricNames(expression)));
        Set<String> exported = new TreeSet<>(scrape().samples.keySet());
        exported.removeIf(name -> !name.startsWith("cachet_"));
        assertThat(exported).as("the scrape's cachet meters").isNotEmpty();
        assertThat(shown).as("metrics the dashboard shows").containsAll(exported);
    }

    @Test
    void theAlertsAreCompleteRules() throws Exception {
        List<Map<String, Object>> rules = alertRules();
        assertThat(rules).extracting(rule -> rule.get("alert")).containsExactly("CachetRedisMemoryHigh", "CachetHitRatioLow",
                "CachetRedisEvictionsHigh", "CachetBreakerOpen", "CachetInvalidationsDropped");
        for (Map<String, Object> rule : rules) {
            String alert = (String) rule.get("alert");
            assertThat((String) rule.get("expr")).as(alert + " expr").isNotBlank();
            assertThat(String.valueOf(rule.get("for"))).as(alert + " for").matches("\\d+[smh]");
            assertThat(map(rule.get("labels")).get("severity")).as(alert + " severity").isIn("warning", "critical");
            Map<String, Object> annotations = map(rule.get("annotations"));
            assertThat(annotations).as(alert + " annotations").containsKeys("summary", "description");
            annotations.values().forEach(text -> assertThat((String) text).as(alert + " annotation").isNotBlank());
        }
        Map<String, String> expr = new HashMap<>();
        rules.forEach(rule -> expr.put((String) rule.get("alert"), ((String) rule.get("expr")).replaceAll("\\s+", " ")));
        assertThat(expr.get("CachetRedisMemoryHigh")).contains("cachet_redis_memory_max_bytes > 0)", "> 0.8");
        assertThat(expr.get("CachetHitRatioLow")).contains("result=~\"hit|stale\"", "< 0.95", " and ", "[5m]");
        assertThat(expr.get("CachetRedisEvictionsHigh")).contains("rate(cachet_redis_evictions_total[1m])", "> 100");
        assertThat(expr.get("CachetBreakerOpen")).contains("cachet_breaker_open == 1");
        assertThat(expr.get("CachetInvalidationsDropped")).contains("increase(cachet_invalidations_dropped_total[5m]) > 0");
    }

    @Test
    void composeRunsTheFiveServicesWiredToEachOther() throws Exception {
        Map<String, Object> compose = yaml(OPS.resolve("docker-compose.yml"));
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsOnlyKeys("catalog", "redis", "postgres", "prometheus", "grafana");

        Map<String, Object> catalog = map(services.get("catalog"));
        Map<String, Object> build = map(catalog.get("build"));
        Path context = OPS.resolve((String) build.get("context")).normalize();
        Path dockerfile = context.resolve((String) build.get("dockerfile"));
        assertThat(dockerfile).exists();
        String docker = Files.readString(dockerfile);
        assertThat(docker).contains("FROM eclipse-temurin:21-jre", "COPY target/catalog.jar ");
        Map<String, Object> environment = map(catalog.get("environment"));
        assertThat((String) environment.get("SPRING_DATASOURCE_URL")).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(environment.get("CACHET_DEFAULTS_STORE")).isEqualTo("tiered");
        assertThat(environment.get("CACHET_DEFAULTS_URL")).isEqualTo("redis://redis:6379");
        assertThat(map(catalog.get("depends_on"))).containsKeys("postgres", "redis");
        assertThat(String.join(" ", strings(map(catalog.get("healthcheck")).get("test")))).contains("http://localhost:8080/actuator/health");

        Map<String, Object> postgres = map(services.get("postgres"));
        assertThat(postgres.get("image")).isEqualTo("postgres:15");
        Map<String, Object> database = map(postgres.get("environment"));
        assertThat(((String) environment.get("SPRING_DATASOURCE_URL")).replaceFirst("\\?.*", "")).endsWith("/" + database.get("POSTGRES_DB"));
        assertThat(environment.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(database.get("POSTGRES_USER"));
        assertThat(environment.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(database.get("POSTGRES_PASSWORD"));

        for (Map.Entry<String, Object> service : services.entrySet()) {
            Object ports = map(service.getValue()).get("ports");
            if (ports != null) {
                assertThat(strings(ports)).as(service.getKey() + " publishes its ports on loopback only").allMatch(port -> port.startsWith("127.0.0.1:"));
            }
        }

        Map<String, Object> redis = map(services.get("redis"));
        assertThat(redis.get("image")).isEqualTo("redis:7");
        assertThat(String.join(" ", strings(redis.get("command")))).contains("--maxmemory 256mb", "--maxmemory-policy allkeys-lru");

        Map<String, String> prometheus = mounts(map(services.get("prometheus")));
        assertThat(prometheus).containsEntry("/etc/prometheus/prometheus.yml", "./prometheus/prometheus.yml")
                .containsEntry("/etc/prometheus/alerts.yml", "./prometheus/alerts.yml");
        assertThat(strings(map(services.get("prometheus")).get("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");

        Map<String, String> grafana = mounts(map(services.get("grafana")));
        assertThat(grafana).containsEntry("/etc/grafana/provisioning", "./grafana/provisioning");
        Map<String, Object> provider = map(list(yaml(OPS.resolve("grafana/provisioning/dashboards/cachet.yml")).get("providers")).getFirst());
        String dashboards = (String) map(provider.get("options")).get("path");
        assertThat(grafana).as("the dashboards the provider reads are mounted").containsKey(dashboards);
        assertThat(OPS.resolve(grafana.get(dashboards)).resolve("cachet.json")).exists();

        // Named volumes used by a service are declared.
        Set<String> declared = map(compose.get("volumes")).keySet();
        for (Object service : services.values()) {
            for (String volume : strings(map(service).getOrDefault("volumes", List.of()))) {
                String source = volume.split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(declared).as(volume).contains(source);
                } else {
                    assertThat(OPS.resolve(source)).as(volume).exists();
                }
            }
        }
    }

    @Test
    void prometheusScrapesTheCatalogAndLoadsTheAlertsWhereComposeMountsThem() throws Exception {
        Map<String, Object> config = yaml(OPS.resolve("prometheus/prometheus.yml"));
        // rule_files are relative to the configuration file, mounted at /etc/prometheus/prometheus.yml.
        assertThat(strings(config.get("rule_files"))).map(file -> "/etc/prometheus/" + file)
                .containsExactly("/etc/prometheus/alerts.yml");
        Map<String, Object> job = list(config.get("scrape_configs")).stream().map(OpsKitIT::map)
                .filter(candidate -> "catalog".equals(candidate.get("job_name"))).findFirst().orElseThrow();
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(strings(map(list(job.get("static_configs")).getFirst()).get("targets"))).containsExactly("catalog:8080");

        Map<String, Object> datasource = map(list(yaml(OPS.resolve("grafana/provisioning/datasources/prometheus.yml"))
                .get("datasources")).getFirst());
        assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
        JsonNode variable = dashboard().path("templating").path("list").get(0);
        assertThat(variable.path("type").asString()).isEqualTo("datasource");
        assertThat(variable.path("current").path("value").asString()).isEqualTo(datasource.get("uid"));
    }

    /** Fails, listing them all, on every metric an expression names that the scrape lacks, and on every unknown label. */
    private void assertExported(Map<String, String> expressions) throws Exception {
        Scrape scrape = scrape();
        List<String> problems = new ArrayList<>();
        expressions.forEach((where, expression) -> {
            Set<String> names = metricNames(expression);
            if (names.isEmpty()) {
                problems.add(where + ": names no metric: " + expression);
            }
            for (String name : names) {
                if (!scrape.samples.containsKey(name)) {
                    problems.add(where + ": " + name + " is not exported");
                }
            }
            selectedLabels(expression).forEach((name, labels) -> {
                Set<String> known = scrape.samples.get(name);
                if (known != null) {
                    for (String label : labels) {
                        if (!known.contains(label) && !TARGET_LABELS.contains(label)) {
                            problems.add(where + ": " + name + " has no label " + label);
                        }
                    }
                }
            });
        });
        assertThat(problems).as("metrics and labels named in ops/ that /actuator/prometheus does not export").isEmpty();
        assertThat(expressions).isNotEmpty();
    }

    /**
     * The metric names of a PromQL expression: the identifiers left once strings, label matchers, ranges, grouping
     * clauses and Grafana variables are gone, less functions (followed by a parenthesis) and keywords. A name is
     * checked as the series name it is: {@code x_count} or {@code x_bucket} passes only if the scrape has that
     * very series, so a histogram quantile over a timer that publishes no buckets fails.
     */
    static Set<String> metricNames(String expression) {
        String bare = expression
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\$\\{[^}]*}|\\$\\w+", " ")
                .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            if (!KEYWORDS.contains(identifier.group().toLowerCase())) {
                names.add(identifier.group());
            }
        }
        return names;
    }

    /** The label names each selector {@code metric{label="..."}} of an expression matches on, by metric. */
    static Map<String, Set<String>> selectedLabels(String expression) {
        Map<String, Set<String>> labels = new TreeMap<>();
        Matcher selector = SELECTOR.matcher(expression);
        while (selector.find()) {
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                labels.computeIfAbsent(selector.group(1), name -> new TreeSet<>()).add(matcher.group(1));
            }
        }
        return labels;
    }

    private List<Map<String, Object>> alertRules() throws IOException {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : list(yaml(OPS.resolve("prometheus/alerts.yml")).get("groups"))) {
            list(map(group).get("rules")).forEach(rule -> rules.add(map(rule)));
        }
        return rules;
    }

    private static JsonNode dashboard() throws IOException {
        return JsonMapper.builder().build().readTree(Files.readString(OPS.resolve("grafana/dashboards/cachet.json")));
    }

    /** Every query of the dashboard: each panel target's expr (rows' panels included) and each query variable's. */
    private static Map<String, String> dashboardExpressions() throws IOException {
        JsonNode dashboard = dashboard();
        Map<String, String> expressions = new LinkedHashMap<>();
        collectTargets(dashboard.path("panels"), expressions);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!"query".equals(variable.path("type").asString())) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asString() : query.asString();
            Matcher labelValues = Pattern.compile("^\\s*label_values\\((.+),\\s*\\w+\\s*\\)\\s*$").matcher(text);
            expressions.put("cachet.json variable " + variable.path("name").asString(), labelValues.matches() ? labelValues.group(1) : text);
        }
        return expressions;
    }

    private static void collectTargets(JsonNode panels, Map<String, String> expressions) {
        for (JsonNode panel : panels) {
            int n = 0;
            for (JsonNode target : panel.path("targets")) {
                n++;
                expressions.put("cachet.json \"" + panel.path("title").asString() + "\" #" + n, target.path("expr").asString());
            }
            collectTargets(panel.path("panels"), expressions);
        }
    }

    /** The scrape after some traffic, once the Redis probe has answered: series names with their label names. */
    private Scrape scrape() throws Exception {
        if (scrape != null) {
            return scrape;
        }
        assertThat(get("/api/categories", null).statusCode()).isEqualTo(200);
        assertThat(get("/api/categories", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/api/products/1", null).statusCode()).isEqualTo(200);
        assertThat(get("/api/products?category=1&page=1", "alice").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String text = get("/actuator/prometheus", null).body();
            return text.lines().anyMatch(line -> line.startsWith("cachet_redis_up{") && line.endsWith(" 1.0"))
                    && text.lines().anyMatch(line -> line.startsWith("cachet_redis_memory_used_bytes{") && !line.endsWith("NaN"));
        });
        HttpResponse<String> response = get("/actuator/prometheus", null);
        assertThat(response.statusCode()).isEqualTo(200);
        scrape = Scrape.parse(response.body());
        return scrape;
    }

    /** A Prometheus text exposition, as the series names it holds and the label names seen on each. */
    record Scrape(Map<String, Set<String>> samples) {
        static Scrape parse(String text) {
            Map<String, Set<String>> samples = new TreeMap<>();
            text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
                Matcher sample = SAMPLE.matcher(line);
                assertThat(sample.find()).as("a sample line: " + line).isTrue();
                Set<String> labels = samples.computeIfAbsent(sample.group(1), name -> new TreeSet<>());
                if (sample.group(2) != null) {
                    Matcher label = SAMPLE_LABEL.matcher(sample.group(2));
                    while (label.find()) {
                        labels.add(label.group(1));
                    }
                }
            });
            return new Scrape(samples);
        }
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Short volume syntax {@code source:target[:mode]}, by target. */
    private static Map<String, String> mounts(Map<String, Object> service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (String volume : strings(service.getOrDefault("volumes", List.of()))) {
            String[] parts = volume.split(":");
            mounts.put(parts[1], parts[0]);
        }
        return mounts;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }

    /** ops/ of this repository, whether the tests run from the module or from the root. */
    private static Path opsDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ops/docker-compose.yml"))) {
                return dir.resolve("ops");
            }
        }
        throw new IllegalStateException("no ops/docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
}
