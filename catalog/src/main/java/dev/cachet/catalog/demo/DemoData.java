package dev.cachet.catalog.demo;

import dev.cachet.catalog.CatalogProperties;
import dev.cachet.catalog.ProgressBar;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loads the demo catalog into an empty database at start-up: {@code catalog.demo.categories} categories and
 * {@code catalog.demo.products} products, the same every time (a fixed seed), in batches, with a progress
 * bar. It runs once the beans are ready and before the web server takes connections, so no request ever
 * sees (or caches) a catalog half loaded; the cache commands, which run without a web server, never load it.
 * A database that already holds products is left alone; categories already there are used.
 */
@Component
@ConditionalOnWebApplication
class DemoData implements SmartInitializingSingleton {
    private static final int BATCH = 1_000;
    private static final String[] ADJECTIVES = {"Classic", "Compact", "Deluxe", "Eco", "Essential", "Everyday", "Heavy-duty",
        "Lightweight", "Modern", "Portable", "Premium", "Pro", "Rugged", "Smart", "Vintage", "Wireless"};
    private static final String[] NOUNS = {"Backpack", "Blender", "Camera", "Chair", "Desk", "Drill", "Headphones", "Kettle",
        "Lamp", "Monitor", "Notebook", "Phone", "Scooter", "Speaker", "Tent", "Watch"};
    private static final String[] DEPARTMENTS = {"Audio", "Books", "Cameras", "Clothing", "Computers", "Garden", "Grocery",
        "Health", "Home", "Kitchen", "Music", "Office", "Outdoors", "Pets", "Sports", "Tools", "Toys", "Travel"};

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final CatalogProperties.Demo demo;
    private final PrintStream out;

    DemoData(JdbcTemplate jdbc, TransactionTemplate transactions, CatalogProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.demo = properties.demo();
        this.out = System.out;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Long existing = jdbc.queryForObject("SELECT COUNT(*) FROM product", Long.class);
        if (demo.products() <= 0 || demo.categories() <= 0 || existing != null && existing > 0) {
            return;
        }
        Random random = new Random(42);
        List<Long> categories = new ArrayList<>();
        transactions.executeWithoutResult(status -> {
            categories.addAll(jdbc.queryForList("SELECT id FROM category ORDER BY id", Long.class));
            if (categories.isEmpty()) {
                for (int i = 1; i <= demo.categories(); i++) {
                    String name = DEPARTMENTS[(i - 1) % DEPARTMENTS.length] + " " + i;
                    jdbc.update("INSERT INTO category (name, slug, active) VALUES (?, ?, TRUE)", name, slug(name));
                }
                categories.addAll(jdbc.queryForList("SELECT id FROM category ORDER BY id", Long.class));
            }
        });
        long started = System.nanoTime();
        for (int from = 0; from < demo.products(); from += BATCH) {
            List<Object[]> rows = new ArrayList<>(BATCH);
            for (int n = from; n < Math.min(demo.products(), from + BATCH); n++) {
                String name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + NOUNS[random.nextInt(NOUNS.length)] + " " + (n + 1);
                BigDecimal price = BigDecimal.valueOf(199 + random.nextInt(99_800)).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
                rows.add(new Object[] {name, slug(name), "The " + name.toLowerCase(Locale.ROOT) + ", from the demo catalog.", price,
                    categories.get(n % categories.size()), random.nextInt(20) != 0, (long) random.nextInt(10_000)});
            }
            transactions.executeWithoutResult(status -> jdbc.batchUpdate("""
                    INSERT INTO product (name, slug, description, price, category_id, active, sales_count)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""", rows));
            progress(Math.min(demo.products(), from + BATCH), demo.products());
        }
        out.printf(Locale.ROOT, "%ndemo data: %,d categories and %,d products in %.1f s%n", categories.size(), demo.products(),
                (System.nanoTime() - started) / 1e9);
    }

    private void progress(int done, int total) {
        out.print(ProgressBar.line("demo data", done, total) + " products");
        out.flush();
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
