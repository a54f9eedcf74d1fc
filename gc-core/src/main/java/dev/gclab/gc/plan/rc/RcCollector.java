package dev.gclab.gc.plan.rc;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.spi.BarrierKind;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.gc.util.LongStack;
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reference counting with CPython's generational cycle detector.
 *
 * <p>Counts. Every reference to an object from a heap slot, a root (global or frame slot) or a handle
 * is counted; the barriers increment the new referent and decrement the old one after each store.
 * A count reaching zero frees the object at once and decrements its children — iteratively, through
 * a work stack, so dropping a ten-million-long chain needs no Java stack. Counts live in a side table
 * or in header bits ({@link CountStorage}); the pages they dirty are counted.
 *
 * <p>Never-stored objects. A new object starts at count 0, owned by the mutator until it stores it
 * (the rooting discipline: before its next allocation). Every new object goes into a zero-count
 * table (Deutsch and Bobrow's ZCT); at the next safe point (a collection, or when the table is full)
 * those still allocated at count zero are freed.
 *
 * <p>Cycles. Objects that can hold references are tracked in generation 0 when allocated;
 * allocations of tracked objects count towards generation 0's threshold (700/10/10 by default).
 * When a count exceeds its threshold the next allocation runs {@link CycleDetector} on the highest
 * such generation (generation 2 only when the long-lived objects pending since the last full
 * collection are at least 25% of those that survived it). {@link #freeze()} moves every tracked
 * object to a permanent generation that collections ignore.
 *
 * <p>Knobs ({@code extra}): {@code counts=side|header}, {@code thresholds=700,10,10} (0 disables
 * automatic detection).
 */
public final class RcCollector implements Collector {
    static final Constraints CONSTRAINTS = new Constraints(false, BarrierKind.REFCOUNT, true, true, false, false);
    static final Set<String> KNOBS = Set.of("counts", "thresholds");
    private static final int ZCT_LIMIT = 4096;

    /** Observer of cycle-detector runs: CPython's {@code gc.callbacks}. */
    public interface Callback {
        /** @param phase "start" or "stop" */
        void call(String phase, int generation, long collected, long uncollectable);
    }

    private final Heap heap;
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final WorkCounters counters;
    private final CollectorOptions options;
    private final GcStats stats = new GcStats();
    private final RefCounts counts;
    private final Generations gens;
    private final CycleDetector detector;
    private final LongStack zct = new LongStack(ZCT_LIMIT);
    private final LongStack dying = new LongStack(1024);
    private final HeapVerifier verifier;
    private final List<Callback> callbacks = new ArrayList<>();
    private final Finalization finalization;
    private final int weakrefLayout;
    private boolean releasing;
    private boolean collecting;
    private boolean enabled = true;

    public RcCollector(Heap heap, CollectorOptions options) {
        for (String k : options.extra().keySet()) {
            if (!KNOBS.contains(k)) throw new IllegalArgumentException("rc: unknown option '" + k + "'; valid options: " + String.join(", ", new java.util.TreeSet<>(KNOBS)));
        }
        this.heap = heap;
        this.memory = heap.memory();
        this.layouts = heap.layouts();
        this.counters = heap.counters();
        this.options = options;
        this.counts = new RefCounts(heap, parseStorage(options.extra().getOrDefault("counts", "side")));
        this.gens = new Generations(heap);
        this.detector = new CycleDetector(this, heap, counts, gens);
        this.finalization = new Finalization(heap);
        this.weakrefLayout = finalization.weakRefLayout();
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        if (verifier != null) verifier.setExtraRoots(finalization::garbage);
        String t = options.extra().get("thresholds");
        if (t != null) setThresholds(parseThresholds(t));
        heap.setCollectionTrigger(Long.MAX_VALUE);
    }

    private static CountStorage parseStorage(String s) {
        return switch (s) {
            case "side" -> CountStorage.SIDE;
            case "header" -> CountStorage.HEADER;
            default -> throw new IllegalArgumentException("rc: counts must be 'side' or 'header', not '" + s + "'");
        };
    }

    private static int[] parseThresholds(String s) {
        String[] parts = s.split(",");
        if (parts.length < 1 || parts.length > 3) throw new IllegalArgumentException("rc: thresholds are 1 to 3 numbers, e.g. 700,10,10: '" + s + "'");
        int[] t = {700, 10, 10};
        try {
            for (int i = 0; i < parts.length; i++) t[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rc: thresholds are numbers, e.g. 700,10,10: '" + s + "'");
        }
        return t;
    }

    @Override public String name() { return RcProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return CONSTRAINTS; }
    @Override public GcStats stats() { return stats; }
    @Override public Finalization finalization() { return finalization; }

    /** rc frees by count and by cycle detection; it runs no tracing phase for hooks. */
    @Override
    public void addReachabilityHook(ReachabilityHook hook) {
        throw new UnsupportedOperationException("rc does not trace; finalization and weak references attach to its count-zero path");
    }

    // ------------------------------------------------------------------ barriers

    @Override
    public void postAlloc(long obj) {
        if (zct.size() >= ZCT_LIMIT && !collecting) processZeroCountTable(obj);
        counts.reset(obj);
        zct.push(obj);
        int lid = ObjectModel.layoutId(memory.getLong(obj));
        if (!layouts.isNoScan(lid) || lid == weakrefLayout) { // weak references are tracked, as in CPython
            gens.add(0, obj);
            detector.count[0]++;
            if (enabled && detector.threshold[0] > 0 && detector.count[0] > detector.threshold[0] && !collecting) {
                heap.setCollectionTrigger(0); // the next allocation runs the detector, before it allocates
            }
        }
    }

    @Override
    public void writeBarrier(long obj, long slotAddress, long oldValue, long newValue) {
        if (newValue != 0) increment(newValue);
        if (oldValue != 0) decrement(oldValue);
    }

    @Override
    public void rootBarrier(long oldValue, long newValue) {
        if (newValue != 0) increment(newValue);
        if (oldValue != 0) decrement(oldValue);
    }

    @Override public void handleAcquired(long obj) { increment(obj); }
    @Override public void handleReleased(long obj) { decrement(obj); }

    private void increment(long obj) {
        counts.increment(obj);
    }

    void decrement(long obj) {
        if (counts.decrement(obj) == 0) release(obj);
    }

    /** Frees {@code obj} (count zero) and, iteratively, every object that dies with it. */
    private void release(long obj) {
        dying.push(obj);
        if (releasing) return;
        releasing = true;
        try {
            while (!dying.isEmpty()) freeOne(dying.pop());
        } finally {
            releasing = false;
        }
    }

    private void freeOne(long obj) {
        long h = memory.getLong(obj);
        int lid = ObjectModel.layoutId(h);
        if (lid == weakrefLayout || (finalization.isActive() && finalization.hasFlags(obj))) {
            if (!finalizeDying(obj)) return; // resurrected by its finalizer
            finalization.forget(obj);
        }
        // Children die after the parent; pushed last-slot-first so that slot 0's subtree dies first.
        if (layouts.kind(lid) == LayoutKind.FIXED) {
            long mask = layouts.pointerMask(lid);
            while (mask != 0) {
                int w = 63 - Long.numberOfLeadingZeros(mask);
                mask &= ~(1L << w);
                long child = memory.getLong(obj + ObjectModel.HEADER_BYTES + ((long) w << 3));
                if (child != 0 && counts.decrement(child) == 0) dying.push(child);
            }
        } else {
            for (int s = layouts.refSlots(lid, ObjectModel.length(h)) - 1; s >= 0; s--) {
                long child = memory.getLong(obj + ObjectModel.HEADER_BYTES + ((long) s << 3));
                if (child != 0 && counts.decrement(child) == 0) dying.push(child);
            }
        }
        if (gens.remove(obj) >= 0 && detector.count[0] > 0) detector.count[0]--;
        counters.objectsFreed++;
        counters.bytesFreed += heap.free(obj);
    }

    /**
     * Death by count, first steps: the finalizer (at most once; the object is kept alive during the
     * call), then, unless it resurrected the object, the weak references are cleared and their
     * callbacks run, newest first. Returns false if the object was resurrected.
     */
    private boolean finalizeDying(long obj) {
        if (finalization.needsFinalizer(obj)) {
            counts.increment(obj);
            finalization.finalizeNow(obj);
            if (counts.decrement(obj) > 0) {
                finalization.countResurrected();
                return false;
            }
        }
        for (long w : finalization.clearWeakRefsTo(obj)) {
            increment(w);
            finalization.callback(w);
            decrement(w);
        }
        return true;
    }

    /**
     * Cycle garbage, step 1 (CPython's move_legacy_finalizers): objects with legacy finalizers, and
     * everything they reach in the garbage, leave it for {@code survivorList}; the legacy objects
     * are listed in {@link Finalization#garbage()}, which holds a count on each.
     *
     * @return the number of objects made uncollectable
     */
    long handleLegacyFinalizers(int survivorList) {
        if (!finalization.isActive()) return 0; // nothing registered: no pass over the garbage
        int n = gens.size(Generations.GARBAGE);
        long[] list = gens.array(Generations.GARBAGE);
        long[] legacy = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) if (finalization.isLegacy(list[i])) legacy[k++] = list[i];
        if (k == 0) return 0;
        for (int i = 0; i < k; i++) {
            finalization.addGarbage(legacy[i]);
            increment(legacy[i]);
        }
        return detector.rescueReachable(legacy, k, survivorList);
    }

    /**
     * Cycle garbage, steps 2 and 3 (handle_weakrefs, finalize_garbage): weak references that are
     * garbage are cleared without callbacks; weak references to garbage are cleared and, if they are
     * not garbage themselves, their callbacks run (newest first per referent, after all clearing);
     * then every unfinalized finalizer of the garbage runs once, with the garbage graph intact.
     *
     * @return true if any callback or finalizer ran (reachability must be computed again)
     */
    boolean runWeakRefCallbacksAndFinalizers() {
        if (!finalization.isActive()) return false; // no finalizer, no weak reference with a referent
        int n = gens.size(Generations.GARBAGE);
        long[] garbage = java.util.Arrays.copyOf(gens.array(Generations.GARBAGE), n);
        List<Long> queue = new ArrayList<>();
        List<Long> finalizable = new ArrayList<>();
        for (long obj : garbage) {
            if (ObjectModel.layoutId(memory.getLong(obj)) == weakrefLayout) finalization.clearGarbageWeakRef(obj);
        }
        for (long obj : garbage) {
            if (!finalization.hasFlags(obj)) continue;
            for (long w : finalization.clearWeakRefsTo(obj)) {
                if (gens.listOf(w) != Generations.GARBAGE) queue.add(w);
            }
            if (finalization.needsFinalizer(obj)) finalizable.add(obj);
        }
        for (long w : queue) increment(w);
        for (long w : queue) finalization.callback(w);
        for (long w : queue) decrement(w);
        finalizable = finalization.inFinalizationOrder(finalizable, o -> gens.listOf(o) != Generations.GARBAGE);
        for (long obj : finalizable) {
            if (gens.listOf(obj) != Generations.GARBAGE || !finalization.needsFinalizer(obj)) continue;
            increment(obj);
            finalization.finalizeNow(obj);
            decrement(obj);
        }
        return !queue.isEmpty() || !finalizable.isEmpty();
    }

    /** Clears every reference slot of {@code obj} through the count barrier, stopping if {@code obj} dies. */
    void clearReferences(long obj, int whileInList) {
        int n = refSlotCount(obj);
        for (int s = 0; s < n; s++) {
            long slot = slotAddress(obj, s);
            long child = memory.getLong(slot);
            if (child == 0) continue;
            memory.setLong(slot, 0);
            decrement(child);
            if (gens.listOf(obj) != whileInList) return;
        }
    }

    private int refSlotCount(long obj) {
        long h = memory.getLong(obj);
        return layouts.refSlots(ObjectModel.layoutId(h), ObjectModel.length(h));
    }

    private long slotAddress(long obj, int slot) {
        int lid = ObjectModel.layoutId(memory.getLong(obj));
        int word = layouts.isArray(lid) ? slot : layouts.refWord(lid, slot);
        return ObjectModel.wordAddress(obj, word);
    }

    /**
     * Frees the never-stored objects still at count zero. An entry is stale if its object died (its
     * slot is free or holds a newer object, which has an entry of its own): an allocated object at
     * count zero is garbage either way, since a stored one that dropped to zero was freed then.
     */
    private void processZeroCountTable(long allocating) {
        while (!zct.isEmpty()) {
            long obj = zct.pop();
            // A stale entry may name the slot of the object being allocated now: never free that one.
            if (obj != allocating && counts.get(obj) == 0 && heap.isObject(obj)) release(obj); // count first: most were stored
        }
    }

    // ------------------------------------------------------------------ collections

    @Override
    public void pollCollection(long requestBytes) {
        heap.setCollectionTrigger(Long.MAX_VALUE);
        if (collecting) return;
        int g = detector.generationToCollect();
        if (g >= 0 && enabled) runDetector(g, GcCause.TRIGGER);
    }

    @Override
    public void collectForAllocation(long requestBytes) {
        if (!collecting) runDetector(2, GcCause.HEAP_FULL);
    }

    /** A full collection: the zero-count table, then the cycle detector on all three generations. */
    @Override
    public void collect(GcCause cause) { collectGeneration(2, cause); }

    @Override
    public void collectYoung(GcCause cause) { collectGeneration(0, cause); }

    /** CPython's {@code gc.collect(g)}: returns the number of unreachable objects found. */
    public long collectGeneration(int generation, GcCause cause) {
        if (generation < 0 || generation > 2) throw new IllegalArgumentException("invalid generation " + generation + " (0, 1 or 2)");
        if (collecting) return 0;
        return runDetector(generation, cause);
    }

    private void verify(String when, boolean exact) { verifier.verify(when, exact, stats); }

    /**
     * After a full detection nothing unreachable is left — unless something is frozen, or callbacks
     * or finalizers allocated during the collection (that garbage is young: a later collection frees it).
     */
    private boolean exactAfter(int g, long allocationsBefore) {
        return g == 2 && gens.size(Generations.PERMANENT) == 0 && counters.allocations == allocationsBefore;
    }

    private long runDetector(int g, GcCause cause) {
        collecting = true;
        try {
            if (verifier != null) verify("before cycle detection " + (stats.cycles() + 1) + " (" + cause + ")", false);
            for (Callback cb : callbacks) cb.call("start", g, 0, 0);
            long allocationsBefore = counters.allocations;
            long t0 = System.nanoTime();
            processZeroCountTable(0);
            long found = detector.collect(g);
            stats.recordPause(System.nanoTime() - t0);
            stats.cycleCompleted(g < 2);
            for (Callback cb : callbacks) cb.call("stop", g, found, 0);
            if (verifier != null) verify("after cycle detection " + stats.cycles() + " (generation " + g + ", " + cause + ")", exactAfter(g, allocationsBefore));
            return found;
        } finally {
            collecting = false;
        }
    }

    // ------------------------------------------------------------------ CPython's gc module surface

    /** The count of {@code obj} (references from slots, roots and handles). */
    public long refCount(long obj) { return counts.get(obj); }

    /** True if {@code obj} is tracked by the cycle detector. */
    public boolean isTracked(long obj) { return gens.isTracked(obj); }

    /** The generation {@code obj} is in (0..2), 3 if frozen, -1 if untracked. */
    public int generationOf(long obj) { return gens.listOf(obj); }

    public int[] thresholds() { return detector.threshold.clone(); }

    public void setThresholds(int... t) {
        if (t.length < 1 || t.length > 3) throw new IllegalArgumentException("1 to 3 thresholds");
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0) throw new IllegalArgumentException("threshold " + i + " is negative: " + t[i]);
            detector.threshold[i] = t[i];
        }
    }

    /** CPython's {@code gc.get_count()}. */
    public long[] generationCounts() { return detector.count.clone(); }

    /** Disables or enables automatic cycle detection (counting goes on). */
    public void setEnabled(boolean on) { enabled = on; }

    /** Moves every tracked object into the permanent generation, which collections ignore. */
    public void freeze() {
        for (int g = 0; g < Generations.COUNT; g++) gens.merge(g, Generations.PERMANENT);
        java.util.Arrays.fill(detector.count, 0);
    }

    /** Moves the permanent generation back into the oldest one. */
    public void unfreeze() { gens.merge(Generations.PERMANENT, 2); }

    public int freezeCount() { return gens.size(Generations.PERMANENT); }

    public void addCallback(Callback cb) { callbacks.add(cb); }

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
        m.putAll(finalization.counters());
        return m;
    }
}
