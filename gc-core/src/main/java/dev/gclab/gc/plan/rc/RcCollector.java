package dev.gclab.gc.plan.rc;

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
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reference counting with CPython's generational cycle detector: the plan. It owns the knobs, the
 * barriers (counts), the collection entry points and the surface of CPython's {@code gc} module; the
 * work is done by {@link RefCounts} (where counts live), {@link CountDeaths} (death at zero and the
 * zero-count table), {@link CycleDetector} and {@link CycleGarbage} (finding and disposing of cyclic
 * garbage), {@link Generations} (the detector's lists) and {@link Tracking} (which containers are
 * tracked).
 *
 * <p>Counts. Every reference to an object from a heap slot, a root (global or frame slot) or a handle
 * is counted; the barriers increment the new referent and decrement the old one after each store.
 * A new object starts at count 0, owned by the mutator until it stores it (the rooting discipline:
 * before its next allocation).
 *
 * <p>Cycles. Containers (objects that can hold references, and weak references) are tracked in
 * generation 0 when allocated, and their allocations count towards generation 0's threshold
 * (700/10/10 by default). As in CPython 3.11, the allocation that takes the count over the threshold
 * runs the detector itself (on the highest generation over its threshold; generation 2 only when the
 * long-lived objects pending since the last full collection are at least 25% of those that survived
 * it), before the new object is tracked; {@code -o trigger=eval_breaker} instead runs it at the next
 * allocation, as 3.12+ schedule it for the next eval-breaker check. {@link #freeze()} moves every
 * tracked object to a permanent generation that collections ignore.
 *
 * <p>CPython 3.14 ({@code -o incremental=true}): the detector's schedule is 3.14's incremental one
 * ({@link Increments}): a young generation and two old spaces, each automatic collection the young
 * generation plus the next increment of the old one, thresholds (2000, 10, 0), collections scheduled
 * for the next safe point; the per-collection pipeline (deduce the unreachable, weak references,
 * finalizers, resurrection, deletion) is the same. Its increments are {@code STEP} pauses.
 *
 * <p>Knobs ({@code -o}): {@code counts=side|header}, {@code thresholds=700,10,10} (0 disables
 * automatic detection), {@code trigger=allocation|eval_breaker}, {@code incremental=false|true}, and
 * the common {@code debug=saveall}.
 */
public final class RcCollector implements Collector {
    static final Constraints CONSTRAINTS = new Constraints(false, BarrierKind.REFCOUNT, true, true, false, false);
    static final Set<String> KNOBS = Set.of("counts", "thresholds", "trigger", "incremental");
    static final Constraints INCREMENTAL_CONSTRAINTS = new Constraints(false, BarrierKind.REFCOUNT, true, true, true, false);
    static final int ZCT_LIMIT = 4096;

    /** Observer of cycle-detector runs: CPython's {@code gc.callbacks}. */
    public interface Callback {
        /**
         * @param phase         "start" or "stop"
         * @param collected     at "stop": objects collected (CPython's m); 0 at "start"
         * @param uncollectable at "stop": objects made uncollectable (CPython's n); 0 at "start"
         */
        void call(String phase, int generation, long collected, long uncollectable);
    }

    private final Heap heap;
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final WorkCounters counters;
    private final GcStats stats = new GcStats();
    private final RefCounts counts;
    private final Generations gens;
    private final CycleDetector detector;
    private final CountDeaths deaths;
    private final Tracking tracking;
    private final HeapVerifier verifier;
    private final List<Callback> callbacks = new ArrayList<>();
    private final Finalization finalization;
    private final boolean triggerInAllocation;
    /** CPython 3.14's incremental schedule ({@code incremental=true}), or null for 3.11's generations. */
    private final Increments increments;
    private boolean collecting;
    private boolean enabled = true;
    private CollectionOutcome last = CollectionOutcome.NONE;
    /** The object whose allocation runs the current collection (not stored, not tracked yet), or 0. */
    private long allocating;

    public RcCollector(Heap heap, CollectorOptions options) {
        Map<String, String> extra = options.extra();
        CommonOptions.requireKnown("rc", extra, KNOBS);
        CountStorage storage = parseStorage(extra.getOrDefault("counts", "side"));
        int[] thresholds = extra.containsKey("thresholds") ? parseThresholds(extra.get("thresholds")) : null;
        boolean incremental = parseIncremental(extra.getOrDefault("incremental", "false"));
        // 3.12+ (so 3.14) runs a scheduled collection at the next eval-breaker check
        this.triggerInAllocation = parseTrigger(extra.getOrDefault("trigger", incremental ? "eval_breaker" : "allocation"));
        this.heap = heap;
        this.memory = heap.memory();
        this.layouts = heap.layouts();
        this.counters = heap.counters();
        this.finalization = new Finalization(heap);
        CommonOptions.apply(extra, finalization);
        this.counts = new RefCounts(heap, storage);
        this.gens = new Generations(heap);
        this.detector = new CycleDetector(heap, counts, gens, finalization);
        this.deaths = new CountDeaths(heap, counts, gens, detector, finalization);
        this.tracking = new Tracking(heap, gens, finalization.weakRefLayout());
        detector.garbage = new CycleGarbage(heap, counts, gens, detector, deaths, finalization);
        detector.tracking = tracking;
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        if (verifier != null) {
            verifier.setExtraRoots(finalization::garbage);
            verifier.setWeakRefLayout(finalization.weakRefLayout());
        }
        this.increments = incremental ? new Increments(heap, gens, detector, finalization) : null;
        if (incremental) setThresholds(2000, 10, 0);
        if (thresholds != null) setThresholds(thresholds);
        heap.setCollectionTrigger(Long.MAX_VALUE);
        stats.setHeap(heap);
    }

    private static CountStorage parseStorage(String s) {
        return switch (s) {
            case "side" -> CountStorage.SIDE;
            case "header" -> CountStorage.HEADER;
            default -> throw new IllegalArgumentException("rc: counts must be 'side' or 'header', not '" + s + "'");
        };
    }

    private static boolean parseIncremental(String s) {
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("rc: incremental must be 'false' (CPython 3.11's generations) or 'true' (3.14's incremental collection), not '" + s + "'");
        };
    }

    private static boolean parseTrigger(String s) {
        return switch (s) {
            case "allocation" -> true;
            case "eval_breaker" -> false;
            default -> throw new IllegalArgumentException("rc: trigger must be 'allocation' (CPython 3.11) or 'eval_breaker' (3.12+), not '" + s + "'");
        };
    }

    private static int[] parseThresholds(String s) {
        String[] parts = s.split(",", -1);
        if (parts.length < 1 || parts.length > 3) throw new IllegalArgumentException("rc: thresholds are 1 to 3 numbers, e.g. 700,10,10: '" + s + "'");
        int[] t = {700, 10, 10};
        for (int i = 0; i < parts.length; i++) {
            try {
                t[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rc: threshold " + i + " of thresholds=" + s + " is not a number: '" + parts[i].trim()
                    + "' (thresholds are 1 to 3 numbers >= 0, e.g. 700,10,10)");
            }
            if (t[i] < 0) throw new IllegalArgumentException("rc: threshold " + i + " of thresholds=" + s + " must be >= 0, was " + t[i]);
        }
        return java.util.Arrays.copyOf(t, parts.length); // the others keep the mode's defaults
    }

    @Override public String name() { return RcProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return increments != null ? INCREMENTAL_CONSTRAINTS : CONSTRAINTS; }

    /** True in CPython 3.14's incremental mode ({@code incremental=true}). */
    public boolean isIncremental() { return increments != null; }
    @Override public GcStats stats() { return stats; }
    @Override public Finalization finalization() { return finalization; }
    @Override public CollectionOutcome lastCollection() { return last; }

    /** rc frees by count and by cycle detection; it runs no tracing phase for hooks. */
    @Override
    public void addReachabilityHook(ReachabilityHook hook) {
        throw new UnsupportedOperationException("rc does not trace; finalization and weak references attach to its count-zero path");
    }

    // ------------------------------------------------------------------ barriers

    @Override
    public void postAlloc(long obj) {
        if (deaths.zct.size() >= ZCT_LIMIT && !collecting) deaths.processZeroCountTable(obj);
        counts.reset(obj);
        int lid = ObjectModel.layoutId(memory.getLong(obj));
        if (tracking.isContainer(lid)) { // weak references are tracked, as in CPython
            detector.count[0]++;
            if (enabled && detector.threshold[0] > 0 && detector.count[0] > detector.threshold[0] && !collecting) {
                // CPython 3.11 collects inside the allocation, before the new object is tracked: it is
                // not a candidate, and not in the zero-count table yet, so the collection cannot free it.
                if (triggerInAllocation) {
                    allocating = obj;
                    try {
                        collectAutomatically(GcCause.TRIGGER);
                    } finally {
                        allocating = 0;
                    }
                }
                else heap.setCollectionTrigger(0); // 3.12+: at the next safe point (the next allocation)
            }
            if (tracking.trackedAtCreation(lid)) gens.add(0, obj);
        }
        deaths.zct.push(obj);
    }

    @Override
    public void writeBarrier(long obj, long slotAddress, long oldValue, long newValue) {
        if (newValue != 0) {
            counts.increment(newValue);
            if (layouts.hasDictLayouts()) tracking.stored(obj, newValue);
        }
        if (oldValue != 0) decrement(oldValue);
    }

    @Override
    public void rootBarrier(long oldValue, long newValue) {
        if (newValue != 0) counts.increment(newValue);
        if (oldValue != 0) decrement(oldValue);
    }

    /** The root's count is dropped, but at zero the object joins the never-stored ones instead of dying. */
    @Override
    public void rootReturned(long obj) {
        if (counts.decrement(obj) == 0) deaths.zct.push(obj);
    }

    @Override public void handleAcquired(long obj) { counts.increment(obj); }
    @Override public void handleReleased(long obj) { decrement(obj); }

    /**
     * The barriers' decrement. It reaches the counts through this collector's own {@code counts}
     * field, the one the increment uses, and calls into {@link CountDeaths} only at zero: going
     * through {@code deaths.decrement} (the same code, reached through CountDeaths's field) made C2's
     * steady-state code for an increment/decrement pair 6x slower (20 against 3.2 ns in a plain loop,
     * JDK 25; RcBench.incrementDecrement 21-23.5 against 12.5-13.3 ns). Both forms inline fully; without a
     * disassembler here the cause is not pinned down (two field paths to one RefCounts is the suspect).
     */
    private void decrement(long obj) {
        if (counts.decrement(obj) == 0) deaths.release(obj);
    }

    // ------------------------------------------------------------------ collections

    @Override
    public void pollCollection(long requestBytes) {
        heap.setCollectionTrigger(Long.MAX_VALUE);
        if (!collecting && enabled) collectAutomatically(GcCause.TRIGGER);
    }

    private void collectAutomatically(GcCause cause) {
        int g = increments != null ? (detector.threshold[0] > 0 && detector.count[0] > detector.threshold[0] ? 1 : -1)
            : detector.generationToCollect();
        if (g >= 0) runDetector(g, cause);
    }

    @Override
    public void collectForAllocation(long requestBytes) {
        if (!collecting) runDetector(2, GcCause.HEAP_FULL);
    }

    /**
     * In 3.14's incremental mode, one increment ({@code gc.collect(1)}); returns true if it completed a
     * scavenge of the old generation. In 3.11's mode, a full collection.
     */
    @Override
    public boolean incrementalStep(long workBudget) {
        if (increments == null) {
            collect(GcCause.EXPLICIT);
            return true;
        }
        long scavenges = increments.scavenges;
        collectGeneration(1, GcCause.EXPLICIT);
        return increments.scavenges != scavenges;
    }

    /** A full collection: the zero-count table, then the cycle detector on all three generations. */
    @Override
    public void collect(GcCause cause) { collectGeneration(2, cause); }

    @Override
    public void collectYoung(GcCause cause) { collectGeneration(0, cause); }

    /**
     * CPython's {@code gc.collect(g)}: returns the number of objects collected plus those found
     * uncollectable; 0 if a collection is running already (a finalizer that calls it).
     */
    public long collectGeneration(int generation, GcCause cause) {
        if (generation < 0 || generation > 2) throw new IllegalArgumentException("invalid generation " + generation + " (0, 1 or 2)");
        if (collecting) return 0;
        return runDetector(generation, cause);
    }

    private long runDetector(int g, GcCause cause) {
        collecting = true;
        try {
            if (verifier != null) verifier.verify("before cycle detection " + (stats.cycles() + 1) + " (" + cause + ")", false, null, stats);
            for (Callback cb : callbacks) cb.call("start", g, 0, 0);
            finalization.beginCollection();
            long codeBefore = finalization.codeRuns();
            long allocationsBefore = counters.allocations;
            long t0 = System.nanoTime();
            deaths.processZeroCountTable(allocating); // a stale entry may name the new object's slot
            CycleDetector.Result r = increments != null ? increments.collect(g) : detector.collect(g);
            boolean mutatorCodeRan = finalization.codeRuns() != codeBefore || counters.allocations != allocationsBefore;
            // What finalizers and callbacks allocated and never stored is garbage now (they returned).
            if (mutatorCodeRan) deaths.processZeroCountTable(allocating);
            stats.recordPause(g == 2 ? dev.gclab.gc.stats.PauseKind.MAJOR
                : g == 1 && increments != null ? dev.gclab.gc.stats.PauseKind.STEP : dev.gclab.gc.stats.PauseKind.MINOR, t0);
            stats.cycleCompleted(g < 2);
            last = new CollectionOutcome(g, r.unreachable(), r.collected(), r.uncollectable());
            for (Callback cb : callbacks) cb.call("stop", g, r.collected(), r.uncollectable());
            if (verifier != null) {
                String when = "after cycle detection " + stats.cycles() + " (generation " + g + ", " + cause + ")";
                verifier.verify(when, g == 2, mayRemainAfterFullDetection(mutatorCodeRan), stats);
            }
            return r.collected() + r.uncollectable();
        } finally {
            collecting = false;
        }
    }

    /**
     * After a full detection every unreachable object is gone, except: objects dying by count (a
     * finalizer or callback in a count cascade ran this collection: they are being freed, and the weak
     * references whose callbacks are due are held by the cascade alone), the object whose
     * allocation runs this collection (not stored yet), frozen objects (collections ignore the
     * permanent generation), and, when finalizers, callbacks or cleanups ran during it, garbage they
     * made out of objects that were reachable (or allocated) then: those survived the partition as
     * reachable, so they are tracked now, and they wait for the next collection.
     */
    private java.util.function.LongPredicate mayRemainAfterFullDetection(boolean mutatorCodeRan) {
        long inAllocation = allocating;
        boolean frozen = gens.size(Generations.PERMANENT) > 0;
        return obj -> obj == inAllocation || gens.isDying(obj) || deaths.isHeldByCascade(obj)
            || (mutatorCodeRan ? gens.isTracked(obj) : frozen && gens.listOf(obj) == Generations.PERMANENT);
    }

    // ------------------------------------------------------------------ CPython's gc module surface

    /** The count of {@code obj} (references from slots, roots and handles). */
    public long refCount(long obj) { return counts.get(obj); }

    /** True if {@code obj} is tracked by the cycle detector ({@code gc.is_tracked}). */
    public boolean isTracked(long obj) { return gens.isTracked(obj); }

    /**
     * The generation {@code obj} is in (0..2), 3 if frozen, -1 if untracked. In 3.14's incremental mode
     * 0 is young and 2 old (either space): {@code gc.get_objects(1)} is empty there.
     */
    public int generationOf(long obj) {
        int list = gens.listOf(obj);
        if (list > Generations.PERMANENT) return -1;
        return increments != null && (list == 1 || list == 2) ? 2 : list;
    }

    public int[] thresholds() { return detector.threshold.clone(); }

    public void setThresholds(int... t) {
        if (t.length < 1 || t.length > 3) throw new IllegalArgumentException("rc: 1 to 3 thresholds, not " + t.length);
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0) throw new IllegalArgumentException("rc: threshold " + i + " must be >= 0, was " + t[i]);
        }
        System.arraycopy(t, 0, detector.threshold, 0, t.length);
    }

    /** CPython's {@code gc.get_count()}. */
    public long[] generationCounts() { return increments != null ? increments.counts() : detector.count.clone(); }

    /** Disables or enables automatic cycle detection (counting goes on). */
    public void setEnabled(boolean on) { enabled = on; }
    public boolean isEnabled() { return enabled; }

    /** Moves every tracked object into the permanent generation, which collections ignore. */
    public void freeze() {
        if (increments != null) {
            increments.freeze();
            return;
        }
        for (int g = 0; g < Generations.COUNT; g++) gens.merge(g, Generations.PERMANENT);
        java.util.Arrays.fill(detector.count, 0);
    }

    /** Moves the permanent generation back into the oldest one. */
    public void unfreeze() {
        if (increments != null) increments.unfreeze();
        else gens.merge(Generations.PERMANENT, 2);
    }

    public int freezeCount() { return gens.size(Generations.PERMANENT); }

    /** {@code gc.garbage} holds a count on each of its objects: clearing it drops them. */
    @Override
    public void clearGarbage() {
        for (long obj : finalization.takeGarbage()) deaths.decrement(obj);
    }

    public void addCallback(Callback cb) { callbacks.add(cb); }
    public void removeCallback(Callback cb) { callbacks.remove(cb); }

    /** CPython's {@code gc.get_stats()}: per generation, {collections, collected, uncollectable}. */
    public long[][] generationStats() {
        long[][] s = new long[Generations.COUNT][];
        for (int g = 0; g < Generations.COUNT; g++) s[g] = new long[] {detector.collections[g], detector.collected[g], detector.uncollectable[g]};
        return s;
    }

    /** Starts a new window for {@code pages_dirtied}, as after a fork. */
    public void resetDirtyPages() { counts.resetDirtyPages(); }

    @Override
    public Map<String, Long> collectorCounters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("pages_dirtied", counts.dirtyPages());
        m.put("saturated_counts", counts.saturatedCount());
        for (int g = 0; g < Generations.COUNT; g++) {
            m.put("gen" + g + "_collections", detector.collections[g]);
            m.put("gen" + g + "_collected", detector.collected[g]);
            m.put("gen" + g + "_uncollectable", detector.uncollectable[g]);
        }
        m.put("tracked_objects", (long) gens.size(0) + gens.size(1) + gens.size(2));
        m.put("frozen_objects", (long) gens.size(Generations.PERMANENT));
        if (increments != null) {
            m.put("increments", increments.increments);
            m.put("scavenges", increments.scavenges);
            m.put("marked_alive", increments.markedAlive);
        }
        m.putAll(finalization.counters());
        return m;
    }
}
