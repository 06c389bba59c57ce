package dev.cachet.catalog.admin;

import dev.cachet.Ttl;
import dev.cachet.catalog.cache.CacheOperations;
import dev.cachet.catalog.category.Category;
import dev.cachet.catalog.category.CategoryService;
import java.io.Serializable;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /admin/cache}, for admins: the caches and the Redis behind them as they are now and over the last
 * minutes, the alert rules that would fire, and the actions an operator takes (invalidate a key, a tag, a key
 * pattern or a category; warm a category). Every action is first shown as what it would do, counted where it can
 * be, and done only once confirmed; it goes through {@link CacheOperations}, as the cache commands do, which logs
 * it with who did it.
 */
@Controller
@ConditionalOnWebApplication
@RequestMapping("/admin/cache")
class CacheDashboardController {
    /** The longest key, tag or pattern taken. */
    private static final int MAX_VALUE = 500;

    /**
     * An action shown as what it would do, waiting for its confirmation: posted again with {@code confirm=true}.
     *
     * @param path where it is posted
     * @param what key, tag, pattern or category; null for a warm-up
     * @param value the key, tag, pattern or category id
     * @param cache the cache of a key, else null
     * @param description what it would do
     */
    record Plan(String path, String what, String value, String cache, String description) implements Serializable {}

    private final CacheWatch watch;
    private final CacheOperations operations;
    private final CategoryService categories;

    CacheDashboardController(CacheWatch watch, CacheOperations operations, CategoryService categories) {
        this.watch = watch;
        this.operations = operations;
        this.categories = categories;
    }

    @GetMapping
    String dashboard(Model model) {
        model.addAttribute("aliases", operations.caches().keySet());
        model.addAttribute("categories", categories.active());
        return "admin/cache";
    }

    /** What the page polls. */
    @GetMapping("/stats")
    @ResponseBody
    DashboardView stats() {
        return DashboardView.of(watch.samples(), watch.alerts(), CacheWatch.INTERVAL.toSeconds());
    }

    @PostMapping("/invalidate")
    String invalidate(@RequestParam String what, @RequestParam String value, @RequestParam(required = false) String cache,
            @RequestParam(defaultValue = "false") boolean confirm, Principal who, RedirectAttributes flash) {
        String given = value.strip();
        Set<String> aliases = operations.caches().keySet();
        if (given.isEmpty() || given.length() > MAX_VALUE) {
            return problem(flash, "Give the " + what + " to invalidate, at most " + MAX_VALUE + " characters.");
        }
        try {
            switch (what) {
                case "key" -> {
                    if (cache == null || !aliases.contains(cache)) {
                        return problem(flash, "Pick the cache the key is in: one of " + aliases + ".");
                    }
                    if (!confirm) {
                        return plan(flash, new Plan("invalidate", what, given, cache, "Key '" + given + "' "
                                + (operations.contains(cache, given) ? "is" : "is not") + " in cache " + cache + ": deleting it drops"
                                + " at most that one entry."));
                    }
                    boolean deleted = operations.deleteKey(who.getName(), cache, given);
                    return notice(flash, "Deleted key '" + given + "' from cache " + cache + (deleted ? "." : ": it was not there."));
                }
                case "tag" -> {
                    if (!confirm) {
                        return plan(flash, new Plan("invalidate", what, given, null, "Invalidating tag " + given + " drops every entry"
                                + " stamped with it, in the " + aliases.size() + " caches " + aliases + ". A tag is a version, bumped"
                                + " once, so there is no count of the entries it drops."));
                    }
                    operations.invalidateTags(who.getName(), "tag " + given, List.of(given), CacheOperations.Progress.NONE);
                    return notice(flash, "Invalidated tag " + given + " in the " + aliases.size() + " caches.");
                }
                case "pattern" -> {
                    if (!confirm) {
                        Map<String, Long> counts = operations.countByPattern(given);
                        return plan(flash, new Plan("invalidate", what, given, null, String.format(Locale.ROOT,
                                "%,d keys of the current version match '%s' (%s): deleting them drops those entries.",
                                total(counts), given, perCache(counts))));
                    }
                    Map<String, Long> deleted = operations.deleteByPattern(who.getName(), given);
                    return notice(flash, String.format(Locale.ROOT, "Deleted %,d keys matching '%s' (%s).", total(deleted), given,
                            perCache(deleted)));
                }
                case "category" -> {
                    long id = categoryId(given);
                    List<String> tags = operations.categoryTags(id);
                    String description = String.format(Locale.ROOT, "category %d: tag %s and the tags of its %,d products", id,
                            tags.getFirst(), tags.size() - 1);
                    if (!confirm) {
                        return plan(flash, new Plan("invalidate", what, given, null, "Invalidating " + description + ", in the "
                                + aliases.size() + " caches, drops everything that shows the category or any of its products."));
                    }
                    operations.invalidateTags(who.getName(), description, tags, CacheOperations.Progress.NONE);
                    return notice(flash, "Invalidated " + description + ".");
                }
                default -> {
                    return problem(flash, "Invalidate a key, a tag, a pattern or a category, not a '" + what + "'.");
                }
            }
        } catch (NoSuchElementException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            return problem(flash, "Could not " + (confirm ? "invalidate" : "count") + " that: " + e.getMessage());
        }
    }

    @PostMapping("/warm")
    String warm(@RequestParam String category, @RequestParam(defaultValue = "false") boolean confirm, Principal who,
            RedirectAttributes flash) {
        try {
            List<Category> targets = operations.warmTargets(categoryId(category));
            long products = operations.productsToWarm(targets);
            Category target = targets.getFirst();
            if (!confirm) {
                return plan(flash, new Plan("warm", null, category, null, String.format(Locale.ROOT, "Warming %s puts what is missing of"
                        + " its %,d products, and of the pages that list them, in the query and object caches.", target.name(), products)));
            }
            CacheOperations.Warmed warmed = operations.warm(who.getName(), targets, Ttl.DEFAULT, CacheOperations.Progress.NONE);
            return notice(flash, String.format(Locale.ROOT, "Warmed %s: %,d pages and %,d products in %,d ms.", target.name(), warmed.pages(),
                    warmed.products(), warmed.took().toMillis()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return problem(flash, "Could not warm that: " + e.getMessage());
        }
    }

    private static long categoryId(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("a category is given by its id, a number; '" + text + "' is not one");
        }
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String perCache(Map<String, Long> counts) {
        return counts.entrySet().stream().map(count -> String.format(Locale.ROOT, "%s %,d", count.getKey(), count.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String plan(RedirectAttributes flash, Plan plan) {
        flash.addFlashAttribute("plan", plan);
        return "redirect:/admin/cache#actions";
    }

    private static String notice(RedirectAttributes flash, String notice) {
        flash.addFlashAttribute("notice", notice);
        return "redirect:/admin/cache#actions";
    }

    private static String problem(RedirectAttributes flash, String problem) {
        flash.addFlashAttribute("problem", problem);
        return "redirect:/admin/cache#actions";
    }
}
