package dev.cachet.spring.thymeleaf;

import dev.cachet.Cache;
import dev.cachet.ComputeOptions;
import dev.cachet.Ttl;
import dev.cachet.spring.CachetCaches;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.springframework.boot.convert.DurationStyle;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.engine.AttributeName;
import org.thymeleaf.engine.TemplateManager;
import org.thymeleaf.engine.TemplateModel;
import org.thymeleaf.exceptions.TemplateProcessingException;
import org.thymeleaf.model.IModel;
import org.thymeleaf.model.IModelFactory;
import org.thymeleaf.model.IProcessableElementTag;
import org.thymeleaf.processor.element.AbstractAttributeModelProcessor;
import org.thymeleaf.processor.element.IElementModelStructureHandler;
import org.thymeleaf.standard.expression.ExpressionSequenceUtils;
import org.thymeleaf.standard.expression.IStandardExpression;
import org.thymeleaf.standard.expression.StandardExpressions;
import org.thymeleaf.templatemode.TemplateMode;

/**
 * {@code cachet:cache}: answers the element from the cache, or renders it (with everything inside, in the
 * current context), stores the rendering and answers with it. Runs before every standard attribute, so that
 * the element's own {@code th:*} attributes are part of what is cached.
 */
final class FragmentCacheProcessor extends AbstractAttributeModelProcessor {
    private static final int PRECEDENCE = 10;
    private static final List<String> ATTRIBUTES = List.of("cache", "vary", "ttl", "tags", "alias");

    private final String prefix;
    private final CachetCaches caches;
    private final String defaultAlias;

    FragmentCacheProcessor(String prefix, CachetCaches caches, String defaultAlias) {
        super(TemplateMode.HTML, prefix, null, false, "cache", true, PRECEDENCE, true);
        this.prefix = prefix;
        this.caches = caches;
        this.defaultAlias = defaultAlias;
    }

    @Override
    protected void doProcess(ITemplateContext context, IModel model, AttributeName attributeName, String attributeValue,
            IElementModelStructureHandler structureHandler) {
        IProcessableElementTag element = (IProcessableElementTag) model.get(0);
        String name = literalOrExpression(context, attributeValue);
        if (name.isBlank()) {
            throw new TemplateProcessingException(prefix + ":cache needs the fragment's name");
        }
        List<Object> vary = values(context, element, "vary");
        List<Object> tagValues = values(context, element, "tags");
        String ttlText = element.getAttributeValue(prefix, "ttl");
        String alias = element.getAttributeValue(prefix, "alias");
        Cache cache = cache(alias != null ? alias : defaultAlias, name);
        Ttl ttl = ttlText == null ? Ttl.DEFAULT : Ttl.of(duration(name, ttlText));
        List<String> tags = new ArrayList<>();
        tagValues.forEach(tag -> tags.add(String.valueOf(tag)));

        String key = "fragment:" + name + ":" + digest(vary);
        IModelFactory factory = context.getModelFactory();
        // Through get-or-compute: the tags' versions are read before the rendering, so a write that invalidates
        // them while it runs (after this request loaded what it shows) leaves no stale copy behind, and
        // concurrent requests for a missing fragment render it once. One too large to keep is shown unstored.
        String html = cache.getOrCompute(key, String.class, ComputeOptions.builder().ttl(ttl).tags(tags).build(),
                () -> render(context, model, factory, element));
        model.reset();
        model.add(factory.createText(html));
    }

    /** Renders the element and its content in the current context, without the {@code cachet:*} attributes. */
    private String render(ITemplateContext context, IModel model, IModelFactory factory, IProcessableElementTag element) {
        IProcessableElementTag bare = element;
        for (String option : ATTRIBUTES) {
            bare = factory.removeAttribute(bare, prefix, option);
        }
        model.replace(0, bare);
        StringWriter markup = new StringWriter();
        try {
            model.write(markup);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        TemplateManager templates = context.getConfiguration().getTemplateManager();
        TemplateModel parsed = templates.parseString(context.getTemplateData(), markup.toString(), element.getLine(),
                element.getCol(), context.getTemplateMode(), false);
        StringWriter rendered = new StringWriter();
        templates.process(parsed, context, rendered);
        return rendered.toString();
    }

    private Cache cache(String alias, String fragment) {
        if (alias == null) {
            throw new TemplateProcessingException("fragment '" + fragment + "' names no cache (" + prefix
                    + ":alias) and cachet.fragments.cache is not set");
        }
        return caches.get(alias);
    }

    private static Duration duration(String fragment, String text) {
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new TemplateProcessingException("fragment '" + fragment + "' has a ttl that is not a duration: '" + text + "'", e);
        }
    }

    /** The values of a comma-separated list of expressions in attribute {@code option}; empty when absent. */
    private List<Object> values(ITemplateContext context, IProcessableElementTag element, String option) {
        String text = element.getAttributeValue(prefix, option);
        List<Object> values = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (IStandardExpression expression : ExpressionSequenceUtils.parseExpressionSequence(context, text)) {
                values.add(expression.execute(context));
            }
        }
        return values;
    }

    /** A name is taken as it is, unless it is an expression ({@code ${...}}, {@code '...'} and the like). */
    private static String literalOrExpression(ITemplateContext context, String value) {
        String trimmed = value == null ? "" : value.trim();
        boolean expression = trimmed.startsWith("'") || trimmed.contains("${") || trimmed.contains("*{") || trimmed.contains("#{");
        if (!expression) {
            return trimmed;
        }
        return String.valueOf(StandardExpressions.getExpressionParser(context.getConfiguration()).parseExpression(context, trimmed)
                .execute(context));
    }

    /**
     * A hash of the vary-on values, as Django's fragment key; each value is length-prefixed, so that values
     * holding the separator cannot make two lists look alike ({@code "a:b","c"} and {@code "a","b:c"}).
     */
    private static String digest(List<Object> vary) {
        StringBuilder joined = new StringBuilder();
        for (Object value : vary) {
            String text = String.valueOf(value);
            joined.append(text.length()).append(':').append(text);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(joined.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
