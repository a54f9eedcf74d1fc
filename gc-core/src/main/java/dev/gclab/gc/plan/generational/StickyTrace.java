package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.heap.Heap;

/**
 * The sticky variant's trace, minor and major: one mark-in-place space whose marks persist. A minor
 * collection marks from the roots and the remembered set without clearing any mark: an old (marked)
 * object stops the trace at once, so only young objects are marked and scanned. A major collection
 * clears every mark first and marks the whole heap.
 *
 * <p>As the finalization service's view of a minor collection: the young objects are those the trace
 * has not marked (a young survivor is marked by now, and answers as old: that changes nothing for a
 * live object, and nothing moves); live means marked. The minor remark traces the roots again and the
 * remembered-set entries made since the trace: a finalizer's store into any marked object — old, a
 * survivor, or an object allocated (black) during the collection — went through the barrier.
 */
final class StickyTrace extends GenTrace {
    private final RememberedSet remset;
    boolean minor;

    StickyTrace(Heap heap, MarkSpace marks, RememberedSet remset) {
        super(heap, marks);
        this.remset = remset;
    }

    @Override
    protected long traceObject(long obj) {
        return marks.traceObject(this, obj, pages.spanOfHeapAddress(obj));
    }

    void trace() {
        traceRoots();
        if (minor) remset.scan(this);
        drain();
    }

    @Override public boolean inCollection(long obj) { return !minor || !marks.isMarked(obj); }
    @Override public boolean isLive(long obj) { return marks.isMarked(obj); }
    @Override public long currentAddress(long obj) { return obj; }
    @Override public void fixReferences(long obj) {} // nothing moves

    @Override
    public void remark() {
        snapshot(marks::isMarked);
        if (minor) {
            traceRoots();
            remset.scan(this);
            drain();
            return;
        }
        marks.forEachMarked(s -> !s.noScan, this::enqueue);
        traceRoots();
        drain();
    }
}
