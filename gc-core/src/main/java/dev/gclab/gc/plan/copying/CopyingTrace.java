package dev.gclab.gc.plan.copying;

import dev.gclab.gc.policy.CopySpace;
import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.gc.util.LongIntHashMap;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.span.Span;

import java.util.function.LongPredicate;

/**
 * copying's trace: one space, every object of it evacuated or (pinned, large, no room) marked in place
 * by {@link CopySpace}. Also the reachability hooks' view of the finished trace, which must cope with
 * moves: live objects have new addresses ({@link #currentAddress}), and before finalizers run the
 * garbage's references to live objects are pointed at their new copies ({@link #fixReferences}).
 */
final class CopyingTrace extends TraceKernel implements ReachabilityHook.Marking {
    final MarkSpace marks;
    final CopySpace copy;
    boolean snapshotOnRemark;
    LongPredicate beforeRemark;
    private LongIntHashMap fixed = new LongIntHashMap(16);

    CopyingTrace(Heap heap, boolean breadthFirst, Space space, CopySpace.Forwarding forwarding) {
        super(heap, breadthFirst);
        this.marks = new MarkSpace(heap);
        this.copy = new CopySpace(heap, marks, space, space, forwarding);
    }

    @Override
    protected long traceObject(long obj) {
        return copy.traceObject(this, obj, pages.spanOfHeapAddress(obj));
    }

    /** Starts a collection: spans set to be evacuated or kept, nothing fixed yet. */
    void prepare() {
        copy.prepare();
        fixed = new LongIntHashMap(16);
        beforeRemark = null;
    }

    @Override public boolean inCollection(long obj) { return true; }
    @Override public boolean isLive(long obj) { return copy.isLive(obj, pages.spanOfHeapAddress(obj)); }
    @Override public long currentAddress(long obj) { return copy.currentAddress(obj, pages.spanOfHeapAddress(obj)); }

    @Override
    public long retain(long obj) {
        long now = traceRoot(obj);
        drain();
        return now;
    }

    /** Points the references of garbage {@code obj}, and of the garbage it reaches, at the live objects' current addresses. */
    @Override
    public void fixReferences(long obj) { fixReferencesFrom(obj, this, fixed); }

    /**
     * Keeps what finalizers and callbacks resurrected: every live object (copies and objects allocated
     * during the collection in fresh spans, marked objects in kept spans) and every root is scanned
     * again, and whatever garbage they reference now is copied (or marked) with all it reaches.
     */
    @Override
    public void remark() {
        if (snapshotOnRemark) beforeRemark = marks.snapshot(this::liveNow);
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.noScan) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (s.gcState == Span.GC_NONE || (!copy.isForwarded(obj, s) && marks.isMarked(obj))) rescan(obj);
            }
        }
        traceRoots();
        drain();
    }

    /** Live right now: in a fresh span, or marked where it stays (an evacuated span's old copies are not). */
    private boolean liveNow(long obj) {
        Span s = pages.spanOfHeapAddress(obj);
        return s.gcState == Span.GC_NONE || (!copy.isForwarded(obj, s) && marks.isMarked(obj));
    }
}
