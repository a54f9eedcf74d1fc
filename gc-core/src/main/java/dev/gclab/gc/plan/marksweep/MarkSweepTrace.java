package dev.gclab.gc.plan.marksweep;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;

import java.util.function.LongPredicate;

/**
 * marksweep's trace: every object is in one mark-in-place space ({@link MarkSpace}); a full
 * collection covers all of them. Also the reachability hooks' view of the finished marking.
 *
 * <p>{@code compact} marks with it too: its objects move only after the sweep, so the reachability hooks
 * (finalization, weak references) see a heap where nothing has moved yet and {@link #currentAddress} is
 * the object itself; the addresses the finalization service keeps are rewritten after the compaction
 * ({@code Finalization.objectsMoved}).
 */
public final class MarkSweepTrace extends TraceKernel implements ReachabilityHook.Marking {
    public final MarkSpace marks;
    /** When set, {@link #remark()} first records the live set ({@link #beforeRemark}): for the verifier. */
    public boolean snapshotOnRemark;
    /** The marks just before the last {@link #remark()} (live at the end of marking, or allocated since), or null. */
    public LongPredicate beforeRemark;

    public MarkSweepTrace(Heap heap) {
        super(heap, false);
        this.marks = new MarkSpace(heap);
    }

    @Override
    protected long traceObject(long obj) {
        return marks.traceObject(this, obj, pages.spanOfHeapAddress(obj));
    }

    /** Marks everything reachable from globals, frames and live handles. */
    public void markFromRoots() {
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
     * DEBUG_SAVEALL: every object left unmarked after finalization is kept, listed in {@code fin}'s
     * {@code garbage()} and retained; returns how many.
     */
    public long saveGarbage(dev.gclab.gc.finalize.Finalization fin) {
        dev.gclab.gc.util.LongStack found = new dev.gclab.gc.util.LongStack(64);
        marks.forEachUnmarked(null, found::push);
        for (int i = 0; i < found.size(); i++) fin.saveGarbage(found.get(i));
        for (int i = 0; i < found.size(); i++) retain(found.get(i));
        return found.size();
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
