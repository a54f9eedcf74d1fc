package dev.gclab.gc.stats;

/**
 * Minimum mutator utilisation (Cheng and Blelloch, PLDI 2001): for a window width w, the smallest
 * fraction of any window of width w inside the run during which the mutator ran (was not paused).
 * A collector's longest pause is where its MMU curve leaves 0; an incremental collector's curve rises
 * earlier.
 *
 * <p>Algorithm. Pause time inside a sliding window is a piecewise-linear function of the window's
 * start, so its maximum is reached with the window's start at a pause's start or its end at a pause's
 * end. For each of those O(n) candidate positions the paused time inside the window comes from prefix
 * sums of pause durations and two binary searches: O(n log n) per width. Windows are clamped to the run
 * ({@code [runStart, runEnd]}); a width longer than the run gives the run's overall utilisation.
 */
public final class Mmu {
    private Mmu() {}

    /** The window widths reported: 1, 2, 5, 10, 20, 50, 100, 200, 500 ms, 1 s. */
    public static final long[] WINDOWS_NS = {1_000_000L, 2_000_000L, 5_000_000L, 10_000_000L, 20_000_000L, 50_000_000L,
        100_000_000L, 200_000_000L, 500_000_000L, 1_000_000_000L};

    /**
     * MMU of {@code t}'s pauses over {@code [runStart, runEnd]} (ns on the timeline's clock) for a window of
     * {@code window} ns: a value in [0, 1].
     */
    public static double of(Timeline t, long runStart, long runEnd, long window) {
        long span = runEnd - runStart;
        if (span <= 0 || window <= 0) return 1.0;
        int n = t.size();
        if (window >= span) return 1.0 - Math.min(span, pausedIn(t, runStart, runEnd)) / (double) span;
        long[] prefix = new long[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + t.duration(i);
        long worst = 0;
        for (int i = 0; i < n; i++) {
            long a = Math.max(runStart, Math.min(t.start(i), runEnd - window));
            worst = Math.max(worst, paused(t, prefix, a, a + window));
            long b = Math.max(runStart, Math.min(t.end(i) - window, runEnd - window));
            worst = Math.max(worst, paused(t, prefix, b, b + window));
        }
        return 1.0 - Math.min(window, worst) / (double) window;
    }

    private static long pausedIn(Timeline t, long from, long to) {
        long sum = 0;
        for (int i = 0; i < t.size(); i++) sum += overlap(t.start(i), t.end(i), from, to);
        return sum;
    }

    /** Paused time inside [from, to): whole pauses between the first and last overlapping ones, plus their partial ends. */
    private static long paused(Timeline t, long[] prefix, long from, long to) {
        int n = t.size();
        int first = firstEndingAfter(t, from);
        if (first >= n || t.start(first) >= to) return 0;
        int last = lastStartingBefore(t, to);
        if (last < first) return 0;
        if (first == last) return overlap(t.start(first), t.end(first), from, to);
        long inner = prefix[last] - prefix[first + 1];
        return overlap(t.start(first), t.end(first), from, to) + inner + overlap(t.start(last), t.end(last), from, to);
    }

    private static long overlap(long s, long e, long from, long to) { return Math.max(0, Math.min(e, to) - Math.max(s, from)); }

    private static int firstEndingAfter(Timeline t, long x) {
        int lo = 0, hi = t.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t.end(mid) <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int lastStartingBefore(Timeline t, long x) {
        int lo = 0, hi = t.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t.start(mid) < x) lo = mid + 1; else hi = mid;
        }
        return lo - 1;
    }
}
