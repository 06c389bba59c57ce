package dev.cachet.catalog.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.cachet.catalog.cache.RedisSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The dashboard's alert rules: those of the operations kit's alerts.yml, evaluated on samples made here. */
class AlertsTest {
    private static final long SECOND = 1000;

    @Test
    void theRulesAreThoseOfTheOperationsKit() throws Exception {
        List<Map<String, Object>> rules = alertRules();
        assertThat(rules).extracting(rule -> rule.get("alert"))
                .containsExactlyElementsOf(Alerts.RULES.stream().map(Alerts.Rule::name).toList());
        for (Map<String, Object> rule : rules) {
            Alerts.Rule ours = Alerts.rule((String) rule.get("alert"));
            String expr = ((String) rule.get("expr")).replaceAll("\\s+", " ");
            assertThat(Duration.parse("PT" + String.valueOf(rule.get("for")).toUpperCase())).as(ours.name() + " for").isEqualTo(ours.forDuration());
            assertThat(((Map<?, ?>) rule.get("labels")).get("severity")).as(ours.name() + " severity").isEqualTo(ours.severity());
            String threshold = ours.threshold() == Math.rint(ours.threshold()) ? Long.toString((long) ours.threshold())
                    : Double.toString(ours.threshold());
            assertThat(expr).as(ours.name() + " threshold").containsPattern("(>|<|==) " + threshold.replace(".", "\\.") + "\\b");
            if (ours.window() != null) {
                assertThat(expr).as(ours.name() + " window").contains("[" + ours.window().toMinutes() + "m]");
            }
        }
    }

    @Test
    void aLowHitRatioIsPendingThenFiringOnceItHasHeldForFifteenMinutes() {
        Alerts alerts = new Alerts();
        List<Sample> samples = new ArrayList<>();
        // 10 reads a second, 9 of them hits: 90%, under the 95% the rule asks for.
        for (long t = 0; t <= 16 * 60; t += 2) {
            samples.add(sample(t * SECOND, 9 * t, t, 0, 0));
            alerts.evaluate(samples);
            if (t == 60) {
                assertThat(state(alerts, "CachetHitRatioLow")).extracting(Alerts.State::state, Alerts.State::subject)
                        .containsExactly("pending", "objects");
            }
        }
        Alerts.State low = state(alerts, "CachetHitRatioLow");
        assertThat(low.state()).isEqualTo("firing");
        assertThat(low.value()).isCloseTo(0.9, offset(0.001));
        assertThat(low.summary()).isEqualTo("Cache objects answers only 90.0% of reads");
        assertThat(state(alerts, "CachetBreakerOpen").state()).isEqualTo("inactive");
    }

    @Test
    void aQuietCacheIsNotJudgedAndAGoodOneDoesNotAlert() {
        Alerts alerts = new Alerts();
        List<Sample> samples = new ArrayList<>();
        for (long t = 0; t <= 60; t += 2) {
            // A read every two seconds, all misses: too few to judge.
            samples.add(sample(t * SECOND, 0, t / 2, 0, 0));
            alerts.evaluate(samples);
        }
        assertThat(state(alerts, "CachetHitRatioLow").state()).isEqualTo("inactive");
    }

    @Test
    void redisMemoryEvictionsBreakerAndDroppedInvalidationsAreJudgedOnTheirOwnFigures() {
        Alerts alerts = new Alerts();
        List<Sample> samples = new ArrayList<>();
        samples.add(sample(0, 0, 0, 0, 0, redis(900, 1000, 0), true));
        alerts.evaluate(samples);
        assertThat(state(alerts, "CachetRedisMemoryHigh").state()).as("for 10m: pending at first").isEqualTo("pending");
        assertThat(state(alerts, "CachetBreakerOpen").state()).isEqualTo("pending");
        samples.add(sample(60 * SECOND, 0, 0, 3, 0, redis(900, 1000, 12_000), true));
        alerts.evaluate(samples);
        assertThat(state(alerts, "CachetRedisEvictionsHigh")).extracting(Alerts.State::state, Alerts.State::summary)
                .containsExactly("pending", "Redis redis://r:6379 evicts 200 keys/s");
        assertThat(state(alerts, "CachetInvalidationsDropped").state()).as("for 0m: fires at once").isEqualTo("firing");
        samples.add(sample(180 * SECOND, 0, 0, 3, 0, redis(100, 1000, 12_000), true));
        alerts.evaluate(samples);
        assertThat(state(alerts, "CachetBreakerOpen").state()).as("open for 3 minutes, over its 2").isEqualTo("firing");
        assertThat(state(alerts, "CachetRedisMemoryHigh").state()).as("down to 10%").isEqualTo("inactive");
        samples.add(sample(190 * SECOND, 0, 0, 3, 0, redis(950, 1000, 12_000), false));
        alerts.evaluate(samples);
        assertThat(state(alerts, "CachetRedisMemoryHigh")).as("held again from now").extracting(Alerts.State::state, Alerts.State::heldSeconds)
                .containsExactly("pending", 0L);
        assertThat(state(alerts, "CachetBreakerOpen").state()).isEqualTo("inactive");
    }

    private static Alerts.State state(Alerts alerts, String rule) {
        return alerts.states().stream().filter(state -> state.rule().equals(rule)).findFirst().orElseThrow();
    }

    private static Sample sample(long at, long hits, long misses, long dropped, long stale) {
        return sample(at, hits, misses, dropped, stale, null, false);
    }

    private static Sample sample(long at, long hits, long misses, long dropped, long stale, RedisSummary redis, boolean breakerOpen) {
        Sample.CacheFigures cache = new Sample.CacheFigures("tiered", hits, misses, stale, 0L, 0L, 0, 0, 0, Map.of(),
                breakerOpen ? "OPEN" : "CLOSED", breakerOpen, 0, dropped, 0L);
        Map<String, Sample.Redis> servers = new LinkedHashMap<>();
        if (redis != null) {
            servers.put(redis.server(), new Sample.Redis(redis, null));
        }
        return new Sample(at, Map.of("objects", cache), servers);
    }

    private static RedisSummary redis(long used, long max, long evicted) {
        return new RedisSummary("redis://r:6379", used, used + "B", max, "allkeys-lru", evicted, 0, 0, 1, Map.of());
    }

    private static List<Map<String, Object>> alertRules() throws Exception {
        Path file = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && file == null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ops/prometheus/alerts.yml"))) {
                file = dir.resolve("ops/prometheus/alerts.yml");
            }
        }
        assertThat(file).as("ops/prometheus/alerts.yml above " + Path.of("").toAbsolutePath()).isNotNull();
        Map<String, Object> alerts = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) alerts.get("groups");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules = (List<Map<String, Object>>) groups.getFirst().get("rules");
        return rules;
    }
}
