package dev.gclab.reports.report;

/** The small statistics the report needs: medians and spreads over invocations. */
final class Stats {
    private Stats() {}

    /** The median of sorted or unsorted values (the mean of the middle two for an even count). */
    static double median(long[] values) {
        long[] v = values.clone();
        java.util.Arrays.sort(v);
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + (double) v[v.length / 2]) / 2;
    }
}
