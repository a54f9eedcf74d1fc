package dev.gclab.gc.plan.incremental;

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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Incremental, non-moving mark-and-sweep: tri-colour marking in bounded steps with a snapshot (SATB)
 * or incremental-update (IU) barrier, paced by allocation, and lazy sweeping.
 *
 * <p>A cycle. {@code IDLE} → (occupancy reaches the pacer's trigger) an <em>initial pause</em> greys the
 * roots (globals, frame slots, live handles, and {@code gc.garbage}) and turns the barrier on →
 * {@code MARKING}: every few kilobytes of allocation (the {@link Pacer}'s distance) one <em>step</em>
 * scans at most {@code step_budget} grey objects from the trace kernel's persistent grey set; objects
 * allocated meanwhile are black → when a step empties the grey set (IU: and tracing the roots again
 * greys nothing, repeated until it does not) the same pause is the <em>final pause</em>: weak
 * references are cleared and finalizers run ({@link Finalization#afterMarking}, with the barrier in its
 * remark mode), the barrier goes off, and every span becomes unswept ({@link Heap#beginLazySweep}) →
 * {@code SWEEPING}: the allocator sweeps each span it reuses, and steps of {@code sweep_budget} spans
 * sweep the rest, never all in one pause → {@code IDLE}. Every pause is recorded as a
 * {@link PauseKind#STEP} with its start and end (the source of MMU), with phases ROOTS, MARK, FINALIZE,
 * SWEEP inside.
 *
 * <p>Barriers ({@link IncrementalBarrier}): outside a cycle {@link #writeBarrier} is one test of
 * {@code barrierOn}. While marking, SATB greys the overwritten referent and the weak-load barrier greys a
 * referent read through a weak reference; IU greys a referent stored into a marked object. The cycle
 * completes (counted in {@code stats().cycles()}) at the final pause: from then on the garbage it found
 * is unreachable for good, though its memory comes back span by span as the sweep proceeds.
 *
 * <p>Full collections. {@link #collect} (explicit, or when the heap is full) is stop-the-world and
 * complete, so that exact checks after it hold: a cycle in its marking is abandoned (grey set dropped,
 * marks cleared), a pending sweep is finished, then one whole cycle runs in one pause (marking, final
 * work, and the whole sweep) and is recorded as a {@link PauseKind#MAJOR} pause.
 *
 * <p>{@link #incrementalStep} drives it by hand: from {@code IDLE} it runs the initial pause, while
 * marking a step of the budget given (objects scanned), while sweeping a step of that many spans.
 *
 * <p>{@code --verify}: the heap verifier before each cycle (marks clear, every span swept), after each
 * full collection (exact), and at the end of each marking (marks expected); {@link BarrierInvariants}
 * checks the barrier's invariant before every marking step and that everything reachable is marked at
 * the end of marking and after the finalizers. Verification time is not part of any pause.
 *
 * <p>Knobs ({@code -o}): {@code barrier=satb|iu} (default satb), {@code goal=} (heap goal as a multiple
 * of the live size; default the heap's growth factor, 2.0), {@code trigger_ratio=} (where in the runway
 * from live size to goal marking starts, 0..1, default 0.5), {@code step_budget=} (objects scanned per
 * marking step, default 2048), {@code sweep_budget=} (spans per sweep step, default 256),
 * {@code assist_floor=} (bytes of allocation that pay at least for each object scanned, default 256:
 * the pacer's cap on the collector's share of time, see {@link Pacer}), and the common {@code debug}.
 */
public final class IncrementalCollector implements Collector {
    static final Set<String> KNOBS = Set.of("barrier", "goal", "trigger_ratio", "step_budget", "sweep_budget", "assist_floor");
    static final long DEFAULT_STEP_BUDGET = 2048;
    static final int DEFAULT_SWEEP_BUDGET = 256;
    static final double DEFAULT_TRIGGER_RATIO = 0.5;

    private static final int IDLE = 0, MARKING = 1, SWEEPING = 2;

    private final Heap heap;
    private final Space space;
    private final WorkCounters work;
    private final Constraints constraints;
    private final GcStats stats = new GcStats();
    final IncrementalTrace trace;
    final IncrementalBarrier barrier;
    private final Pacer pacer;
    private final Sweeper sweeper;
    private final Heap.SpanSweeper spanSweeper;
    private final HeapVerifier verifier;
    private final BarrierInvariants invariants;
    private final List<ReachabilityHook> hooks = new ArrayList<>();
    private final Finalization finalization;
    private CollectionOutcome last = CollectionOutcome.NONE;

    private int phase = IDLE;
    /** The barrier's one flag: true while marking and during the final pause (barrier slow path, allocation black). */
    private boolean barrierOn;
    /** A pause is running: finalizers and callbacks inside it cannot start collector work. */
    private boolean inPause;
    /** Verification time inside the current pause (left out of the pause). */
    private long verifyInPause;

    // the cycle in progress
    private long cycleStartScanned, cycleStartMarked, cycleStartAllocations, cycleStartAllocatedBytes;
    private long stepOfCycle;

    // counters (deterministic)
    private long incrementalCycles, fullCollections, abortedCycles;
    private long initialPauses, markSteps, finalPauses, sweepSteps, markWorkTotal, markWorkMax, spansSweptBySteps;
    private long assists, assistsOverGoal, rootRescans;

    public IncrementalCollector(Heap heap, CollectorOptions options) {
        Map<String, String> extra = options.extra();
        CommonOptions.requireKnown(IncrementalProvider.NAME, extra, KNOBS);
        boolean satb = parseBarrier(extra.getOrDefault("barrier", "satb"));
        double goal = extra.containsKey("goal") ? parseDouble("goal", extra.get("goal"), 1.0, false, 100.0, "a number > 1, e.g. 2.0 (GOGC=100)") : options.growthFactor();
        double triggerRatio = extra.containsKey("trigger_ratio")
            ? parseDouble("trigger_ratio", extra.get("trigger_ratio"), 0.0, true, 1.0, "a number in [0, 1), e.g. 0.5") : DEFAULT_TRIGGER_RATIO;
        if (triggerRatio >= 1.0) throw new IllegalArgumentException("incremental: trigger_ratio must be a number in [0, 1), e.g. 0.5, not '" + extra.get("trigger_ratio") + "'");
        long stepBudget = extra.containsKey("step_budget") ? parseLong("step_budget", extra.get("step_budget"), "objects scanned per marking step, e.g. 2048") : DEFAULT_STEP_BUDGET;
        long sweepBudget = extra.containsKey("sweep_budget") ? parseLong("sweep_budget", extra.get("sweep_budget"), "spans swept per sweep step, e.g. 256") : DEFAULT_SWEEP_BUDGET;
        if (sweepBudget > Integer.MAX_VALUE) throw new IllegalArgumentException("incremental: sweep_budget must be at most " + Integer.MAX_VALUE);
        long assistFloor = extra.containsKey("assist_floor") ? parseLong("assist_floor", extra.get("assist_floor"),
            "bytes of allocation that pay at least for each object scanned, e.g. 256") : Pacer.DEFAULT_ASSIST_FLOOR;
        this.heap = heap;
        this.space = heap.mutatorSpace();
        this.work = heap.counters();
        this.constraints = new Constraints(false, satb ? BarrierKind.SATB : BarrierKind.INCREMENTAL_UPDATE, false, false, true, false);
        this.trace = new IncrementalTrace(heap);
        this.barrier = new IncrementalBarrier(satb, trace);
        this.pacer = new Pacer(goal, triggerRatio, stepBudget, (int) sweepBudget, assistFloor, options.minTriggerBytes(), heap.maxBytes());
        this.sweeper = new Sweeper(heap);
        this.spanSweeper = sweeper::sweepSpan;
        this.finalization = new Finalization(heap);
        CommonOptions.apply(extra, finalization);
        if (satb) finalization.setWeakLoadBarrier(referent -> { if (barrierOn) barrier.onWeakLoad(referent); });
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        this.invariants = options.verify() ? new BarrierInvariants(heap, trace, satb, finalization::garbage) : null;
        if (verifier != null) {
            verifier.setExtraRoots(finalization::garbage);
            verifier.setWeakRefLayout(finalization.weakRefLayout());
        }
        heap.setCollectionTrigger(pacer.markTrigger());
        stats.setHeap(heap);
    }

    private static boolean parseBarrier(String s) {
        return switch (s) {
            case "satb" -> true;
            case "iu" -> false;
            default -> throw new IllegalArgumentException("incremental: barrier must be 'satb' (snapshot at the beginning) or 'iu' (incremental update), not '" + s + "'");
        };
    }

    private static double parseDouble(String key, String s, double low, boolean lowIncluded, double high, String valid) {
        double v;
        try {
            v = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("incremental: " + key + " must be " + valid + ", not '" + s + "'");
        }
        if (!(lowIncluded ? v >= low : v > low) || v > high) throw new IllegalArgumentException("incremental: " + key + " must be " + valid + ", not '" + s + "'");
        return v;
    }

    private static long parseLong(String key, String s, String valid) {
        long v;
        try {
            v = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("incremental: " + key + " must be a whole number >= 1 (" + valid + "), not '" + s + "'");
        }
        if (v < 1) throw new IllegalArgumentException("incremental: " + key + " must be a whole number >= 1 (" + valid + "), not '" + s + "'");
        return v;
    }

    @Override public String name() { return IncrementalProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return constraints; }
    @Override public GcStats stats() { return stats; }
    @Override public void addReachabilityHook(ReachabilityHook hook) { hooks.add(hook); }
    @Override public Finalization finalization() { return finalization; }
    @Override public CollectionOutcome lastCollection() { return last; }

    /** True while a cycle is marking (the barrier is on). */
    public boolean isMarking() { return phase == MARKING; }
    /** True while a finished cycle's spans are being swept lazily. */
    public boolean isSweeping() { return phase == SWEEPING; }

    // ------------------------------------------------------------------ barriers

    @Override
    public void writeBarrier(long obj, long slotAddress, long oldValue, long newValue) {
        if (barrierOn) barrier.onStore(obj, oldValue, newValue);
    }

    /** Objects allocated while marking (or by finalizers in the final pause) are allocated black. */
    @Override
    public void postAlloc(long obj) {
        if (barrierOn) trace.marks.setMark(obj);
    }

    // ------------------------------------------------------------------ allocation-driven work

    /** The heap reached the pacer's trigger: one step of whatever the cycle is doing (a mutator assist). */
    @Override
    public void pollCollection(long requestBytes) {
        if (inPause) return;
        runStep(phase == SWEEPING ? pacer.sweepBudget : pacer.assistBudget(trace.objectsScanned()), true);
    }

    @Override
    public void collectForAllocation(long requestBytes) {
        if (!inPause) collect(GcCause.HEAP_FULL);
    }

    @Override
    public boolean incrementalStep(long workBudget) {
        if (inPause) return false;
        return runStep(Math.max(1, workBudget), false);
    }

    /** One pause of incremental work; returns true if a cycle completed in it. */
    private boolean runStep(long budget, boolean assist) {
        inPause = true;
        verifyInPause = 0;
        boolean completed = false;
        try {
            if (phase == SWEEPING && space.unsweptSpans() == 0) sweepFinished(); // the allocator swept the rest
            // a poll for a step that is no longer due (the sweep ended, the cycle waits for its trigger) does nothing
            boolean due = !assist || phase != IDLE || heap.inUseBytes() >= pacer.markTrigger();
            if (due && assist) {
                assists++;
                if (phase == MARKING && pacer.overGoal(heap.inUseBytes())) assistsOverGoal++;
            }
            if (due) {
                switch (phase) {
                    case IDLE -> initialPause();
                    case MARKING -> completed = markStep(budget);
                    default -> sweepStep((int) Math.min(Integer.MAX_VALUE, budget));
                }
            }
        } finally {
            inPause = false;
        }
        if (phase == SWEEPING && space.unsweptSpans() == 0) sweepFinished();
        schedule();
        return completed;
    }

    /** Sets the heap's trigger: the next cycle's start, or the allocation distance to the next step. */
    private void schedule() {
        long inUse = heap.inUseBytes();
        long at = switch (phase) {
            case IDLE -> pacer.markTrigger();
            case MARKING -> inUse + pacer.markDistance(inUse, trace.objectsScanned() - cycleStartScanned, trace.greyCount(),
                pacer.assistBudget(trace.objectsScanned()));
            default -> inUse + pacer.sweepDistance(work.allocatedBytes, space.unsweptSpans());
        };
        heap.setCollectionTrigger(at);
    }

    // ------------------------------------------------------------------ the cycle

    /** IDLE → MARKING: grey the roots, barrier on. A pause of its own. */
    private void initialPause() {
        verifyBeforeCycle("before cycle " + (stats.cycles() + 1));
        long t0 = System.nanoTime();
        beginMarking();
        initialPauses++;
        long t1 = System.nanoTime();
        stats.recordPhase(Phase.ROOTS, t0, t1);
        stats.recordPause(PauseKind.STEP, t0, t1);
        if (invariants != null) {
            long v0 = System.nanoTime();
            invariants.cycleStarted();
            stats.recordVerification(System.nanoTime() - v0);
        }
    }

    private void verifyBeforeCycle(String when) {
        if (verifier == null) return;
        verifier.setMarksExpected(false);
        verifier.verify(when, false, null, stats);
    }

    private void beginMarking() {
        cycleStartScanned = trace.objectsScanned();
        cycleStartMarked = work.objectsMarked;
        cycleStartAllocations = work.allocations;
        cycleStartAllocatedBytes = work.allocatedBytes;
        trace.markedBytes = 0;
        stepOfCycle = 0;
        pacer.cycleStarted(objectsInHeap());
        finalization.beginCollection();
        barrierOn = true;
        phase = MARKING;
        trace.greyRoots(finalization.garbage());
    }

    /** About how many objects the heap holds (objects per allocated byte so far × bytes in use): the first work estimate. */
    private long objectsInHeap() {
        return work.allocatedBytes == 0 ? 0 : (long) (heap.inUseBytes() * ((double) work.allocations / work.allocatedBytes));
    }

    /** A marking step of at most {@code budget} objects scanned; the final pause when marking ends in it. */
    private boolean markStep(long budget) {
        stepOfCycle++;
        if (invariants != null) {
            long v0 = System.nanoTime();
            invariants.checkStep("before marking step " + stepOfCycle + " of cycle " + (stats.cycles() + 1)
                + " (" + (barrier.satb ? "SATB" : "IU") + " invariant)");
            stats.recordVerification(System.nanoTime() - v0);
        }
        long t0 = System.nanoTime();
        long w0 = trace.objectsScanned();
        boolean done = trace.drain(budget) && terminate(budget - (trace.objectsScanned() - w0));
        long used = trace.objectsScanned() - w0;
        markSteps++;
        markWorkTotal += used;
        markWorkMax = Math.max(markWorkMax, used);
        long t1 = System.nanoTime();
        stats.recordPhase(Phase.MARK, t0, t1);
        if (done) {
            finalPauses++;
            finishCycle(false);
        }
        stats.recordPause(PauseKind.STEP, t0 + verifyInPause, System.nanoTime());
        return done;
    }

    /**
     * The grey set is empty. SATB: marking is complete. IU: the roots are traced again (they have no
     * barrier) and what they grey drained, until a pass greys nothing — within {@code left} objects
     * scanned; false if the budget ran out first (the next step goes on).
     */
    private boolean terminate(long left) {
        if (barrier.satb) return true;
        while (true) {
            rootRescans++;
            trace.traceRoots();
            if (trace.greyEmpty()) return true;
            long w0 = trace.objectsScanned();
            boolean empty = trace.drain(left);
            left -= trace.objectsScanned() - w0;
            if (!empty) return false;
        }
    }

    /**
     * The final work of a cycle, inside the pause that ended its marking: weak references and finalizers
     * (the barrier in remark mode), SAVEALL, then the sweep begins — lazily for an incremental cycle, all
     * of it for a full collection. Verification time is added to {@link #verifyInPause}.
     */
    private void finishCycle(boolean full) {
        long t0 = System.nanoTime();
        int cycle = (int) stats.cycles() + 1;
        if (invariants != null) {
            long v0 = System.nanoTime();
            invariants.checkMarked("at the end of marking of cycle " + cycle, !full); // a full collection took no snapshot
            verifyInPause += System.nanoTime() - v0;
            stats.recordVerification(System.nanoTime() - v0);
        }
        long allocated = objectsInUse();
        long unreachable = allocated - liveObjects();
        barrier.remark = true;
        trace.beforeRemark = null;
        try {
            for (ReachabilityHook hook : hooks) hook.afterMarking(trace);
            finalization.afterMarking(trace);
        } finally {
            barrier.remark = false;
        }
        long saved = finalization.saveAll() ? saveGarbage() : 0;
        barrierOn = false;
        long t1 = System.nanoTime();
        stats.recordPhase(Phase.FINALIZE, t0, t1);
        long freed = objectsInUse() - liveObjects(); // what the sweep will free
        pacer.markingEnded(trace.markedBytes, liveObjects(), trace.objectsScanned() - cycleStartScanned);
        if (verifier != null || invariants != null) {
            long v0 = System.nanoTime();
            if (invariants != null) invariants.checkMarked("after the finalizers of cycle " + cycle, false);
            long v1 = System.nanoTime();
            stats.recordVerification(v1 - v0);
            if (verifier != null) {
                verifier.setMarksExpected(true);
                verifier.verify("at the end of marking of cycle " + cycle, false, null, stats);
            }
            verifyInPause += System.nanoTime() - v0;
        }
        long t2 = System.nanoTime();
        heap.beginLazySweep(space, spanSweeper);
        phase = SWEEPING;
        if (full) {
            heap.finishLazySweep(space);
            phase = IDLE;
        } else {
            pacer.sweepStarted(work.allocatedBytes);
            incrementalCycles++;
        }
        stats.recordPhase(Phase.SWEEP, t2, System.nanoTime());
        stats.cycleCompleted(false);
        last = new CollectionOutcome(2, unreachable, freed + saved, finalization.lastUncollectable());
    }

    /**
     * Objects in the heap, from the work counters (each comes from an allocation and leaves by a sweep):
     * O(1), where {@link Heap#objectCount()} walks every span — too slow for a final pause.
     */
    private long objectsInUse() {
        long n = work.allocations - work.objectsFreed;
        assert n == heap.objectCount() : "objects in use: the counters say " + n + ", the spans " + heap.objectCount();
        return n;
    }

    /** Objects marked this cycle, plus those allocated (black) since it began. */
    private long liveObjects() {
        return (work.objectsMarked - cycleStartMarked) + (work.allocations - cycleStartAllocations);
    }

    /** A sweep step: at most {@code spans} spans. */
    private void sweepStep(int spans) {
        long t0 = System.nanoTime();
        spansSweptBySteps += heap.sweepUnswept(space, spans);
        sweepSteps++;
        long t1 = System.nanoTime();
        stats.recordPhase(Phase.SWEEP, t0, t1);
        stats.recordPause(PauseKind.STEP, t0, t1);
    }

    /** Every span of the last cycle is swept: the heap check, then the cycle waits for its trigger. */
    private void sweepFinished() {
        phase = IDLE;
        if (verifier != null) {
            verifier.setMarksExpected(false);
            verifier.verify("after the sweep of cycle " + stats.cycles(), false, null, stats);
        }
    }

    // ------------------------------------------------------------------ full collections

    /**
     * A complete stop-the-world collection: abandons a marking in progress, finishes a pending sweep,
     * then marks, finalizes and sweeps everything in one pause. A call from a finalizer or callback
     * during a pause does nothing.
     */
    @Override
    public void collect(GcCause cause) {
        if (inPause) return;
        inPause = true;
        verifyInPause = 0;
        try {
            long t0 = System.nanoTime();
            if (phase == MARKING) abandonMarking();
            if (phase == SWEEPING) {
                heap.finishLazySweep(space);
                phase = IDLE;
            }
            int cycle = (int) stats.cycles() + 1;
            if (verifier != null) {
                long v0 = System.nanoTime();
                verifyBeforeCycle("before collection " + cycle + " (" + cause + ")");
                verifyInPause += System.nanoTime() - v0;
            }
            long tm = System.nanoTime();
            beginMarking();
            trace.drain(); // stop-the-world: the roots cannot change, so no rescan
            stats.recordPhase(Phase.MARK, tm, System.nanoTime());
            trace.snapshotOnRemark = verifier != null;
            try {
                finishCycle(true);
            } finally {
                trace.snapshotOnRemark = false;
            }
            fullCollections++;
            stats.recordPause(PauseKind.MAJOR, t0 + verifyInPause, System.nanoTime());
            if (verifier != null) {
                verifier.setMarksExpected(false);
                verifier.verify("after collection " + stats.cycles() + " (" + cause + ")", true, mayRemain(trace.beforeRemark), stats);
            }
        } finally {
            inPause = false;
        }
        schedule();
    }

    /** Drops a marking in progress: the grey set, every mark, the barrier (a full collection restarts the work). */
    private void abandonMarking() {
        trace.clearGrey();
        trace.marks.clearMarks(null);
        barrierOn = false;
        phase = IDLE;
        abortedCycles++;
    }

    /** DEBUG_SAVEALL: every object left unmarked after finalization is kept, listed in {@code garbage()}; returns how many. */
    private long saveGarbage() {
        LongStack found = new LongStack(64);
        trace.marks.forEachUnmarked(null, found::push);
        for (int i = 0; i < found.size(); i++) finalization.saveGarbage(found.get(i));
        for (int i = 0; i < found.size(); i++) trace.retain(found.get(i));
        return found.size();
    }

    /** As marksweep's: what a full collection may leave unreachable (garbage finalizers and callbacks made during it). */
    private LongPredicate mayRemain(LongPredicate liveBeforeRemark) {
        if (liveBeforeRemark == null) return null;
        return obj -> liveBeforeRemark.test(obj) || finalization.keptForLater(obj);
    }

    // ------------------------------------------------------------------ counters

    @Override
    public Map<String, Long> collectorCounters() {
        Map<String, Long> m = new LinkedHashMap<>();
        long steps = initialPauses + markSteps + sweepSteps;
        m.put("incremental_cycles", incrementalCycles);
        m.put("full_collections", fullCollections);
        m.put("aborted_cycles", abortedCycles);
        m.put("steps", steps);
        m.put("initial_pauses", initialPauses);
        m.put("mark_steps", markSteps);
        m.put("final_pauses", finalPauses);
        m.put("sweep_steps", sweepSteps);
        m.put("mark_work_mean", markSteps == 0 ? 0 : markWorkTotal / markSteps);
        m.put("mark_work_max", markWorkMax);
        m.put("spans_swept_by_steps", spansSweptBySteps);
        m.put("barrier_greyed", barrier.greyed);
        m.put("weak_load_greyed", barrier.weakGreyed);
        m.put("root_rescans", rootRescans);
        m.put("pacer_assists", assists);
        m.put("assists_over_goal", assistsOverGoal);
        m.putAll(finalization.counters());
        return m;
    }
}
