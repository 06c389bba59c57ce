package dev.cachet.catalog.cli;

import dev.cachet.Cache;
import dev.cachet.Ttl;
import dev.cachet.catalog.CatalogApplication;
import dev.cachet.catalog.ProgressBar;
import dev.cachet.catalog.cache.CacheOperations;
import dev.cachet.catalog.cache.RedisSummary;
import dev.cachet.catalog.category.Category;
import dev.cachet.redis.RedisStore;
import dev.cachet.spring.CachetCaches;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar catalog.jar cache ...}: the brief's management command, done right. It starts the
 * service's context without a web server (and never loads demo data), runs one command against the live
 * database and caches, prints what it did, and exits non-zero with a message that says why when it fails.
 */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Warm, invalidate and inspect the catalog's caches.",
        subcommands = {CacheCli.Warm.class, CacheCli.Invalidate.class, CacheCli.Stats.class, CacheCli.PurgeVersions.class})
public final class CacheCli implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    private CacheCli() {
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /**
     * Runs {@code args} (starting with {@code cache}) and returns the exit code: 0 when done, 1 when the
     * work failed, 2 for a bad command line. The command line is checked before anything is started.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        try (Service service = new Service(springArgs(args))) {
            CommandLine command = new CommandLine(new CacheCli(), new CommandLine.IFactory() {
                @Override
                public <K> K create(Class<K> type) throws Exception {
                    if (type.getEnclosingClass() == CacheCli.class) {
                        return type.getDeclaredConstructor(Service.class).newInstance(service);
                    }
                    return CommandLine.defaultFactory().create(type);
                }
            });
            command.setOut(out).setErr(err);
            command.setExecutionExceptionHandler((e, line, parsed) -> {
                line.getErr().println("cache " + line.getCommandName() + ": failed: " + rootMessage(e));
                return 1;
            });
            return command.execute(commandArgs(args));
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The service's context without a web server, started when a command first needs it. Its caches are not
     * fail-soft: a command must fail when Redis does, not report that it deleted nothing.
     */
    static final class Service implements AutoCloseable {
        private final String[] springArgs;
        private ConfigurableApplicationContext context;

        Service(String[] springArgs) {
            this.springArgs = springArgs;
        }

        ConfigurableApplicationContext context() {
            if (context == null) {
                try {
                    context = new SpringApplicationBuilder(CatalogApplication.class)
                            .web(WebApplicationType.NONE)
                            .properties("spring.main.banner-mode=off", "logging.level.root=WARN", "catalog.demo.products=0",
                                    "cachet.monitor.interval=1h", "cachet.defaults.fail-soft=false")
                            .run(springArgs);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot start against the database and caches: " + rootMessage(e));
                }
            }
            return context;
        }

        @Override
        public void close() {
            if (context != null) {
                context.close();
            }
        }
    }

    /** Spring properties given as {@code --spring.x=y} go to the context; the rest is the command's. */
    private static String[] springArgs(String[] args) {
        List<String> spring = new ArrayList<>();
        for (String arg : args) {
            if (isSpringProperty(arg)) {
                spring.add(arg);
            }
        }
        return spring.toArray(String[]::new);
    }

    /** The command's own arguments: after {@code cache}, without the Spring properties. */
    private static String[] commandArgs(String[] args) {
        List<String> own = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (!isSpringProperty(args[i])) {
                own.add(args[i]);
            }
        }
        return own.toArray(String[]::new);
    }

    private static boolean isSpringProperty(String arg) {
        return arg.startsWith("--spring.") || arg.startsWith("--cachet.") || arg.startsWith("--catalog.");
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** A subcommand: where it stands on the command line, and the context it runs against. */
    abstract static class Subcommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        private final Service service;

        Subcommand(Service service) {
            this.service = service;
        }

        ConfigurableApplicationContext context() {
            return service.context();
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        CommandLine.ParameterException badUsage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }

        /**
         * Refuses to change caches that live only in this command's process: with every cache in process
         * ({@code store=local}), nothing the command did would reach the running service.
         */
        void requireShared() {
            CachetCaches caches = context().getBean(CachetCaches.class);
            boolean shared = caches.all().keySet().stream().anyMatch(alias -> caches.redisStore(alias).isPresent());
            if (!shared) {
                throw new IllegalStateException("every cache is in process (cachet.defaults.store=local), so this command could not"
                        + " reach the running service's caches; run it with CACHET_DEFAULTS_STORE=redis or tiered and CACHET_DEFAULTS_URL");
            }
            for (String alias : caches.all().keySet()) {
                if (caches.redisStore(alias).isPresent() && caches.failSoft(alias)) {
                    throw new IllegalStateException("cache " + alias + " is fail-soft, so a Redis failure would look like success;"
                            + " run the command with --cachet.caches." + alias + ".fail-soft=false");
                }
            }
        }
    }

    /** Draws a progress bar on one line. */
    static void progress(PrintWriter out, String what, long done, long total) {
        out.print(ProgressBar.line(what, done, total));
        out.flush();
    }

    /** Who the actions' log names: the command line, and the account it runs as. */
    private static String who() {
        return "command line (" + System.getProperty("user.name") + ")";
    }

    @Command(name = "warm", description = "Put categories' product pages and products in the caches.")
    static final class Warm extends Subcommand {
        @Option(names = "--category", description = "Only this category (by id); every active one when absent.")
        Long category;

        @Option(names = "--ttl", description = "Seconds the entries live; the caches' defaults when absent.")
        Long ttl;

        Warm(Service service) {
            super(service);
        }

        @Override
        public Integer call() {
            PrintWriter out = out();
            if (ttl != null && ttl <= 0) {
                throw badUsage("--ttl must be a positive number of seconds, was " + ttl);
            }
            requireShared();
            CacheOperations operations = context().getBean(CacheOperations.class);
            List<Category> targets = operations.warmTargets(category);
            CacheOperations.Warmed warmed = operations.warm(who(), targets, ttl == null ? Ttl.DEFAULT : Ttl.ofSeconds(ttl),
                    (done, total) -> progress(out, "warming", done, total));
            progress(out, "warming", warmed.products(), warmed.products());
            out.printf(Locale.ROOT, "%nwarmed %,d categories: %,d pages and %,d products in %.1f s%n", warmed.categories(), warmed.pages(),
                    warmed.products(), warmed.took().toNanos() / 1e9);
            return 0;
        }
    }

    @Command(name = "invalidate", description = "Drop cached entries by category, tag or key pattern, in every cache.")
    static final class Invalidate extends Subcommand {
        @Option(names = "--category", description = "Everything that shows this category or any of its products.")
        Long category;

        @Option(names = "--tag", description = "Everything stamped with this tag.")
        String tag;

        @Option(names = "--pattern", description = "Keys of the current version matching this Redis glob, e.g. 'product:*'.")
        String pattern;

        @Option(names = "--dry-run", description = "Only say what would be invalidated, and count what a pattern matches.")
        boolean dryRun;

        Invalidate(Service service) {
            super(service);
        }

        @Override
        public Integer call() {
            int given = (category != null ? 1 : 0) + (tag != null ? 1 : 0) + (pattern != null ? 1 : 0);
            if (given != 1) {
                throw badUsage("give exactly one of --category, --tag and --pattern");
            }
            if (tag != null && tag.isBlank()) {
                throw badUsage("--tag must not be blank");
            }
            if (pattern != null && pattern.isBlank()) {
                throw badUsage("--pattern must not be blank");
            }
            requireShared();
            CacheOperations operations = context().getBean(CacheOperations.class);
            return pattern != null ? byPattern(operations) : byTags(operations);
        }

        private int byTags(CacheOperations operations) {
            PrintWriter out = out();
            List<String> tags;
            String what;
            if (category != null) {
                tags = operations.categoryTags(category);
                what = String.format(Locale.ROOT, "category %d: tag %s and the tags of its %,d products", category, tags.getFirst(),
                        tags.size() - 1);
            } else {
                tags = List.of(tag);
                what = "tag " + tag;
            }
            Set<String> aliases = operations.caches().keySet();
            if (dryRun) {
                // Tags are invalidated by bumping their versions, so there is no count of the entries they drop.
                out.printf(Locale.ROOT, "would invalidate %s, in %d caches: %s (dry run, nothing invalidated)%n", what, aliases.size(),
                        aliases);
                return 0;
            }
            operations.invalidateTags(who(), what, tags, tags.size() > 1 ? (done, total) -> progress(out, "invalidating", done, total)
                    : CacheOperations.Progress.NONE);
            out.printf(Locale.ROOT, "%sinvalidated %s, in %d caches: %s%n", tags.size() > 1 ? "\n" : "", what, aliases.size(), aliases);
            return 0;
        }

        private int byPattern(CacheOperations operations) {
            PrintWriter out = out();
            Map<String, Long> counts = dryRun ? operations.countByPattern(pattern) : operations.deleteByPattern(who(), pattern);
            counts.forEach((alias, count) -> out.printf(Locale.ROOT, "%-10s %,d keys %s%n", alias, count, dryRun ? "match" : "deleted"));
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            out.printf(Locale.ROOT, "pattern '%s': %,d keys %s%n", pattern, total, dryRun ? "match (dry run, nothing deleted)" : "deleted");
            return 0;
        }
    }

    @Command(name = "stats", description = "Per-cache counters of the running service, and each Redis' memory and keyspace.")
    static final class Stats extends Subcommand {
        @Option(names = "--service", description = "The running service, for its counters (default: ${DEFAULT-VALUE}).",
                defaultValue = "http://localhost:8080")
        String service;

        @Option(names = "--user", description = "An admin's name:password for the service (default: ${DEFAULT-VALUE}).",
                defaultValue = "admin:admin")
        String user;

        Stats(Service service) {
            super(service);
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = out();
            HttpRequest request = HttpRequest.newBuilder(URI.create(service + "/actuator/cachet")).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)))
                    .header("Accept", "application/json").build();
            HttpResponse<String> response;
            try {
                response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                        .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot reach the service at " + service + " (" + e.getMessage() + "); give --service");
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the service at " + service + " answered " + response.statusCode()
                        + " for /actuator/cachet; give an admin's --user name:password");
            }
            Map<String, Object> all = new JsonMapper().readValue(response.body(), LinkedHashMap.class);
            out.printf(Locale.ROOT, "%-10s %-7s %12s %12s %12s %10s%n", "cache", "store", "hits", "misses", "stale", "hit ratio");
            all.forEach((alias, described) -> {
                Map<?, ?> cache = (Map<?, ?>) described;
                Map<?, ?> stats = (Map<?, ?>) cache.get("stats");
                out.printf(Locale.ROOT, "%-10s %-7s %,12d %,12d %,12d %9.1f%%%n", alias, cache.get("store"),
                        ((Number) stats.get("hits")).longValue(), ((Number) stats.get("misses")).longValue(),
                        ((Number) stats.get("staleHits")).longValue(), ((Number) stats.get("hitRatio")).doubleValue() * 100);
            });
            List<CachetCaches.RedisServer> servers = context().getBean(CachetCaches.class).redisServers();
            if (servers.isEmpty()) {
                out.println("redis: none (every cache is in process)");
            }
            for (CachetCaches.RedisServer server : servers) {
                RedisSummary redis = RedisSummary.of(server.name(), RedisStore.info(server.store()).get(5, TimeUnit.SECONDS));
                out.printf(Locale.ROOT, "redis %s: memory %s of %s (%s), evicted %,d keys, keyspace hits %,d misses %,d, %d clients%n",
                        redis.server(), redis.usedMemoryHuman(), redis.maxMemory() == 0 ? "unbounded" : redis.maxMemory(), redis.policy(),
                        redis.evictedKeys(), redis.keyspaceHits(), redis.keyspaceMisses(), redis.clients());
                List<String> keyspace = redis.keyspace().entrySet().stream().map(db -> db.getKey() + " " + db.getValue()).toList();
                out.printf(Locale.ROOT, "redis %s: keyspace %s%n", redis.server(), keyspace.isEmpty() ? "empty" : String.join("; ", keyspace));
            }
            return 0;
        }
    }

    @Command(name = "purge-versions", description = "Delete every entry of a version other than each cache's current one.")
    static final class PurgeVersions extends Subcommand {
        @Option(names = "--dry-run", description = "Only count them.")
        boolean dryRun;

        PurgeVersions(Service service) {
            super(service);
        }

        @Override
        public Integer call() {
            PrintWriter out = out();
            requireShared();
            long total = 0;
            for (Map.Entry<String, Cache> cache : context().getBean(CachetCaches.class).all().entrySet()) {
                long count = dryRun ? cache.getValue().countOldVersions() : cache.getValue().purgeOldVersions();
                total += count;
                out.printf(Locale.ROOT, "%-10s version %d current, %,d entries of other versions %s%n", cache.getKey(),
                        cache.getValue().version(), count, dryRun ? "found" : "deleted");
            }
            out.printf(Locale.ROOT, "%,d entries of old versions %s%n", total, dryRun ? "found (dry run, nothing deleted)" : "deleted");
            return 0;
        }
    }
}
