package dev.cachet.catalog.web;

import dev.cachet.spring.CachetProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** What the HTML pages share: the count of what served each one, shown in its footer. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class PageConfiguration {
    /** Just in front of the response cache (at {@code LOWEST_PRECEDENCE - 100}), so that it sees the cache's status header. */
    private static final int SERVED_ORDER = Ordered.LOWEST_PRECEDENCE - 200;

    @Bean
    static StatementCounting statementCounting() {
        return new StatementCounting();
    }

    @Bean
    FilterRegistrationBean<ServedFilter> servedFilter(CachetProperties properties) {
        FilterRegistrationBean<ServedFilter> registration = new FilterRegistrationBean<>(new ServedFilter(properties.getWeb().getStatusHeader()));
        registration.setOrder(SERVED_ORDER);
        return registration;
    }
}
