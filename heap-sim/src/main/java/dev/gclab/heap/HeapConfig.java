package dev.gclab.heap;

import java.util.Locale;

/**
 * The knobs of a heap.
 *
 * @param maxBytes  the most memory the heap may commit (1 MiB .. 1 TiB), rounded down to 8 KiB pages
 * @param markBits  where marks live
 * @param checks    how much each mutator access is validated
 */
public record HeapConfig(long maxBytes, MarkBits markBits, AccessChecks checks) {
    public static final long MIN_BYTES = 1L << 20;
    public static final long MAX_BYTES = 1L << 40;

    public HeapConfig {
        if (maxBytes < MIN_BYTES || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("heap size must be between 1 MiB and 1 TiB: " + maxBytes + " bytes");
        }
        maxBytes &= ~8191L;
    }

    public static HeapConfig of(long maxBytes) { return new HeapConfig(maxBytes, MarkBits.SIDE, AccessChecks.FULL); }

    public HeapConfig withMarkBits(MarkBits m) { return new HeapConfig(maxBytes, m, checks); }
    public HeapConfig withChecks(AccessChecks c) { return new HeapConfig(maxBytes, markBits, c); }

    /** Parses a size such as {@code 256m}, {@code 16g}, {@code 1048576}, {@code 512k}. */
    public static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v < 0) throw new NumberFormatException();
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + s + "' (expected e.g. 256m, 16g, 1048576)");
        }
    }
}
