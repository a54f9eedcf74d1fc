package dev.gclab.gc.plan.incremental;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;
import dev.gclab.heap.span.Span;

import java.util.List;
import java.util.function.LongPredicate;

/**
 * incremental's trace: one mark-in-place space ({@link MarkSpace}) whose grey set lives across steps
 * (the kernel's persistent grey set, drained with a budget), and the reachability hooks' view of a
 * finished marking.
 *
 * <p>Colours. White: not marked. Grey: marked and in the kernel's grey set (not scanned yet). Black:
 * marked and scanned, or allocated during the cycle (allocated black: marked, never scanned — its slots
 * held nothing when it was made, and the barrier sees every store into it since). Objects of no-scan
 * spans are black as soon as they are marked.
 *
 * <p>It also counts the bytes it marks, so that the pacer knows the cycle's live size.
 */
final class IncrementalTrace extends TraceKernel implements ReachabilityHook.Marking {
    final MarkSpace marks;
    /** Bytes of the objects this trace marked in the current cycle (allocated-black objects not included). */
    long markedBytes;
    /** When set, {@link #remark()} first records the live set ({@link #beforeRemark}), for the verifier's exact check. */
    boolean snapshotOnRemark;
    LongPredicate beforeRemark;

    IncrementalTrace(Heap heap) {
        super(heap, false);
        this.marks = new MarkSpace(heap);
    }

    @Override
    protected long traceObject(long obj) {
        Span s = pages.spanOfHeapAddress(obj);
        long before = counters.objectsMarked;
        marks.traceObject(this, obj, s);
        if (counters.objectsMarked != before) markedBytes += s.elemSize;
        return obj;
    }

    /** Greys {@code obj} if it is white; true if it did (the barriers' "shade"). */
    boolean shade(long obj) {
        long before = counters.objectsMarked;
        traceObject(obj);
        return counters.objectsMarked != before;
    }

    /** Greys every root, and the objects of {@code gc.garbage} (kept alive by the finalization service, not by a root). */
    void greyRoots(List<Long> garbage) {
        traceRoots();
        for (int i = 0, n = garbage.size(); i < n; i++) traceRoot(garbage.get(i));
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
     * Keeps what finalizers and callbacks resurrected. While they ran, the collector's barrier was in
     * its remark mode (a reference stored into a marked object greys its target, whichever barrier the
     * collector uses, and objects are allocated black), so everything they linked from an object that
     * was live when marking finished, or allocated since, is grey or black already; the roots are
     * traced again and the grey set drained. Unlike marksweep's remark this never walks the marked
     * objects: the barrier did that work store by store.
     */
    @Override
    public void remark() {
        if (snapshotOnRemark) beforeRemark = marks.snapshot(marks::isMarked);
        traceRoots();
        drain();
    }
}
