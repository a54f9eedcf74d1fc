package dev.gclab.gc.plan.marksweep;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.spi.CollectionOutcome;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CommonOptions;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.gc.stats.PauseKind;
import dev.gclab.gc.stats.Phase;
import dev.gclab.gc.trace.Sweeper;
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Stop-the-world, non-moving mark-and-sweep.
 *
 * <p>A collection is three phases: mark (precise, from globals, frames and live handles, through the
 * trace kernel with one mark-in-place space: {@link MarkSweepTrace}); the reachability hooks (finalization and weak references
 * plug in here; objects allocated meanwhile are allocated black, so they survive); sweep (eager,
 * Go-style bitmap swap per span: {@link Sweeper}). The next collection is triggered when occupancy
 * reaches {@code max(minTrigger, live * growthFactor)}. There is no write barrier. With
 * {@code verify}, the {@link HeapVerifier} re-traces the heap before every collection (so a corrupt
 * slot is reported, not traced) and after it, requiring that exactly the reachable objects survived
 * — plus, when finalizers or callbacks ran, what they made garbage of (it waits for the next
 * collection); that time is not part of the pause.
 */
public final class MarkSweepCollector implements Collector {
    static final Constraints CONSTRAINTS = new Constraints(false, dev.gclab.gc.spi.BarrierKind.NONE, false, false, false, false);

    private final Heap heap;
    private final WorkCounters work;
    private final CollectorOptions options;
    private final GcStats stats = new GcStats();
    private final MarkSweepTrace marker;
    private final Sweeper sweeper;
    private final HeapVerifier verifier;
    private final List<ReachabilityHook> hooks = new ArrayList<>();
    private final Finalization finalization;
    private boolean collecting;
    private CollectionOutcome last = CollectionOutcome.NONE;

    public MarkSweepCollector(Heap heap, CollectorOptions options) {
        CommonOptions.requireKnown("marksweep", options.extra(), Set.of());
        this.heap = heap;
        this.work = heap.counters();
        this.options = options;
        this.marker = new MarkSweepTrace(heap);
        this.sweeper = new Sweeper(heap);
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        this.finalization = new Finalization(heap);
        CommonOptions.apply(options.extra(), finalization);
        marker.snapshotOnRemark = verifier != null;
        if (verifier != null) {
            verifier.setExtraRoots(finalization::garbage);
            verifier.setWeakRefLayout(finalization.weakRefLayout());
        }
        heap.setCollectionTrigger(options.minTriggerBytes());
        stats.setHeap(heap);
    }

    @Override public String name() { return MarkSweepProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return CONSTRAINTS; }
    @Override public GcStats stats() { return stats; }
    @Override public void addReachabilityHook(ReachabilityHook hook) { hooks.add(hook); }
    @Override public Finalization finalization() { return finalization; }
    @Override public java.util.Map<String, Long> collectorCounters() { return finalization.counters(); }
    @Override public CollectionOutcome lastCollection() { return last; }

    /** The time of finalizers and callbacks is part of the pause, as in CPython's {@code gc.collect()}. */
    @Override
    public void pollCollection(long requestBytes) {
        if (!collecting) collect(GcCause.TRIGGER);
    }

    @Override
    public void collectForAllocation(long requestBytes) {
        if (!collecting) collect(GcCause.HEAP_FULL);
    }

    /** Objects allocated while a collection runs (by finalizers and callbacks) are allocated black. */
    @Override
    public void postAlloc(long obj) {
        if (collecting) marker.marks.setMark(obj);
    }

    @Override
    public void collect(GcCause cause) {
        if (collecting) return;
        collecting = true;
        try {
            if (verifier != null) verifier.verify("before collection " + (stats.cycles() + 1) + " (" + cause + ")", false, null, stats);
            long t0 = System.nanoTime();
            long allocated = heap.objectCount();
            long markedBefore = work.objectsMarked;
            marker.markFromRoots();
            long t1 = System.nanoTime();
            stats.recordPhase(Phase.MARK, t0, t1);
            long unreachable = allocated - (work.objectsMarked - markedBefore);
            marker.beforeRemark = null;
            for (ReachabilityHook hook : hooks) hook.afterMarking(marker);
            finalization.afterMarking(marker);
            long saved = finalization.saveAll() ? marker.saveGarbage(finalization) : 0;
            long t2 = System.nanoTime();
            stats.recordPhase(Phase.FINALIZE, t1, t2);
            long freedBefore = work.objectsFreed;
            sweeper.sweepAll();
            stats.recordPhase(Phase.SWEEP, t2, System.nanoTime());
            long live = heap.inUseBytes();
            heap.setCollectionTrigger(Math.max(options.minTriggerBytes(), (long) (live * options.growthFactor())));
            stats.recordPause(PauseKind.MAJOR, t0);
            stats.cycleCompleted(false);
            last = new CollectionOutcome(2, unreachable, work.objectsFreed - freedBefore + saved, finalization.lastUncollectable());
            if (verifier != null) verifier.verify("after collection " + stats.cycles() + " (" + cause + ")", true, mayRemain(marker.beforeRemark), stats);
        } finally {
            collecting = false;
        }
    }

    /**
     * What a finished collection may leave unreachable: objects that were live when finalizers and
     * callbacks had run (garbage they made waits), and garbage kept for the next collection because it
     * got a finalizer or weak reference during this one.
     */
    private java.util.function.LongPredicate mayRemain(java.util.function.LongPredicate liveBeforeRemark) {
        if (liveBeforeRemark == null) return null;
        return obj -> liveBeforeRemark.test(obj) || finalization.keptForLater(obj);
    }
}
