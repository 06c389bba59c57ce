package dev.cachet.catalog.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The alert rules of the operations kit ({@code ops/prometheus/alerts.yml}), evaluated in the service against the
 * meter values it has sampled, so the dashboard can say which would fire now. The thresholds, windows, {@code for}
 * durations and severities are those of the file (a test holds them to it); a rate over a window is the change
 * between the newest sample and the oldest within the window, over the time between them.
 *
 * <p>Feed it each sample in order with {@link #evaluate}: a rule that holds is pending until it has held for its
 * {@code for} duration, then firing, as Prometheus has it. Not thread-safe: one sampler feeds it.
 */
final class Alerts {
    /** A rule's verdict on one subject (a cache or a Redis) now: the value, or null when it does not hold. */
    private record Finding(String subject, double value) {}

    /**
     * A rule of alerts.yml.
     *
     * @param name the alert's name
     * @param severity its label
     * @param forDuration how long it must hold before it fires
     * @param threshold the value it compares with
     * @param window the window of its rate or increase, or null
     */
    record Rule(String name, String severity, Duration forDuration, double threshold, Duration window,
            Function<Evaluation, List<Finding>> check, Function<Finding, String> summary) {}

    /**
     * An alert's state now.
     *
     * @param rule the rule's name
     * @param severity its severity
     * @param subject the cache or Redis it is about, or null for a rule that holds nowhere
     * @param state inactive, pending or firing
     * @param value the value that crossed the threshold, or null
     * @param heldSeconds how long the rule has held for the subject
     * @param forSeconds how long it must hold to fire
     * @param summary what it means, as the rule's annotation says
     */
    record State(String rule, String severity, String subject, String state, Double value, long heldSeconds, long forSeconds,
            String summary) {}

    /** The samples a rule looks at: the newest, and the oldest within a window. */
    record Evaluation(List<Sample> samples) {
        Sample now() {
            return samples.getLast();
        }

        /** The oldest sample no older than {@code window}, or null when the newest is the only one within it. */
        Sample since(Duration window) {
            long from = now().at() - window.toMillis();
            for (Sample sample : samples) {
                if (sample.at() >= from) {
                    return sample == now() ? null : sample;
                }
            }
            return null;
        }
    }

    static final Duration HIT_RATIO_WINDOW = Duration.ofMinutes(5);

    static final List<Rule> RULES = List.of(
            new Rule("CachetRedisMemoryHigh", "warning", Duration.ofMinutes(10), 0.8, null, Alerts::memoryHigh,
                    finding -> "Redis " + finding.subject() + " uses " + percent(finding.value()) + " of its maxmemory"),
            new Rule("CachetHitRatioLow", "warning", Duration.ofMinutes(15), 0.95, HIT_RATIO_WINDOW, Alerts::hitRatioLow,
                    finding -> "Cache " + finding.subject() + " answers only " + percent(finding.value()) + " of reads"),
            new Rule("CachetRedisEvictionsHigh", "warning", Duration.ofMinutes(5), 100, Duration.ofMinutes(1), Alerts::evictionsHigh,
                    finding -> String.format(Locale.ROOT, "Redis %s evicts %.0f keys/s", finding.subject(), finding.value())),
            new Rule("CachetBreakerOpen", "critical", Duration.ofMinutes(2), 1, null, Alerts::breakerOpen,
                    finding -> "Circuit breaker of cache " + finding.subject() + " is open"),
            new Rule("CachetInvalidationsDropped", "warning", Duration.ZERO, 0, Duration.ofMinutes(5), Alerts::invalidationsDropped,
                    finding -> String.format(Locale.ROOT, "Cache %s gave up %.0f failed invalidations", finding.subject(), finding.value())));

    /** The reads a second below which a cache's hit ratio is not judged: a quiet cache's few cold reads are no alert. */
    private static final double HIT_RATIO_MIN_READS_PER_SECOND = 1;

    /** Since when each rule has held for each subject, by rule name and subject. */
    private final Map<String, Map<String, Long>> holdingSince = new HashMap<>();
    private List<State> states = List.of();

    /** Evaluates every rule on {@code samples} (oldest first, the newest being now) and keeps the verdicts. */
    void evaluate(List<Sample> samples) {
        Evaluation evaluation = new Evaluation(samples);
        long now = evaluation.now().at();
        List<State> next = new ArrayList<>();
        for (Rule rule : RULES) {
            Map<String, Long> since = holdingSince.computeIfAbsent(rule.name(), name -> new HashMap<>());
            Map<String, Finding> findings = new LinkedHashMap<>();
            rule.check().apply(evaluation).forEach(finding -> findings.put(finding.subject(), finding));
            since.keySet().retainAll(findings.keySet());
            if (findings.isEmpty()) {
                next.add(new State(rule.name(), rule.severity(), null, "inactive", null, 0, rule.forDuration().toSeconds(), null));
            }
            findings.values().forEach(finding -> {
                long held = now - since.computeIfAbsent(finding.subject(), subject -> now);
                String state = held >= rule.forDuration().toMillis() ? "firing" : "pending";
                next.add(new State(rule.name(), rule.severity(), finding.subject(), state, finding.value(), held / 1000,
                        rule.forDuration().toSeconds(), rule.summary().apply(finding)));
            });
        }
        states = List.copyOf(next);
    }

    /** Every rule's state after the latest evaluation: one per subject it holds for, else one inactive. */
    List<State> states() {
        return states;
    }

    private static List<Finding> memoryHigh(Evaluation evaluation) {
        List<Finding> findings = new ArrayList<>();
        evaluation.now().redis().forEach((server, redis) -> {
            if (redis.summary() != null && redis.summary().maxMemory() > 0) {
                double used = (double) redis.summary().usedMemory() / redis.summary().maxMemory();
                if (used > rule("CachetRedisMemoryHigh").threshold()) {
                    findings.add(new Finding(server, used));
                }
            }
        });
        return findings;
    }

    private static List<Finding> hitRatioLow(Evaluation evaluation) {
        Sample from = evaluation.since(HIT_RATIO_WINDOW);
        List<Finding> findings = new ArrayList<>();
        if (from == null) {
            return findings;
        }
        double seconds = (evaluation.now().at() - from.at()) / 1000.0;
        evaluation.now().caches().forEach((alias, now) -> {
            Sample.CacheFigures then = from.caches().get(alias);
            if (then == null) {
                return;
            }
            long gets = now.gets() - then.gets();
            double answered = (now.hits() + now.stale()) - (then.hits() + then.stale());
            if (gets / seconds > HIT_RATIO_MIN_READS_PER_SECOND && answered / gets < rule("CachetHitRatioLow").threshold()) {
                findings.add(new Finding(alias, answered / gets));
            }
        });
        return findings;
    }

    private static List<Finding> evictionsHigh(Evaluation evaluation) {
        Rule rule = rule("CachetRedisEvictionsHigh");
        Sample from = evaluation.since(rule.window());
        List<Finding> findings = new ArrayList<>();
        if (from == null) {
            return findings;
        }
        double seconds = (evaluation.now().at() - from.at()) / 1000.0;
        evaluation.now().redis().forEach((server, now) -> {
            Sample.Redis then = from.redis().get(server);
            if (now.summary() != null && then != null && then.summary() != null) {
                double rate = (now.summary().evictedKeys() - then.summary().evictedKeys()) / seconds;
                if (rate > rule.threshold()) {
                    findings.add(new Finding(server, rate));
                }
            }
        });
        return findings;
    }

    private static List<Finding> breakerOpen(Evaluation evaluation) {
        List<Finding> findings = new ArrayList<>();
        evaluation.now().caches().forEach((alias, cache) -> {
            if (cache.breakerOpen()) {
                findings.add(new Finding(alias, 1));
            }
        });
        return findings;
    }

    private static List<Finding> invalidationsDropped(Evaluation evaluation) {
        Sample from = evaluation.since(rule("CachetInvalidationsDropped").window());
        List<Finding> findings = new ArrayList<>();
        if (from == null) {
            return findings;
        }
        evaluation.now().caches().forEach((alias, now) -> {
            Sample.CacheFigures then = from.caches().get(alias);
            long dropped = then == null ? 0 : now.droppedInvalidations() - then.droppedInvalidations();
            if (dropped > 0) {
                findings.add(new Finding(alias, dropped));
            }
        });
        return findings;
    }

    static Rule rule(String name) {
        return RULES.stream().filter(rule -> rule.name().equals(name)).findFirst().orElseThrow();
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }
}
