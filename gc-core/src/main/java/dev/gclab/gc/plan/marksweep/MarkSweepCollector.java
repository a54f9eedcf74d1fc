package dev.gclab.gc.plan.marksweep;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.gc.trace.Marker;
import dev.gclab.gc.trace.Sweeper;
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;

import java.util.ArrayList;
import java.util.List;

/**
 * Stop-the-world, non-moving mark-and-sweep.
 *
 * <p>A collection is three phases: mark (precise, from globals, frames and live handles, with an
 * explicit mark stack: {@link Marker}); the reachability hooks (finalization and weak references
 * plug in here); sweep (eager, Go-style bitmap swap per span: {@link Sweeper}). The next collection
 * is triggered when occupancy reaches {@code max(minTrigger, live * growthFactor)}. There is no
 * write barrier. With {@code verify}, the {@link HeapVerifier} re-traces the heap before every
 * collection (so a corrupt slot is reported, not traced) and after it, requiring that exactly the
 * reachable objects survived; that time is not part of the pause.
 */
public final class MarkSweepCollector implements Collector {
    static final Constraints CONSTRAINTS = new Constraints(false, dev.gclab.gc.spi.BarrierKind.NONE, false, false, false, false);

    private final Heap heap;
    private final CollectorOptions options;
    private final GcStats stats = new GcStats();
    private final Marker marker;
    private final Sweeper sweeper;
    private final HeapVerifier verifier;
    private final List<ReachabilityHook> hooks = new ArrayList<>();
    private final Finalization finalization;
    private boolean collecting;

    public MarkSweepCollector(Heap heap, CollectorOptions options) {
        if (!options.extra().isEmpty()) {
            throw new IllegalArgumentException("marksweep: unknown option(s) " + options.extra().keySet()
                + "; marksweep takes none (its knobs are --mark-bits and --growth)");
        }
        this.heap = heap;
        this.options = options;
        this.marker = new Marker(heap);
        this.sweeper = new Sweeper(heap);
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        this.finalization = new Finalization(heap);
        if (verifier != null) verifier.setExtraRoots(finalization::garbage);
        heap.setCollectionTrigger(options.minTriggerBytes());
    }

    @Override public String name() { return MarkSweepProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return CONSTRAINTS; }
    @Override public GcStats stats() { return stats; }
    @Override public void addReachabilityHook(ReachabilityHook hook) { hooks.add(hook); }
    @Override public Finalization finalization() { return finalization; }
    @Override public java.util.Map<String, Long> collectorCounters() { return finalization.counters(); }

    /** The time of finalizers and callbacks is part of the pause, as in CPython's {@code gc.collect()}. */
    @Override
    public void pollCollection(long requestBytes) {
        if (!collecting) collect(GcCause.TRIGGER);
    }

    @Override
    public void collectForAllocation(long requestBytes) {
        if (!collecting) collect(GcCause.HEAP_FULL);
    }

    private void verify(String when, boolean exact) { verifier.verify(when, exact, stats); }

    @Override
    public void collect(GcCause cause) {
        if (collecting) return;
        collecting = true;
        try {
            if (verifier != null) verify("before collection " + (stats.cycles() + 1) + " (" + cause + ")", false);
            long t0 = System.nanoTime();
            marker.markFromRoots();
            for (ReachabilityHook hook : hooks) hook.afterMarking(marker);
            finalization.afterMarking(marker);
            sweeper.sweepAll();
            long live = heap.inUseBytes();
            heap.setCollectionTrigger(Math.max(options.minTriggerBytes(), (long) (live * options.growthFactor())));
            stats.recordPause(System.nanoTime() - t0);
            stats.cycleCompleted(false);
            if (verifier != null) verify("after collection " + stats.cycles() + " (" + cause + ")", true);
        } finally {
            collecting = false;
        }
    }
}
