package dev.cachet.spring.web;

import dev.cachet.spring.CachetAutoConfiguration;
import dev.cachet.spring.CachetCaches;
import dev.cachet.spring.CachetProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The whole-response cache in a servlet application: per site with {@code cachet.web.site=true}, per
 * endpoint with {@link CachePage}. The filter runs late in the chain, after authentication and session
 * filters, so that what decides who a request is has run before the cache answers it; only anonymous hits, when
 * asked for, are answered ahead of Spring Security.
 */
@AutoConfiguration(after = CachetAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(CachetCaches.class)
@ConditionalOnProperty(name = "cachet.web.enabled", matchIfMissing = true)
public class CachetWebAutoConfiguration {
    private static final System.Logger LOG = System.getLogger(CachetWebAutoConfiguration.class.getName());
    /** Runs after Spring Security's filter chain (-100) and every filter of default order before it. */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    /** The response cache filter. */
    @Bean
    public FilterRegistrationBean<ResponseCacheFilter> cachetResponseCacheFilter(CachetCaches caches, CachetProperties properties,
            ObjectProvider<RequestMappingHandlerMapping> mappings, Environment environment) {
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
        ResponseKeys keys = new ResponseKeys(hosts(web, environment), forwardingApplied(environment));
        FilterRegistrationBean<ResponseCacheFilter> registration =
                new FilterRegistrationBean<>(new ResponseCacheFilter(web, keys, new PagePolicies(caches, web, mappings)));
        registration.setOrder(ORDER);
        return registration;
    }

    /**
     * Anonymous hits answered ahead of Spring Security, with {@code cachet.web.anonymous-hits-before-security=true}
     * (see {@link AnonymousHitFilter} for the rule it relies on): just before the security filter chain
     * ({@code spring.security.filter.order}), through the application's {@link HttpFirewall}, else a strict one
     * as the chain's own default is.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HttpFirewall.class)
    @ConditionalOnProperty(name = "cachet.web.anonymous-hits-before-security")
    static class AnonymousHits {
        /** Where Spring Boot puts Spring Security's filter chain unless {@code spring.security.filter.order} moves it. */
        private static final int SECURITY_ORDER = -100;

        @Bean
        FilterRegistrationBean<AnonymousHitFilter> cachetAnonymousHitFilter(FilterRegistrationBean<ResponseCacheFilter> cachetResponseCacheFilter,
                CachetProperties properties, ObjectProvider<HttpFirewall> firewall, Environment environment) {
            AnonymousHitFilter filter = new AnonymousHitFilter(cachetResponseCacheFilter.getFilter().keys(),
                    firewall.getIfUnique(StrictHttpFirewall::new), properties.getWeb().getStatusHeader());
            FilterRegistrationBean<AnonymousHitFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setOrder(environment.getProperty("spring.security.filter.order", Integer.class, SECURITY_ORDER) - 1);
            return registration;
        }
    }

    /** Checks every {@link CachePage} once the handlers are known: a bad one stops start-up, naming the handler. */
    @Bean
    public SmartInitializingSingleton cachetCachePageCheck(FilterRegistrationBean<ResponseCacheFilter> cachetResponseCacheFilter) {
        return () -> cachetResponseCacheFilter.getFilter().check();
    }

    /**
     * The hosts whose responses are cached: {@code cachet.web.hosts}, else this machine's own names (loopback,
     * its host name, {@code server.address}), so that a site reached by a name of its own says so, and a
     * request with a made-up {@code Host} never makes an entry.
     */
    private static Set<String> hosts(CachetProperties.Web web, Environment environment) {
        Set<String> hosts = new HashSet<>();
        if (!web.getHosts().isEmpty()) {
            web.getHosts().forEach(host -> hosts.add(host.trim().toLowerCase(Locale.ROOT)));
            return hosts;
        }
        hosts.addAll(List.of("localhost", "127.0.0.1", "[::1]", "::1", "0:0:0:0:0:0:0:1"));
        String address = environment.getProperty("server.address");
        if (address != null && !address.isBlank()) {
            hosts.add(address.trim().toLowerCase(Locale.ROOT));
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            hosts.add(local.getHostName().toLowerCase(Locale.ROOT));
            hosts.add(local.getHostAddress().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException unnamed) {
            // Loopback names only.
        }
        LOG.log(System.Logger.Level.INFO, "cachet.web.hosts is not set: responses are cached for requests to {0} only; set it to"
                + " the host names the site is reached by", hosts);
        return hosts;
    }

    /**
     * Whether forwarding headers are in the request's URL by the time the cache sees it: Spring Boot's
     * {@code server.forward-headers-strategy} (native: the server applies them; framework: a filter does),
     * whose default follows the cloud platform the application runs on.
     */
    private static boolean forwardingApplied(Environment environment) {
        String strategy = environment.getProperty("server.forward-headers-strategy");
        if (strategy != null) {
            return !strategy.trim().equalsIgnoreCase("none");
        }
        CloudPlatform platform = CloudPlatform.getActive(environment);
        return platform != null && platform.isUsingForwardHeaders();
    }
}
