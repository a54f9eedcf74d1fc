package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.gc.util.LongIntHashMap;
import dev.gclab.heap.Heap;

import java.util.function.LongPredicate;

/**
 * What the generational traces share: the trace kernel (depth-first), the finalization service's view
 * of a finished trace ({@link ReachabilityHook.Marking}), {@link #retain}, {@link #fixReferences} for
 * the traces that move objects, and the live-set snapshot the verifier takes at a remark.
 */
abstract class GenTrace extends TraceKernel implements ReachabilityHook.Marking {
    final MarkSpace marks;
    /** When set, {@link #remark()} first records the live set ({@link #beforeRemark}): for the verifier. */
    boolean snapshotOnRemark;
    /** What was live just before the last remark (live when the trace finished, or allocated since), or null. */
    LongPredicate beforeRemark;
    private LongIntHashMap fixed;

    GenTrace(Heap heap, MarkSpace marks) {
        super(heap, false);
        this.marks = marks;
    }

    /** Starts a collection. */
    void begin() {
        fixed = null;
        beforeRemark = null;
    }

    @Override
    public long retain(long obj) {
        long now = traceRoot(obj);
        drain();
        return now;
    }

    /** Points the references of garbage {@code obj}, and of the garbage it reaches, at the live objects' current addresses. */
    @Override
    public void fixReferences(long obj) {
        if (isLive(obj)) return;
        if (fixed == null) fixed = new LongIntHashMap(16);
        fixReferencesFrom(obj, this, fixed);
    }

    /** Records what is live now (for the verifier's exemptions after the collection). */
    final void snapshot(LongPredicate liveNow) {
        if (snapshotOnRemark) beforeRemark = marks.snapshot(liveNow);
    }
}
