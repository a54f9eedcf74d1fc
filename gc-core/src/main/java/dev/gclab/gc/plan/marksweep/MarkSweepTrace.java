package dev.gclab.gc.plan.marksweep;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;
import dev.gclab.heap.span.Span;

import java.util.function.LongPredicate;

/**
 * marksweep's trace: every object is in one mark-in-place space ({@link MarkSpace}); a full
 * collection covers all of them. Also the reachability hooks' view of the finished marking.
 */
final class MarkSweepTrace extends TraceKernel implements ReachabilityHook.Marking {
    final MarkSpace marks;
    /** When set, {@link #remark()} first records the live set ({@link #beforeRemark}): for the verifier. */
    boolean snapshotOnRemark;
    /** The marks just before the last {@link #remark()} (live at the end of marking, or allocated since), or null. */
    LongPredicate beforeRemark;

    MarkSweepTrace(Heap heap) {
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

    /**
     * Keeps what finalizers and callbacks resurrected: every object marked now (live when marking
     * finished, resurrected since, or allocated black during the collection) and every root is scanned
     * again, and whatever they reference is marked. So a reference a finalizer stored into a live
     * object, a root or a new object keeps its target; and an object that was live stays live even if
     * a finalizer dropped its last reference (it waits for the next collection).
     */
    @Override
    public void remark() {
        if (snapshotOnRemark) beforeRemark = marks.snapshot(marks::isMarked);
        marks.forEachMarked(s -> !s.noScan, this::rescan);
        markFromRoots();
    }
}
