package dev.gclab.gc.plan.compact;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;

import java.util.function.LongPredicate;

/**
 * compact's marking: every object is marked in place ({@link MarkSpace}), exactly as {@code marksweep}
 * marks; objects move only after the sweep, so the reachability hooks (finalization, weak references)
 * see a heap where nothing has moved yet: {@link #currentAddress} is the object itself. The addresses
 * the finalization service keeps are rewritten after the compaction ({@code Finalization.objectsMoved}).
 */
final class CompactTrace extends TraceKernel implements ReachabilityHook.Marking {
    final MarkSpace marks;
    /** When set, {@link #remark()} first records the live set ({@link #beforeRemark}): for the verifier. */
    boolean snapshotOnRemark;
    /** The marks just before the last {@link #remark()}, or null. */
    LongPredicate beforeRemark;

    CompactTrace(Heap heap) {
        super(heap, false);
        this.marks = new MarkSpace(heap);
    }

    @Override
    protected long traceObject(long obj) {
        return marks.traceObject(this, obj, pages.spanOfHeapAddress(obj));
    }

    /** Marks everything reachable from globals, frames and live handles. */
    void markFromRoots() {
        traceRoots();
        drain();
    }

    @Override public boolean inCollection(long obj) { return true; }
    @Override public boolean isLive(long obj) { return marks.isMarked(obj); }
    @Override public long currentAddress(long obj) { return obj; }

    @Override
    public long retain(long obj) {
        traceRoot(obj);
        drain();
        return obj;
    }

    /** As {@code marksweep}'s: every marked object and every root is scanned again, and whatever they reference now is marked. */
    @Override
    public void remark() {
        if (snapshotOnRemark) beforeRemark = marks.snapshot(marks::isMarked);
        marks.forEachMarked(s -> !s.noScan, this::rescan);
        markFromRoots();
    }
}
