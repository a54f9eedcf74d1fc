package dev.gclab.gc.util;

/**
 * A growable ring buffer of {@code long}s that is a stack or a queue by a flag fixed at creation:
 * the grey set of a trace, depth-first ({@link #popLast} order) or breadth-first ({@link #popFirst}
 * order, Cheney's). No boxing.
 */
public final class LongDeque {
    private long[] items;
    private int head, size;

    public LongDeque(int initialCapacity) { items = new long[Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1]; }

    public void push(long v) {
        if (size == items.length) grow();
        items[(head + size) & (items.length - 1)] = v;
        size++;
    }

    public long popLast() {
        size--;
        return items[(head + size) & (items.length - 1)];
    }

    public long popFirst() {
        long v = items[head];
        head = (head + 1) & (items.length - 1);
        size--;
        return v;
    }

    public boolean isEmpty() { return size == 0; }
    /** The {@code i}-th element from the first ({@link #popFirst}'s end), 0 <= i < size: for walks that leave the deque as it is. */
    public long get(int i) { return items[(head + i) & (items.length - 1)]; }
    public int size() { return size; }
    public void clear() { head = size = 0; }

    private void grow() {
        long[] n = new long[items.length * 2];
        for (int i = 0; i < size; i++) n[i] = items[(head + i) & (items.length - 1)];
        items = n;
        head = 0;
    }
}
