package dev.gclab.gc.util;

/** A growable stack of {@code long}s (addresses): the mark stack, with no boxing. */
public final class LongStack {
    private long[] items;
    private int size;

    public LongStack(int initialCapacity) { items = new long[Math.max(16, initialCapacity)]; }

    public void push(long v) {
        if (size == items.length) items = java.util.Arrays.copyOf(items, size * 2);
        items[size++] = v;
    }

    public long pop() { return items[--size]; }
    public boolean isEmpty() { return size == 0; }
    public int size() { return size; }
    public void clear() { size = 0; }
}
