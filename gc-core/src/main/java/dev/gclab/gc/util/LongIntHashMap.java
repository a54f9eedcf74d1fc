package dev.gclab.gc.util;

/**
 * An open-addressing hash map from non-zero {@code long} keys (addresses) to {@code int} values,
 * with linear probing and no Java object per entry: two primitive arrays. For collector-side work
 * that must number a set of objects that is not known in advance (the finalizer order's graph
 * walk), off every hot path. Key 0 is reserved (empty slot); {@link #get} answers {@code -1} for a
 * missing key.
 */
public final class LongIntHashMap {
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    public LongIntHashMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        mask = cap - 1;
    }

    public int size() { return size; }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** The value of {@code key}, or -1. */
    public int get(long key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == 0) return -1;
        }
    }

    /** Sets the value of {@code key} (non-zero). */
    public void put(long key, int value) {
        if (key == 0) throw new IllegalArgumentException("key 0 is reserved");
        if ((size + 1) * 2 > keys.length) grow();
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) { values[i] = value; return; }
            if (k == 0) { keys[i] = key; values[i] = value; size++; return; }
        }
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        keys = new long[ok.length * 2];
        values = new int[ok.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) if (ok[i] != 0) put(ok[i], ov[i]);
    }
}
