package dev.gclab.reports.text;

import java.nio.charset.Charset;
import java.util.Locale;

/** Human-readable durations and byte counts, with units, three significant digits or so. */
public final class Units {
    /** "µs" when standard output can encode it, else "us". */
    static final String MICROS = canEncodeMicro() ? "µs" : "us";

    private Units() {}

    /** e.g. {@code 850 ns}, {@code 12.3 µs}, {@code 4.56 ms}, {@code 1.234 s}. */
    public static String nanos(long ns) {
        if (ns < 1_000) return ns + " ns";
        if (ns < 1_000_000) return scaled(ns / 1e3) + " " + MICROS;
        if (ns < 1_000_000_000) return scaled(ns / 1e6) + " ms";
        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }

    /** e.g. {@code 512 B}, {@code 1.50 KiB}, {@code 256 MiB}, {@code 2.00 GiB}. */
    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
        return (v == Math.rint(v) ? String.valueOf((long) v) : scaled(v)) + " " + units[i];
    }

    /** {@code 12,345,678}. */
    public static String count(long n) { return String.format(Locale.ROOT, "%,d", n); }

    /** Three significant digits for values in [1, 1000). */
    private static String scaled(double v) {
        String f = v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, f, v);
    }

    private static boolean canEncodeMicro() {
        try {
            String enc = System.getProperty("stdout.encoding");
            Charset cs = enc != null ? Charset.forName(enc) : Charset.defaultCharset();
            return cs.newEncoder().canEncode('µ');
        } catch (RuntimeException e) {
            return false;
        }
    }
}
