package dev.gclab.reports.anchors;

import java.util.SplittableRandom;

/**
 * Machine limits measured from Java: sequential read bandwidth (a {@code long[]} summed over) and
 * dependent-read latency (a chase through one random cycle over every 64-byte line of a buffer, so
 * every hop is a cache miss once the buffer exceeds the caches).
 */
public final class MachineProbe {
    /** @param readGBps best-of-reps sequential read bandwidth; @param chaseNs ns per dependent hop */
    public record Limits(double readGBps, double chaseNs, long readBytes, long chaseBytes) {}

    private static volatile long sink;

    private MachineProbe() {}

    public static Limits measure(boolean quick) {
        long readBytes = 256L << 20, chaseBytes = 64L << 20;
        return new Limits(readBandwidth(readBytes, quick ? 3 : 7), chaseLatency(chaseBytes, quick ? 1 << 20 : 4 << 20), readBytes, chaseBytes);
    }

    static double readBandwidth(long bytes, int reps) {
        long[] a = new long[(int) (bytes / 8)];
        for (int i = 0; i < a.length; i++) a[i] = i;
        long best = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int i = 0; i < a.length; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
            long t = System.nanoTime() - t0;
            sink += s0 + s1 + s2 + s3;
            best = Math.min(best, t);
        }
        return (double) bytes / best; // bytes per ns = GB/s
    }

    static double chaseLatency(long bytes, int hops) {
        int lines = (int) (bytes / 64);
        int stride = 16; // ints per 64-byte line
        int[] next = new int[lines * stride];
        int[] perm = new int[lines];
        for (int i = 0; i < lines; i++) perm[i] = i;
        SplittableRandom rnd = new SplittableRandom(12345);
        for (int i = lines - 1; i > 0; i--) { // Sattolo: one cycle through every line
            int j = rnd.nextInt(i);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        for (int i = 0; i < lines; i++) next[perm[i] * stride] = perm[(i + 1) % lines] * stride;
        int p = 0;
        for (int i = 0; i < hops / 4; i++) p = next[p]; // warm the TLB and the loop
        long t0 = System.nanoTime();
        for (int i = 0; i < hops; i++) p = next[p];
        long t = System.nanoTime() - t0;
        sink += p;
        return (double) t / hops;
    }
}
