package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.gc.util.LongIntHashMap;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;

import java.util.Arrays;

/**
 * A sequential store buffer ({@code barrier=ssb}), as Jikes RVM's generational plans kept remset buffers
 * of slots: the slow path appends the slot's address, nothing more (the same slot may be appended many
 * times). A minor collection sorts the buffer and drops duplicates, then traces each slot once. A full
 * buffer is deduplicated in place, and grown only if that leaves it more than half full, so a mutator
 * storing young references into the same old slots again and again holds a bounded buffer.
 */
final class SlotBuffer extends RememberedSet {
    private long[] slots = new long[1024];
    private int n;
    private long[] scanned = new long[1024];
    private int scannedCount;
    private LongIntHashMap coverSet;
    long duplicatesDropped;

    SlotBuffer(Heap heap, Space young, MarkSpace sticky) { super(heap, young, sticky); }

    @Override
    void record(long obj, long slot) {
        if (n == slots.length) overflow();
        slots[n++] = slot;
    }

    private void overflow() {
        dedupe();
        if (n > slots.length / 2) slots = Arrays.copyOf(slots, slots.length * 2);
    }

    /** Sorts the buffer and drops duplicate slots. */
    private void dedupe() {
        if (n < 2) return;
        Arrays.sort(slots, 0, n);
        int w = 1;
        for (int r = 1; r < n; r++) if (slots[r] != slots[w - 1]) slots[w++] = slots[r];
        duplicatesDropped += n - w;
        n = w;
    }

    @Override int size() { return n; }
    @Override String what() { return "slots buffered"; }
    @Override String entry() { return "buffered slot"; }

    @Override
    void scan(TraceKernel k) {
        dedupe();
        for (int i = 0; i < n; i++) k.processEdge(slots[i]);
        counters.slotsScanned += n;
        if (scannedCount + n > scanned.length) scanned = Arrays.copyOf(scanned, Math.max(scanned.length * 2, scannedCount + n));
        System.arraycopy(slots, 0, scanned, scannedCount, n);
        scannedCount += n;
        n = 0;
    }

    @Override
    void keepLive() {
        for (int i = 0; i < scannedCount; i++) {
            long slot = scanned[i];
            if (isYoung(memory.getLong(slot))) record(0, slot);
        }
        scannedCount = 0;
    }

    @Override
    void clear() {
        n = 0;
        scannedCount = 0;
    }

    @Override
    void beginCoverCheck() {
        coverSet = new LongIntHashMap(Math.max(16, n));
        for (int i = 0; i < n; i++) coverSet.put(slots[i], 1);
    }

    @Override boolean covers(long obj, long slot) { return coverSet.get(slot) >= 0; }

    @Override void counters(java.util.Map<String, Long> m) { m.put("ssb_duplicates_dropped", duplicatesDropped); }
}
