package dev.gclab.gc.finalize;

import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.span.SizeClasses;
import dev.gclab.heap.object.ObjectModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finalizers (PEP 442) and weak references, one service for every collector.
 *
 * <p>State. Per object, four flag bits in a side table: finalizable, finalized (set before the
 * finalizer runs and never cleared while the object lives: at most once), has weak references, has
 * a legacy (pre-PEP 442) finalizer. The finalizers themselves and the weak-reference lists per
 * referent are kept in maps keyed by address — registration is rare and off the hot paths, which
 * read only the flag bits. A weak reference is a heap object of layout {@value #WEAKREF_LAYOUT}
 * whose first data word holds the referent: collectors never trace it.
 *
 * <p>Rules (CPython 3.11's, ../docs/finalization.md has the details):
 * <ul>
 *   <li>garbage found by a collection: weak references to it, and weak references that are garbage
 *       themselves, are cleared first; callbacks run only for weak references that are not garbage,
 *       newest first per referent; then every finalizer of the garbage runs, once, with the whole
 *       garbage graph intact; then reachability is computed again and whatever a callback or
 *       finalizer resurrected survives with everything it reaches (never finalized again);</li>
 *   <li>death by count (rc): finalizer, then if not resurrected the weak-reference callbacks, then the
 *       children die;</li>
 *   <li>legacy finalizers: such objects in cyclic garbage, and all they reach, are kept alive and
 *       listed in {@link #garbage()}, unfinalized;</li>
 *   <li>exceptions go to the {@link UnraisableHook}, never into the collector.</li>
 * </ul>
 * Tracing collectors call {@link #afterMarking}; rc calls the count-death and cycle methods.
 */
public final class Finalization {
    public static final String WEAKREF_LAYOUT = "weakref";
    static final SideMetadataSpec FLAGS = SideMetadataSpec.of("finalization-flags", 4, SizeClasses.MIN_OBJECT_BYTES);
    static final long FINALIZABLE = 1, FINALIZED = 2, HAS_WEAKREFS = 4, LEGACY = 8;

    private final Heap heap;
    private final HeapMemory memory;
    private final SideTable flags;
    private final int weakrefLayout;
    private final Map<Long, Finalizer> finalizers = new LinkedHashMap<>();
    /** Per referent, in the order referents got their first weak reference: callbacks run in this order. */
    private final Map<Long, List<Long>> weakrefsByReferent = new LinkedHashMap<>();
    private final Map<Long, WeakRefCallback> callbacks = new HashMap<>();
    private final List<Long> garbage = new ArrayList<>();
    private final List<FinalizeHandle> finalizeHandles = new ArrayList<>();
    private Mutator mutator;
    private UnraisableHook unraisable = UnraisableHook.WARN;
    private FinalizerOrder order = FinalizerOrder.LIST;
    private long sequence;
    long finalizersRun;
    long callbacksRun;
    long resurrected;
    long uncollectable;

    public Finalization(Heap heap) {
        this.heap = heap;
        this.memory = heap.memory();
        this.flags = heap.sideTable(FLAGS);
        this.weakrefLayout = heap.layouts().fixed(WEAKREF_LAYOUT, "dd");
    }

    public void setUnraisableHook(UnraisableHook hook) { unraisable = hook; }
    public void setOrder(FinalizerOrder o) { order = o; }
    public FinalizerOrder order() { return order; }

    // ------------------------------------------------------------------ registration

    /** Attaches a PEP 442 finalizer to {@code obj} (replacing an earlier one). */
    public void registerFinalizer(long obj, Finalizer f) { register(obj, f, false); }

    /** Attaches a legacy ({@code tp_del}) finalizer: in cyclic garbage the object becomes uncollectable. */
    public void registerLegacyFinalizer(long obj, Finalizer f) { register(obj, f, true); }

    private void register(long obj, Finalizer f, boolean legacy) {
        requireObject(obj, "registerFinalizer");
        finalizers.put(obj, f);
        long v = flags.get(obj) | FINALIZABLE;
        flags.set(obj, legacy ? v | LEGACY : v & ~LEGACY);
    }

    /** True once the finalizer of {@code obj} has been called (CPython's {@code gc.is_finalized}). */
    public boolean isFinalized(long obj) { return (flags.get(obj) & FINALIZED) != 0; }

    /** Creates a weak reference to {@code referent}; {@code callback} may be null. */
    public long newWeakRef(Mutator m, long referent, WeakRefCallback callback) {
        requireObject(referent, "newWeakRef");
        bind(m);
        m.pushFrame(1);
        m.setLocal(0, referent); // keep the referent across the allocation
        long w = m.allocate(weakrefLayout);
        referent = m.local(0);
        m.popFrame();
        memory.setLong(ObjectModel.wordAddress(w, 0), referent);
        weakrefsByReferent.computeIfAbsent(referent, k -> new ArrayList<>()).add(w);
        flags.set(referent, flags.get(referent) | HAS_WEAKREFS);
        if (callback != null) callbacks.put(w, callback);
        return w;
    }

    /** The referent of a weak reference, or 0 once it was cleared. */
    public long weakRefGet(long weakref) {
        if (!isWeakRef(weakref)) throw new IllegalArgumentException(String.format("0x%x is not a weak reference", weakref));
        return memory.getLong(ObjectModel.wordAddress(weakref, 0));
    }

    /** The layout id of weak-reference objects. */
    public int weakRefLayout() { return weakrefLayout; }

    /** False while no finalizer and no weak reference is registered: dying objects need no look-up. */
    public boolean isActive() { return !finalizers.isEmpty() || !weakrefsByReferent.isEmpty(); }

    /** True if any finalization flag of {@code obj} is set (one side-table read). */
    public boolean hasFlags(long obj) { return flags.get(obj) != 0; }

    /** {@code objs} in the configured finalization order; {@code survives} tells objects outside the garbage. */
    public List<Long> inFinalizationOrder(List<Long> objs, java.util.function.LongPredicate survives) {
        return order == FinalizerOrder.TOPOLOGICAL ? TopologicalOrder.sort(heap, objs, survives) : objs;
    }

    public boolean isWeakRef(long obj) { return heap.isObject(obj) && heap.layoutOf(obj) == weakrefLayout; }

    /** Number of weak references to {@code referent} ({@code weakref.getweakrefcount}). */
    public int weakRefCount(long referent) {
        List<Long> l = weakrefsByReferent.get(referent);
        return l == null ? 0 : l.size();
    }

    /**
     * {@code weakref.finalize(obj, cleanup)}: {@code cleanup} runs once when {@code obj} dies (it is
     * never given {@code obj}, so it cannot resurrect it), or when called early, or at heap close.
     */
    public FinalizeHandle withFinalizer(Mutator m, long obj, Runnable cleanup) {
        FinalizeHandle[] self = new FinalizeHandle[1];
        long w = newWeakRef(m, obj, wr -> runCleanup(self[0], "a withFinalizer cleanup"));
        int h = m.newHandle(w); // the registry keeps the weak reference alive, so its callback runs
        self[0] = new FinalizeHandle(this, cleanup, w, h, sequence++);
        finalizeHandles.add(self[0]);
        return self[0];
    }

    boolean runCleanup(FinalizeHandle f, String where) {
        if (!f.alive) return false;
        f.alive = false;
        finalizeHandles.remove(f);
        try {
            f.cleanup.run();
        } catch (RuntimeException | Error e) {
            unraisable.report(where, e);
        } finally {
            mutator.releaseHandle(f.handle);
        }
        return true;
    }

    boolean detach(FinalizeHandle f) {
        if (!f.alive) return false;
        f.alive = false;
        finalizeHandles.remove(f);
        mutator.releaseHandle(f.handle);
        return true;
    }

    /** Runs the live {@code withFinalizer} cleanups in reverse creation order (at heap close). */
    public void close() {
        for (int i = finalizeHandles.size() - 1; i >= 0; i--) {
            runCleanup(finalizeHandles.get(i), "a withFinalizer cleanup (at close)");
        }
    }

    /** Objects kept uncollectable because of legacy finalizers (CPython's {@code gc.garbage}). */
    public List<Long> garbage() { return List.copyOf(garbage); }

    private void bind(Mutator m) {
        if (mutator == null) mutator = m;
    }

    private void requireObject(long obj, String op) {
        if (!heap.isObject(obj)) throw new IllegalArgumentException(String.format("%s: 0x%x is not an object in use", op, obj));
    }

    // ------------------------------------------------------------------ tracing collectors

    /**
     * The finalization pipeline of a tracing collector, run between marking and sweeping: legacy
     * finalizers, weak references, callbacks, finalizers, re-marking, forgetting the dead.
     */
    public void afterMarking(ReachabilityHook.Marking marking) {
        for (long g : garbage) marking.markFrom(g);
        if (finalizers.isEmpty() && weakrefsByReferent.isEmpty() && callbacks.isEmpty()) return;
        for (Map.Entry<Long, Finalizer> e : finalizers.entrySet()) {
            long obj = e.getKey();
            if ((flags.get(obj) & LEGACY) != 0 && !marking.isMarked(obj)) {
                garbage.add(obj);
                uncollectable++;
                marking.markFrom(obj);
            }
        }
        List<Long> queue = clearWeakRefs(marking, true);
        boolean ran = !queue.isEmpty();
        for (long w : queue) runCallback(w);
        List<Long> doomed = new ArrayList<>();
        for (Map.Entry<Long, Finalizer> e : finalizers.entrySet()) {
            long obj = e.getKey();
            if ((flags.get(obj) & (FINALIZED | LEGACY)) == 0 && !marking.isMarked(obj)) doomed.add(obj);
        }
        if (order == FinalizerOrder.TOPOLOGICAL) doomed = TopologicalOrder.sort(heap, doomed, marking::isMarked);
        for (long obj : doomed) {
            ran = true;
            runFinalizer(obj);
        }
        if (ran) {
            marking.remark();
            for (long g : garbage) marking.markFrom(g);
            for (long obj : doomed) if (marking.isMarked(obj)) resurrected++;
            clearWeakRefs(marking, false); // weak references a finalizer made to garbage
        }
        forgetUnmarked(marking);
    }

    /** Clears weak references to unmarked referents and unmarked weak references; returns the callbacks to run. */
    private List<Long> clearWeakRefs(ReachabilityHook.Marking marking, boolean wantCallbacks) {
        List<Long> queue = new ArrayList<>();
        for (Long referent : new ArrayList<>(weakrefsByReferent.keySet())) {
            boolean referentDies = !marking.isMarked(referent);
            List<Long> refs = weakrefsByReferent.get(referent);
            for (int i = refs.size() - 1; i >= 0; i--) {
                long w = refs.get(i);
                boolean weakrefDies = !marking.isMarked(w);
                if (referentDies || weakrefDies) {
                    memory.setLong(ObjectModel.wordAddress(w, 0), 0);
                    refs.remove(i);
                    WeakRefCallback cb = weakrefDies ? callbacks.remove(w) : callbacks.get(w);
                    if (wantCallbacks && !weakrefDies && cb != null) queue.add(w);
                    else if (!wantCallbacks && !weakrefDies) callbacks.remove(w);
                }
            }
            if (refs.isEmpty()) {
                weakrefsByReferent.remove(referent);
                if (!referentDies) flags.set(referent, flags.get(referent) & ~HAS_WEAKREFS);
            }
        }
        return queue;
    }

    private void forgetUnmarked(ReachabilityHook.Marking marking) {
        finalizers.keySet().removeIf(obj -> {
            if (marking.isMarked(obj)) return false;
            flags.set(obj, 0);
            return true;
        });
        callbacks.keySet().removeIf(w -> !marking.isMarked(w));
        for (Long referent : new ArrayList<>(weakrefsByReferent.keySet())) {
            if (!marking.isMarked(referent)) weakrefsByReferent.remove(referent);
        }
    }

    private void runCallback(long w) {
        WeakRefCallback cb = callbacks.remove(w);
        if (cb == null) return;
        callbacksRun++;
        try {
            cb.cleared(w);
        } catch (RuntimeException | Error e) {
            unraisable.report(String.format("the callback of weak reference 0x%x", w), e);
        }
    }

    private void runFinalizer(long obj) {
        flags.set(obj, flags.get(obj) | FINALIZED);
        Finalizer f = finalizers.get(obj);
        finalizersRun++;
        try {
            f.finalize(obj);
        } catch (RuntimeException | Error e) {
            unraisable.report(String.format("the finalizer of object 0x%x", obj), e);
        }
    }

    // ------------------------------------------------------------------ reference counting

    private boolean isWeakRefLayout(long obj) { return ObjectModel.layoutId(memory.getLong(obj)) == weakrefLayout; }

    /** True if {@code obj} has a finalizer that has not run (and is not legacy-only in a cycle). */
    public boolean needsFinalizer(long obj) { return (flags.get(obj) & (FINALIZABLE | FINALIZED)) == FINALIZABLE; }

    public boolean isLegacy(long obj) { return (flags.get(obj) & LEGACY) != 0; }

    /** Runs the finalizer of {@code obj} (marks it finalized first). The caller keeps obj alive meanwhile. */
    public void finalizeNow(long obj) { runFinalizer(obj); }

    /** Weak references to {@code referent}, newest first, cleared now; returns those with callbacks. */
    public List<Long> clearWeakRefsTo(long referent) {
        List<Long> refs = weakrefsByReferent.remove(referent);
        if (refs == null) return List.of();
        flags.set(referent, flags.get(referent) & ~HAS_WEAKREFS);
        List<Long> withCallbacks = new ArrayList<>();
        for (int i = refs.size() - 1; i >= 0; i--) {
            long w = refs.get(i);
            memory.setLong(ObjectModel.wordAddress(w, 0), 0);
            if (callbacks.containsKey(w)) withCallbacks.add(w);
        }
        return withCallbacks;
    }

    /** Runs the callback of a cleared weak reference (once). */
    public void callback(long w) { runCallback(w); }

    /** Forgets a dying object: its finalizer, its flags, and, if it is a weak reference, its registration. */
    public void forget(long obj) {
        finalizers.remove(obj);
        flags.set(obj, 0);
        if (isWeakRefLayout(obj)) {
            callbacks.remove(obj);
            long referent = memory.getLong(ObjectModel.wordAddress(obj, 0));
            if (referent != 0) {
                List<Long> refs = weakrefsByReferent.get(referent);
                if (refs != null) {
                    refs.remove(obj);
                    if (refs.isEmpty()) {
                        weakrefsByReferent.remove(referent);
                        flags.set(referent, flags.get(referent) & ~HAS_WEAKREFS);
                    }
                }
                memory.setLong(ObjectModel.wordAddress(obj, 0), 0);
            }
        }
    }

    /** Clears a weak reference that is itself garbage (no callback, ever). */
    public void clearGarbageWeakRef(long w) {
        callbacks.remove(w);
        forget(w);
    }

    /** Records an uncollectable object (legacy finalizer in cyclic garbage); the caller keeps it alive. */
    public void addGarbage(long obj) {
        garbage.add(obj);
        uncollectable++;
    }

    public void countResurrected() { resurrected++; }

    /** Counters for reports. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("finalizers_run", finalizersRun);
        m.put("weakref_callbacks_run", callbacksRun);
        m.put("resurrected", resurrected);
        m.put("uncollectable", uncollectable);
        return m;
    }
}
