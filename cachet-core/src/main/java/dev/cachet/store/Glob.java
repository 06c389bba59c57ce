package dev.cachet.store;

import java.util.regex.Pattern;

/**
 * Redis' glob patterns ({@code SCAN MATCH}) as regular expressions, for stores that match keys themselves
 * and for filtering what a SCAN returned.
 */
public final class Glob {
    private Glob() {
    }

    /**
     * The regular expression that matches what {@code glob} matches in Redis: {@code *} any run, {@code ?}
     * one character, {@code [abc]}, {@code [a-z]} and {@code [^a]} classes, backslash for a literal.
     *
     * @throws IllegalArgumentException if a class is not closed
     */
    public static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '\\' -> regex.append(i + 1 < glob.length() ? Pattern.quote(String.valueOf(glob.charAt(++i))) : "\\\\");
                case '[' -> i = characterClass(glob, i, regex);
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Appends the class that starts at {@code open} and returns the index of its closing bracket. */
    private static int characterClass(String glob, int open, StringBuilder regex) {
        int close = glob.indexOf(']', open + 1);
        while (close > 0 && glob.charAt(close - 1) == '\\') {
            close = glob.indexOf(']', close + 1);
        }
        if (close < 0) {
            throw new IllegalArgumentException("pattern '" + glob + "' has an unclosed '[' at index " + open);
        }
        regex.append('[');
        int i = open + 1;
        if (i < close && glob.charAt(i) == '^') {
            regex.append('^');
            i++;
        }
        for (; i < close; i++) {
            char c = glob.charAt(i);
            if (c == '\\' && i + 1 < close) {
                c = glob.charAt(++i);
            } else if (c == '-' && i > open + 1 && i + 1 < close) {
                regex.append('-');
                continue;
            }
            regex.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
        }
        regex.append(']');
        return close;
    }
}
