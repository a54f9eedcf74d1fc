package dev.gclab.gc.util;

/** A growable stack of {@code long}s (addresses): the mark stack, work lists, with no boxing. */
public final class LongStack {
    private long[] items;
    private int size;

    public LongStack(int initialCapacity) { items = new long[Math.max(16, initialCapacity)]; }

    public void push(long v) {
        if (size == items.length) items = java.util.Arrays.copyOf(items, size * 2);
        items[size++] = v;
    }

    public long pop() { return items[--size]; }
    public long peek() { return items[size - 1]; }
    /** Element {@code i} (0 is the bottom). */
    public long get(int i) { return items[i]; }
    public void set(int i, long v) { items[i] = v; }
    public boolean isEmpty() { return size == 0; }
    public int size() { return size; }
    public void clear() { size = 0; }
    /** Drops every element above the first {@code n}. */
    public void truncate(int n) { size = n; }
    /** A copy of the elements, bottom first. */
    public long[] toArray() { return java.util.Arrays.copyOf(items, size); }
}
