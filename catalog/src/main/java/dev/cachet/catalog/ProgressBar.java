package dev.cachet.catalog;

import java.util.Locale;

/** A progress bar redrawn in place on one line, for long work at start-up and in the cache commands. */
public final class ProgressBar {
    private static final int WIDTH = 40;

    private ProgressBar() {
    }

    /** The line that shows {@code done} of {@code total} {@code what}, starting with a carriage return. */
    public static String line(String what, long done, long total) {
        int filled = total <= 0 ? WIDTH : (int) (Math.min(done, total) * WIDTH / total);
        long percent = total <= 0 ? 100 : done * 100 / total;
        return String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %,d/%,d", what, "#".repeat(filled), " ".repeat(WIDTH - filled),
                percent, done, total);
    }
}
