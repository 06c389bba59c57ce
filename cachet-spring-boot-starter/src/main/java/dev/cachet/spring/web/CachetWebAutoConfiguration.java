package dev.cachet.spring.web;

import dev.cachet.spring.CachetAutoConfiguration;
import dev.cachet.spring.CachetCaches;
import dev.cachet.spring.CachetProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The whole-response cache in a servlet application: per site with {@code cachet.web.site=true}, per
 * endpoint with {@link CachePage}. The filter runs late in the chain, after authentication and session
 * filters, so that what decides who a request is has run before the cache answers it.
 */
@AutoConfiguration(after = CachetAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(CachetCaches.class)
@ConditionalOnProperty(name = "cachet.web.enabled", matchIfMissing = true)
public class CachetWebAutoConfiguration {
    /** Runs after Spring Security's filter chain (-100) and every filter of default order before it. */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    /** The response cache filter. */
    @Bean
    public FilterRegistrationBean<ResponseCacheFilter> cachetResponseCacheFilter(CachetCaches caches, CachetProperties properties,
            ObjectProvider<RequestMappingHandlerMapping> mappings) {
        CachetProperties.Web web = properties.getWeb();
        String alias = web.getCache();
        if (alias != null && !caches.all().containsKey(alias)) {
            throw new InvalidConfigurationPropertyValueException("cachet.web.cache", alias,
                    "no cache by that alias is configured; configured: " + caches.all().keySet());
        }
        if (web.isSite() && alias == null) {
            throw new InvalidConfigurationPropertyValueException("cachet.web.cache", null,
                    "cachet.web.site=true needs the alias of the cache that keeps the responses");
        }
        FilterRegistrationBean<ResponseCacheFilter> registration =
                new FilterRegistrationBean<>(new ResponseCacheFilter(caches, web, mappings));
        registration.setOrder(ORDER);
        return registration;
    }

    /** Checks every {@link CachePage} once the handlers are known: a bad one stops start-up, naming the handler. */
    @Bean
    public SmartInitializingSingleton cachetCachePageCheck(FilterRegistrationBean<ResponseCacheFilter> cachetResponseCacheFilter) {
        return () -> cachetResponseCacheFilter.getFilter().check();
    }
}
