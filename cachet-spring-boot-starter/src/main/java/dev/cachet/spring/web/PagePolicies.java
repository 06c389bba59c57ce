package dev.cachet.spring.web;

import dev.cachet.Cache;
import dev.cachet.spring.CachetCaches;
import dev.cachet.spring.CachetProperties;
import dev.cachet.store.Envelope;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Which requests the response cache handles, and how: the {@link CachePage} of the handler a request goes to
 * (worked out once per handler and checked for every handler at start-up), else the per-site policy, else
 * none; never a handler that streams or answers asynchronously, which must reach the client as it is written.
 */
final class PagePolicies {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

    private final CachetCaches caches;
    private final CachetProperties.Web web;
    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private final Map<Method, Handling> handlings = new ConcurrentHashMap<>();
    /** The caches that hold responses: the site's and every {@link CachePage}'s, where unsafe requests invalidate. */
    private final Set<Cache> responseCaches = ConcurrentHashMap.newKeySet();
    private volatile List<RequestMappingHandlerMapping> resolvedMappings;

    PagePolicies(CachetCaches caches, CachetProperties.Web web, ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.caches = caches;
        this.web = web;
        this.mappings = mappings;
        if (web.getCache() != null && caches.all().containsKey(web.getCache())) {
            responseCaches.add(caches.get(web.getCache()));
        }
    }

    /** The caches that hold responses, as far as the handlers seen so far tell. */
    Set<Cache> responseCaches() {
        return responseCaches;
    }

    /**
     * How one request's response is cached; {@code query} null to key on the whole query string;
     * {@code annotated} when the handler is marked {@link CachePage} (rather than cached per site).
     */
    record Policy(Cache cache, String keyPrefix, Duration ttl, Duration staleWhileRevalidate, Duration staleIfError,
            List<String> tags, Set<String> query, boolean annotated) {}


    /** The parameter names of {@link CachePage#query()}; null for all. */
    private static Set<String> query(String[] names, String where) {
        List<String> list = List.of(names);
        if (list.contains("*")) {
            if (list.size() > 1) {
                throw new IllegalStateException(where + " names \"*\" (the whole query string) and parameters in query: pick one");
            }
            return null;
        }
        for (String name : list) {
            if (name.isBlank()) {
                throw new IllegalStateException(where + " has a blank parameter name in query");
            }
        }
        return Set.copyOf(list);
    }


    /** The policy of this request: its handler's {@link CachePage}, else the per-site one, else none. */
    Policy policy(HttpServletRequest request) {
        HandlerMethod method = handler(request);
        Handling handling = method == null ? Handling.PLAIN : handlings.computeIfAbsent(method.getMethod(), m -> handling(method));
        if (handling.streams()) {
            // Never buffered: its body must reach the client as it is written.
            return null;
        }
        if (handling.policy() == null) {
            return web.isSite()
                    ? new Policy(cache(null, "cachet.web.site"), web.getKeyPrefix(), null, null, null, List.of(), null, false)
                    : null;
        }
        Policy policy = handling.policy();
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        List<String> tags = new ArrayList<>(policy.tags().size());
        for (String tag : policy.tags()) {
            String resolved = resolve(tag, variables, method);
            try {
                Envelope.checkTagName(resolved);
            } catch (IllegalArgumentException notATag) {
                // A path variable no tag can hold (too long, a control character): the handler answers it uncached.
                return null;
            }
            tags.add(resolved);
        }
        return new Policy(policy.cache(), policy.keyPrefix(), policy.ttl(), policy.staleWhileRevalidate(), policy.staleIfError(), tags,
                policy.query(), true);
    }


    /** A tag with each {@code {name}} replaced by the request's path variable of that name. */
    private static String resolve(String tag, Map<String, String> variables, HandlerMethod method) {
        Matcher placeholder = PLACEHOLDER.matcher(tag);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            String value = variables == null ? null : variables.get(placeholder.group(1));
            if (value == null) {
                throw new IllegalStateException("@CachePage on " + method.getShortLogMessage() + ": tag '" + tag
                        + "' names path variable '" + placeholder.group(1) + "', which the request does not have");
            }
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }


    /** The policy an annotated handler asks for; checked for every handler at start-up (see {@link #check}). */
    private Policy policy(HandlerMethod method, CachePage page) {
        String where = "@CachePage on " + method.getShortLogMessage();
        Duration ttl = duration(page.ttl(), where + " (ttl)");
        Duration whileRevalidating = duration(page.staleWhileRevalidate(), where + " (staleWhileRevalidate)");
        Duration ifError = duration(page.staleIfError(), where + " (staleIfError)");
        if (ttl == null && (whileRevalidating != null || ifError != null)) {
            throw new IllegalStateException(where + " has a stale window but no ttl: the windows count from the TTL it gives");
        }
        Cache cache = cache(page.cache().isEmpty() ? null : page.cache(), where);
        responseCaches.add(cache);
        return new Policy(cache, page.keyPrefix().isEmpty() ? web.getKeyPrefix() : page.keyPrefix(), ttl, whileRevalidating, ifError,
                List.of(page.tags()), query(page.query(), where), true);
    }


    /**
     * Checks every {@link CachePage} of the application's handlers, so that a bad duration, an unknown cache
     * alias or a stale window without a TTL stops start-up rather than failing requests.
     *
     * @throws IllegalStateException naming the handler and what is wrong
     */
    void check() {
        handlerMappings().forEach(mapping -> mapping.getHandlerMethods().values().forEach(method -> {
            Handling handling = handling(method);
            handlings.put(method.getMethod(), handling);
            CachePage page = annotation(method);
            if (page != null) {
                for (String tag : page.tags()) {
                    Matcher placeholder = PLACEHOLDER.matcher(tag);
                    while (placeholder.find()) {
                        if (!pathVariables(method).contains(placeholder.group(1))) {
                            throw new IllegalStateException("@CachePage on " + method.getShortLogMessage() + ": tag '" + tag
                                    + "' names '" + placeholder.group(1) + "', which is none of its path variables " + pathVariables(method));
                        }
                    }
                }
            }
        }));
    }


    private Cache cache(String alias, String where) {
        String name = alias != null ? alias : web.getCache();
        if (name == null) {
            throw new IllegalStateException(where + " names no cache, and cachet.web.cache is not set");
        }
        if (!caches.all().containsKey(name)) {
            throw new IllegalStateException(where + " names cache '" + name + "', which is not configured; configured: "
                    + caches.all().keySet());
        }
        return caches.get(name);
    }


    private static Duration duration(String text, String where) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + " is not a duration: '" + text + "'", e);
        }
    }


    private static CachePage annotation(HandlerMethod method) {
        CachePage onMethod = method.getMethodAnnotation(CachePage.class);
        return onMethod != null ? onMethod : method.getBeanType().getAnnotation(CachePage.class);
    }


    private Handling handling(HandlerMethod method) {
        CachePage page = annotation(method);
        return new Handling(streams(method), page == null ? null : policy(method, page));
    }


    /** The names of a handler's {@code @PathVariable} parameters. */
    private static List<String> pathVariables(HandlerMethod method) {
        List<String> names = new ArrayList<>();
        for (var parameter : method.getMethodParameters()) {
            PathVariable variable = parameter.getParameterAnnotation(PathVariable.class);
            if (variable != null) {
                String name = !variable.name().isEmpty() ? variable.name() : !variable.value().isEmpty() ? variable.value()
                        : parameter.getParameterName();
                names.add(name);
            }
        }
        return names;
    }


    /** Whether a handler answers asynchronously or as a stream (emitters, streaming bodies, deferred results). */
    private static boolean streams(HandlerMethod method) {
        ResolvableType type = ResolvableType.forMethodReturnType(method.getMethod());
        if (type.resolve() == ResponseEntity.class) {
            type = type.getGeneric(0);
        }
        Class<?> body = type.resolve(Object.class);
        return StreamingResponseBody.class.isAssignableFrom(body) || ResponseBodyEmitter.class.isAssignableFrom(body)
                || Callable.class.isAssignableFrom(body) || DeferredResult.class.isAssignableFrom(body)
                || CompletionStage.class.isAssignableFrom(body) || body.getName().startsWith("org.reactivestreams.")
                || body.getName().startsWith("reactor.core.publisher.");
    }


    /**
     * The application's handler mappings, looked up once: asking the bean factory on every request cost a
     * cached page more than reading it.
     */
    private List<RequestMappingHandlerMapping> handlerMappings() {
        List<RequestMappingHandlerMapping> found = resolvedMappings;
        if (found == null) {
            found = mappings.orderedStream().toList();
            resolvedMappings = found;
        }
        return found;
    }


    /** The controller method that will handle the request, asked of each request mapping in order. */
    private HandlerMethod handler(HttpServletRequest request) {
        // Before the DispatcherServlet, the mappings need the parsed path that the servlet would parse.
        Object parsed = request.getAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE);
        try {
            ServletRequestPathUtils.parseAndCache(request);
            for (RequestMappingHandlerMapping mapping : handlerMappings()) {
                HandlerExecutionChain chain = mapping.getHandler(request);
                if (chain != null && chain.getHandler() instanceof HandlerMethod method) {
                    return method;
                }
            }
            return null;
        } catch (Exception notMapped) {
            return null;
        } finally {
            request.setAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE, parsed);
        }
    }


    /** How a handler's responses are treated: worked out once per handler, not on every request. */
    private record Handling(boolean streams, Policy policy) {
        static final Handling PLAIN = new Handling(false, null);
    }
}
