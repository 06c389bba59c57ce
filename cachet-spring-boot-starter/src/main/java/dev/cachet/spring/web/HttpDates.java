package dev.cachet.spring.web;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): written as IMF-fixdate ({@code Wed, 02 Dec 2026 07:05:00 GMT}, always two
 * digits), read in that form and the two obsolete ones a recipient must accept (RFC 850's
 * {@code Wednesday, 02-Dec-26 07:05:00 GMT} and asctime's {@code Wed Dec  2 07:05:00 2026}). Anything else,
 * a one-digit hour or a day that is not the date's, is not a date.
 */
final class HttpDates {
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            // Two-digit years: RFC 9110 reads one more than 50 years ahead as the past century's.
            .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDateTime.now(ZoneOffset.UTC).getYear() - 49)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final List<DateTimeFormatter> READ = List.of(IMF_FIXDATE, RFC_850, ASCTIME);

    private HttpDates() {}

    /** {@code epochMillis} as IMF-fixdate, to the second. */
    static String format(long epochMillis) {
        return IMF_FIXDATE.format(LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC));
    }

    /** The date {@code text} names, in epoch milliseconds, or {@code Long.MIN_VALUE} when it is not an HTTP date. */
    static long parse(String text) {
        if (text == null) {
            return Long.MIN_VALUE;
        }
        String trimmed = text.trim();
        for (DateTimeFormatter format : READ) {
            try {
                return LocalDateTime.parse(trimmed, format).toEpochSecond(ZoneOffset.UTC) * 1000;
            } catch (DateTimeException notThisForm) {
                // the next form
            }
        }
        return Long.MIN_VALUE;
    }
}
