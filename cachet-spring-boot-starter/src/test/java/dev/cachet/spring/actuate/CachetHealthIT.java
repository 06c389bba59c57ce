package dev.cachet.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.redis.LocalRedis;
import dev.cachet.redis.RedisServers;
import dev.cachet.spring.CachetAutoConfiguration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator's verdicts, from the monitor's probes. */
class CachetHealthIT {
    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CachetAutoConfiguration.class, CachetActuatorAutoConfiguration.class))
            // Probes only when the test asks, so each verdict follows from the probe the test made.
            .withPropertyValues("cachet.monitor.interval=1h");

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Test
    void aStrictCacheWhoseRedisIsDownMakesTheStatusDown() throws Exception {
        int dead = RedisServers.freePort();
        contexts.withPropertyValues("cachet.caches.strict.store=redis", "cachet.caches.strict.fail-soft=false",
                "cachet.caches.strict.url=redis://127.0.0.1:" + dead).run(context -> {
                    context.getBean(RedisMonitor.class).refresh().join();
                    Health health = context.getBean("cachetHealthIndicator", HealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> redis = (Map<String, Map<String, Object>>) health.getDetails().get("redis");
                    assertThat(redis.get("redis://127.0.0.1:" + dead)).containsEntry("status", "DOWN").containsKey("error");
                });
    }

    @Test
    void aHealthyRedisIsUpWithItsFigures() {
        contexts.withPropertyValues("cachet.caches.products.store=redis", "cachet.caches.products.url=" + LocalRedis.URL)
                .run(context -> {
                    HealthIndicator indicator = context.getBean("cachetHealthIndicator", HealthIndicator.class);
                    context.getBean(RedisMonitor.class).refresh().join();
                    Health health = indicator.health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).doesNotContainKey("degraded");
                    assertThat(health.getDetails().get("redis").toString()).contains("status=UP", "usedMemory");
                });
    }
}
