package dev.cachet.spring.thymeleaf;

import dev.cachet.spring.CachetCaches;
import java.util.Set;
import org.thymeleaf.dialect.AbstractProcessorDialect;
import org.thymeleaf.processor.IProcessor;
import org.thymeleaf.standard.StandardDialect;

/**
 * The {@code cachet} Thymeleaf dialect: template fragment caching, as Django's {@code {% cache %}}.
 *
 * <pre>{@code
 * <aside cachet:cache="sidebar" cachet:vary="${category.id}, ${#locale}" cachet:ttl="10m"
 *        cachet:tags="'category:' + ${category.id}">
 *   ... rendered once per category and locale, until the TTL or the tag's invalidation ...
 * </aside>
 * }</pre>
 *
 * {@code cachet:cache} names the fragment; {@code cachet:vary} lists the expressions whose values select a
 * copy; {@code cachet:ttl} is a duration (the cache's default TTL when absent); {@code cachet:tags} lists
 * expressions giving the tags of the copy, so that invalidating a tag (with the objects the fragment shows)
 * drops it; {@code cachet:alias} picks the cache ({@code cachet.fragments.cache} when absent). The element
 * itself is cached with what it holds.
 */
public final class CachetDialect extends AbstractProcessorDialect {
    /** The dialect's prefix: {@code cachet:cache} and so on. */
    public static final String PREFIX = "cachet";

    private final CachetCaches caches;
    private final String defaultAlias;

    /** The dialect over {@code caches}; fragments go to {@code defaultAlias} unless they name another. */
    public CachetDialect(CachetCaches caches, String defaultAlias) {
        super("Cachet", PREFIX, StandardDialect.PROCESSOR_PRECEDENCE);
        this.caches = caches;
        this.defaultAlias = defaultAlias;
    }

    @Override
    public Set<IProcessor> getProcessors(String dialectPrefix) {
        return Set.of(new FragmentCacheProcessor(dialectPrefix, caches, defaultAlias));
    }
}
