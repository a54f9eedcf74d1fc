package dev.gclab.workloads.graph;

/**
 * The portable generator of the graph shapes: a 64-bit linear congruential generator with Knuth's
 * MMIX constants, all arithmetic mod 2^64 (Java's {@code long} overflow). Each draw advances the
 * state and yields its high 32 bits; an index in {@code [0, n)} is {@code (out * n) >>> 32}. The same
 * seed gives the same sequence in every heap that builds the shapes (CPython, HotSpot, gclab).
 */
public final class Lcg {
    public static final long MULTIPLIER = 6364136223846793005L;
    public static final long INCREMENT = 1442695040888963407L;

    private long state;

    public Lcg(long seed) { this.state = seed; }

    /** Advances the state; returns its high 32 bits as an unsigned value in {@code [0, 2^32)}. */
    public long next() {
        state = state * MULTIPLIER + INCREMENT;
        return state >>> 32;
    }

    /** One draw scaled to an index in {@code [0, n)}. */
    public int nextIndex(int n) { return index(next(), n); }

    /** The index in {@code [0, n)} of a draw {@code out}: the high half of the unsigned 64-bit product. */
    public static int index(long out, int n) {
        // out < 2^32 and n < 2^31, so the product is below 2^63: no unsigned multiply needed.
        return (int) ((out * n) >>> 32);
    }

    public long state() { return state; }
}
