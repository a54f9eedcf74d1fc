package dev.gclab.gc.plan.compact;

import dev.gclab.gc.policy.CompactSpace;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.trace.ObjectScanner;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.span.Span;

/**
 * The reference-updating pass after a compaction moved objects (Ruby's {@code gc_update_references}):
 * the trace kernel's edge machinery with a {@link #traceObject} that only forwards — so
 * {@link #traceRoots()} rewrites globals, frame slots and handle entries — and a walk over every object
 * in use (the alloc bitmaps of every span with references, no mark stack) that rewrites each reference
 * slot pointing into an evacuated span. Also the finalization service's view of the moves: every object
 * is live and {@link #currentAddress} is its forwarding address.
 */
final class ReferenceUpdater extends TraceKernel implements ReachabilityHook.Marking {
    private final CompactSpace compact;
    /** Reference slots read by {@link #updateHeap()} (cumulative). */
    long slotsUpdated;

    ReferenceUpdater(Heap heap, CompactSpace compact) {
        super(heap, false);
        this.compact = compact;
    }

    @Override
    protected long traceObject(long obj) { return compact.forward(obj); }

    /** Rewrites every reference slot of every object in use that points at a moved object. */
    void updateHeap() {
        HeapMemory mem = memory;
        ObjectScanner sc = scanner;
        long slots = 0;
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.noScan || s.allocCount == 0) continue; // an evacuated span holds nothing now
            long[] alloc = s.allocBits;
            for (int w = 0; w < alloc.length; w++) {
                for (long bits = alloc[w]; bits != 0; bits &= bits - 1) {
                    long obj = s.slotAddress((w << 6) + Long.numberOfTrailingZeros(bits));
                    sc.begin(obj);
                    for (long slot = sc.next(); slot != 0; slot = sc.next()) {
                        slots++;
                        long ref = mem.getLong(slot);
                        if (ref == 0) continue;
                        long now = compact.forward(ref);
                        if (now != ref) mem.setLong(slot, now);
                    }
                }
            }
        }
        slotsUpdated += slots;
    }

    @Override public boolean inCollection(long obj) { return true; }
    @Override public boolean isLive(long obj) { return true; }
    @Override public long currentAddress(long obj) { return compact.forward(obj); }
    @Override public long retain(long obj) { return compact.forward(obj); }
    @Override public void remark() {}
}
