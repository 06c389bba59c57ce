package dev.cachet.spring.actuate;

import dev.cachet.spring.CachetAutoConfiguration;
import dev.cachet.spring.CachetCaches;
import dev.cachet.spring.CachetProperties;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Observability for the caches, each part when the application has what it plugs into: Micrometer meters,
 * a health indicator named {@code cachet}, and the {@code cachet} Actuator endpoint. They share one
 * {@link RedisMonitor}, which probes each Redis in the background.
 */
@AutoConfiguration(after = CachetAutoConfiguration.class)
@ConditionalOnBean(CachetCaches.class)
@Conditional(CachetActuatorAutoConfiguration.MetricsOrHealth.class)
public class CachetActuatorAutoConfiguration {
    /** Micrometer or Spring Boot's health support: without either, nothing would read the monitor. */
    static final class MetricsOrHealth extends AnyNestedCondition {
        MetricsOrHealth() {
            super(ConfigurationPhase.PARSE_CONFIGURATION);
        }

        @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
        static final class Metrics {
        }

        @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
        static final class Health {
        }
    }

    /** The background Redis probe; stopped with the context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RedisMonitor cachetRedisMonitor(CachetCaches caches, CachetProperties properties) {
        Duration interval = properties.getMonitor().getInterval();
        Duration timeout = properties.getMonitor().getTimeout();
        if (interval == null || !interval.isPositive()) {
            throw new InvalidConfigurationPropertyValueException("cachet.monitor.interval", interval, "must be a positive duration");
        }
        if (timeout == null || !timeout.isPositive()) {
            throw new InvalidConfigurationPropertyValueException("cachet.monitor.timeout", timeout, "must be a positive duration");
        }
        return new RedisMonitor(caches, interval, timeout);
    }

    /** Meters, when Micrometer is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Meters {
        @Bean
        CachetMeters cachetMeters(CachetCaches caches, RedisMonitor monitor) {
            return new CachetMeters(caches, monitor);
        }
    }

    /** The health indicator, when Spring Boot's health support is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Healthy {
        @Bean(name = "cachetHealthIndicator")
        @ConditionalOnMissingBean(name = "cachetHealthIndicator")
        HealthIndicator cachetHealthIndicator(CachetCaches caches, RedisMonitor monitor) {
            return new CachetHealthIndicator(caches, monitor);
        }
    }

    /** The endpoint, when Actuator is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class Admin {
        @Bean
        @ConditionalOnMissingBean
        CachetEndpoint cachetEndpoint(CachetCaches caches) {
            return new CachetEndpoint(caches);
        }
    }
}
