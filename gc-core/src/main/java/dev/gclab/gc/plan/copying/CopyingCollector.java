package dev.gclab.gc.plan.copying;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.spi.BarrierKind;
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
import dev.gclab.gc.util.LongStack;
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.span.Span;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bartlett's mostly-copying collector on spans: the first moving collector, and the proof of the
 * moving-ready core (forwarding-aware trace, spaces, finalization that follows moves, identity-based
 * checks).
 *
 * <p>A collection evacuates every span of the one space: live objects are copied into fresh spans of
 * the same size class (Cheney's breadth-first order by default, {@code -o order=depth} for the mark
 * stack's order) and the evacuated spans are released. A span holding a pinned object
 * ({@code Mutator.pin}) is not evacuated: its objects are marked in place and it is swept, as Bartlett's
 * collector keeps the pages ambiguous roots point into; pinned objects never move. Large objects stay
 * too. Roots, slots, handle entries and the finalization service's records (weak references' referents
 * included) are updated as objects move; raw addresses the mutator held across the collection are stale
 * (the README's rooting rule). A copy that finds no room is marked in place instead
 * ({@code spans_kept_for_lack_of_room}): a collection never fails for lack of to-space. The next
 * collection is triggered at {@code max(minTrigger, live * growthFactor)}, as for {@code marksweep}.
 *
 * <p>With {@code verify}, besides the usual checks the heap verifier compares the reachable graph after
 * the collection with a snapshot taken before it: every object has the same contents with references
 * renamed, pinned objects stayed, weak references follow their referents (when no finalizer or callback
 * ran during the collection, which could have changed the graph, and no garbage was kept alive).
 */
public final class CopyingCollector implements Collector {
    static final Constraints CONSTRAINTS = new Constraints(true, BarrierKind.NONE, false, false, false, true);
    static final Set<String> KNOBS = Set.of("order");

    private final Heap heap;
    private final WorkCounters work;
    private final CollectorOptions options;
    private final GcStats stats = new GcStats();
    private final Space space;
    private final CopyingTrace trace;
    private final Sweeper sweeper;
    private final HeapVerifier verifier;
    private final List<ReachabilityHook> hooks = new ArrayList<>();
    private final Finalization finalization;
    private boolean collecting;
    private CollectionOutcome last = CollectionOutcome.NONE;
    private long spansEvacuated, spansKeptByPins, spansKeptForLackOfRoom;

    public CopyingCollector(Heap heap, CollectorOptions options) {
        CommonOptions.requireKnown("copying", options.extra(), KNOBS);
        String order = options.extra().getOrDefault("order", "breadth");
        if (!order.equals("breadth") && !order.equals("depth")) {
            throw new IllegalArgumentException("copying: order must be 'breadth' (Cheney's) or 'depth' (mark-stack order), not '" + order + "'");
        }
        this.heap = heap;
        this.work = heap.counters();
        this.options = options;
        this.space = heap.mutatorSpace();
        this.trace = new CopyingTrace(heap, order.equals("breadth"), space);
        this.sweeper = new Sweeper(heap);
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        this.finalization = new Finalization(heap);
        CommonOptions.apply(options.extra(), finalization);
        trace.snapshotOnRemark = verifier != null;
        if (verifier != null) {
            verifier.setExtraRoots(finalization::garbage);
            verifier.setWeakRefLayout(finalization.weakRefLayout());
        }
        heap.setCollectionTrigger(options.minTriggerBytes());
        stats.setHeap(heap);
    }

    @Override public String name() { return CopyingProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return CONSTRAINTS; }
    @Override public GcStats stats() { return stats; }
    @Override public void addReachabilityHook(ReachabilityHook hook) { hooks.add(hook); }
    @Override public Finalization finalization() { return finalization; }
    @Override public CollectionOutcome lastCollection() { return last; }

    @Override
    public Map<String, Long> collectorCounters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("spans_evacuated", spansEvacuated);
        m.put("spans_kept_by_pins", spansKeptByPins);
        m.put("spans_kept_for_lack_of_room", spansKeptForLackOfRoom);
        m.putAll(finalization.counters());
        return m;
    }

    @Override
    public void pollCollection(long requestBytes) {
        if (!collecting) collect(GcCause.TRIGGER);
    }

    @Override
    public void collectForAllocation(long requestBytes) {
        if (!collecting) collect(GcCause.HEAP_FULL);
    }

    @Override
    public void collect(GcCause cause) {
        if (collecting) return;
        collecting = true;
        try {
            HeapVerifier.Snapshot before = null;
            if (verifier != null) {
                verifier.verify("before collection " + (stats.cycles() + 1) + " (" + cause + ")", false, null, stats);
                long v0 = System.nanoTime();
                before = verifier.snapshot();
                stats.recordVerification(System.nanoTime() - v0);
            }
            long t0 = System.nanoTime();
            heap.samplePeaks();
            long allocated = heap.objectCount();
            long reachedBefore = work.objectsMarked;
            long codeBefore = finalization.codeRuns();
            trace.prepare();
            trace.traceRoots();
            trace.drain();
            long t1 = System.nanoTime();
            stats.recordPhase(Phase.COPY, t0, t1);
            long unreachable = allocated - (work.objectsMarked - reachedBefore);
            for (ReachabilityHook hook : hooks) hook.afterMarking(trace);
            finalization.afterMarking(trace);
            long saved = finalization.saveAll() ? saveGarbage() : 0;
            long t2 = System.nanoTime();
            stats.recordPhase(Phase.FINALIZE, t1, t2);
            long freedBefore = work.objectsFreed;
            trace.copy.finish(sweeper::sweepSpan);
            heap.finishSweep();
            stats.recordPhase(Phase.SWEEP, t2, System.nanoTime());
            spansEvacuated += trace.copy.spansEvacuated;
            spansKeptByPins += trace.copy.spansKeptByPins;
            spansKeptForLackOfRoom += trace.copy.spansKeptForLackOfRoom;
            long live = heap.inUseBytes();
            heap.setCollectionTrigger(Math.max(options.minTriggerBytes(), (long) (live * options.growthFactor())));
            stats.recordPause(PauseKind.MAJOR, t0);
            stats.cycleCompleted(false);
            last = new CollectionOutcome(2, unreachable, work.objectsFreed - freedBefore + saved, finalization.lastUncollectable());
            if (verifier != null) {
                String when = "after collection " + stats.cycles() + " (" + cause + ")";
                verifier.verify(when, true, mayRemain(trace.beforeRemark), stats);
                // The graph is the one before the collection, moves aside, unless finalizers or callbacks ran or
                // garbage was kept alive (legacy finalizers, SAVEALL): then only the checks above apply.
                if (finalization.codeRuns() == codeBefore && last.uncollectable() == 0 && saved == 0) {
                    long v0 = System.nanoTime();
                    verifier.verifyMoved(when, before);
                    stats.recordVerification(System.nanoTime() - v0);
                }
            }
        } finally {
            collecting = false;
        }
    }

    /** DEBUG_SAVEALL: every object left unreachable after finalization is kept (copied like the rest), listed in {@code garbage()}; returns how many. */
    private long saveGarbage() {
        LongStack found = new LongStack(64);
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.space != space.id || s.gcState == Span.GC_NONE) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (!trace.isLive(obj)) found.push(obj);
            }
        }
        for (int i = 0; i < found.size(); i++) trace.fixReferences(found.get(i));
        for (int i = 0; i < found.size(); i++) finalization.saveGarbage(trace.retain(found.get(i)));
        return found.size();
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
