package dev.gclab.gc.plan.rc;

import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.span.SizeClasses;

/**
 * Reference counts of every object, in a side table or in header bits ({@link CountStorage}), plus
 * the record of which 4 KiB pages count updates have written ("pages dirtied": what a forked child
 * would have to copy because of refcounting alone, the question behind CPython's {@code gc.freeze()}
 * and Instagram's prefork servers).
 *
 * <p>For the side table the page written is the table's page: entry {@code g} (granule g of the
 * heap) is at table byte {@code 4g}, page {@code 4g / 4096}. For header counts it is the object's
 * own page. Each is one bit in a {@code long[]} bitmap; the first write to a page counts it.
 */
final class RefCounts {
    static final SideMetadataSpec SPEC = SideMetadataSpec.of("refcount", 32, SizeClasses.MIN_OBJECT_BYTES);
    private static final int HEADER_SHIFT = 18;
    private static final long HEADER_MAX = (1L << 14) - 1;
    private static final long HEADER_MASK = HEADER_MAX << HEADER_SHIFT;

    private final HeapMemory memory;
    private final SideTable table;
    private final boolean header;
    private final WorkCounters counters;
    private long[] dirty = new long[64];
    private long lastPage = -1;
    private long dirtyPages;
    private long saturated;

    RefCounts(Heap heap, CountStorage storage) {
        this.memory = heap.memory();
        this.header = storage == CountStorage.HEADER;
        this.table = header ? null : heap.sideTable(SPEC);
        this.counters = heap.counters();
    }

    long get(long obj) {
        return header ? (memory.getLong(obj) & HEADER_MASK) >>> HEADER_SHIFT : table.getInt(obj);
    }

    /** True if the count is stuck at its maximum (header storage only). */
    boolean isSaturated(long obj) { return header && get(obj) == HEADER_MAX; }

    /** Adds one; returns the old count. */
    long increment(long obj) {
        counters.countIncrements++;
        touch(obj);
        if (header) {
            long h = memory.getLong(obj);
            long c = (h & HEADER_MASK) >>> HEADER_SHIFT;
            if (c < HEADER_MAX) {
                memory.setLong(obj, h + (1L << HEADER_SHIFT));
                if (c + 1 == HEADER_MAX) saturated++;
            }
            return c;
        }
        return table.addInt(obj, 1) - 1;
    }

    /** Subtracts one; returns the new count (a saturated count stays put). */
    long decrement(long obj) {
        counters.countDecrements++;
        touch(obj);
        if (header) {
            long h = memory.getLong(obj);
            long c = (h & HEADER_MASK) >>> HEADER_SHIFT;
            if (c == HEADER_MAX) return c;
            if (c == 0) throw negative(obj);
            memory.setLong(obj, h - (1L << HEADER_SHIFT));
            return c - 1;
        }
        int c = table.addInt(obj, -1);
        if (c < 0) {
            table.setInt(obj, 0);
            throw negative(obj);
        }
        return c;
    }

    /** Sets a freshly allocated object's count to 0 (a reused slot may hold an old count). */
    void reset(long obj) {
        if (header) memory.setLong(obj, memory.getLong(obj) & ~HEADER_MASK);
        else if (table.getInt(obj) != 0) table.setInt(obj, 0);
    }

    private IllegalStateException negative(long obj) {
        return new IllegalStateException(String.format("reference count of object 0x%x would go below zero", obj));
    }

    private void touch(long obj) {
        long off = obj - HeapMemory.BASE;
        long page = header ? off >>> 12 : (off >>> SPEC.log2Region()) * 4 >>> 12; // the 4-KiB page of the object or of its count
        if (page == lastPage) return;
        lastPage = page;
        int w = (int) (page >>> 6);
        if (w >= dirty.length) dirty = java.util.Arrays.copyOf(dirty, Math.max(w + 1, dirty.length * 2));
        long bit = 1L << page;
        if ((dirty[w] & bit) == 0) {
            dirty[w] |= bit;
            dirtyPages++;
        }
    }

    /** Distinct 4 KiB pages written by count updates since the start or the last {@link #resetDirtyPages()}. */
    long dirtyPages() { return dirtyPages; }

    /** Starts a new dirty-page window (e.g. "after fork"). */
    void resetDirtyPages() {
        java.util.Arrays.fill(dirty, 0L);
        dirtyPages = 0;
        lastPage = -1;
    }

    /** Objects whose header count saturated (never freed by count). */
    long saturatedCount() { return saturated; }
}
