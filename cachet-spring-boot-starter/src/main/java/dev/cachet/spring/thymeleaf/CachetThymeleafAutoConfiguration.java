package dev.cachet.spring.thymeleaf;

import dev.cachet.spring.CachetAutoConfiguration;
import dev.cachet.spring.CachetCaches;
import dev.cachet.spring.CachetProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.thymeleaf.dialect.IDialect;

/** The {@code cachet} dialect for Thymeleaf applications; Spring Boot's Thymeleaf support registers it. */
@AutoConfiguration(after = CachetAutoConfiguration.class,
        beforeName = "org.springframework.boot.thymeleaf.autoconfigure.ThymeleafAutoConfiguration")
@ConditionalOnClass(IDialect.class)
@ConditionalOnBean(CachetCaches.class)
public class CachetThymeleafAutoConfiguration {
    /** The dialect, with fragments going to {@code cachet.fragments.cache} unless they name a cache. */
    @Bean
    @ConditionalOnMissingBean
    public CachetDialect cachetDialect(CachetCaches caches, CachetProperties properties) {
        String alias = properties.getFragments().getCache();
        if (alias != null && !caches.all().containsKey(alias)) {
            throw new InvalidConfigurationPropertyValueException("cachet.fragments.cache", alias,
                    "no cache by that alias is configured; configured: " + caches.all().keySet());
        }
        return new CachetDialect(caches, alias);
    }
}
