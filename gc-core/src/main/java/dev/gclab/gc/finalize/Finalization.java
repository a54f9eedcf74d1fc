package dev.gclab.gc.finalize;

import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Finalizers (PEP 442) and weak references, one service for every collector.
 *
 * <p>State lives in the {@link Registry}: a sparse side-table entry per object that has any (flags
 * and a record index) and records in primitive arrays — no map keyed by address, no boxing, nothing
 * that goes stale when an object moves. A weak reference is a heap object of layout
 * {@value #WEAKREF_LAYOUT} whose word 0 holds the referent (never traced; kept current by this service
 * when a collector moves the referent) and word 1 its record.
 *
 * <p>Rules (CPython 3.11's; {@code docs/finalization.md} has the details):
 * <ul>
 *   <li>garbage found by a collection: weak references to it, and weak references that are garbage
 *       themselves, are cleared first; callbacks run only for weak references that are not garbage,
 *       newest first per referent; then every finalizer of the garbage runs, once, with the whole
 *       garbage graph intact; then whatever a callback or finalizer resurrected survives with
 *       everything it reaches (never finalized again). Garbage that a finalizer or callback makes out
 *       of objects that were live, or allocates, waits for the next collection;</li>
 *   <li>death by count (rc): finalizer, then if not resurrected the weak-reference callbacks, then the
 *       children die;</li>
 *   <li>legacy finalizers: such objects in cyclic garbage, and all they reach, are kept alive and
 *       listed in {@link #garbage()}, unfinalized;</li>
 *   <li>exceptions go to the {@link UnraisableHook}, never into the collector; a hook that throws is
 *       reported on standard error once per collection and ignored.</li>
 * </ul>
 * Tracing collectors call {@link #afterMarking}; rc calls the count-death and cycle methods.
 */
public final class Finalization {
    public static final String WEAKREF_LAYOUT = "weakref";
    static final int FINALIZABLE = Registry.FINALIZABLE, FINALIZED = Registry.FINALIZED,
        HAS_WEAKREFS = Registry.HAS_WEAKREFS, LEGACY = Registry.LEGACY;

    private final Heap heap;
    private final HeapMemory memory;
    private final WorkCounters work;
    private final Registry reg;
    private final int weakrefLayout;
    /** CPython's {@code gc.garbage}: objects kept because of legacy finalizers (or everything, under SAVEALL). */
    private final LongStack garbage = new LongStack(16);
    private final List<FinalizeHandle> finalizeHandles = new ArrayList<>();
    private final LongStack queue = new LongStack(64);
    private final LongStack doomed = new LongStack(64);
    /** Garbage the last collection kept for the next one because it got a finalizer or weak reference during it. */
    private final LongStack keptForLater = new LongStack(16);
    private final LongStack legacyGarbage = new LongStack(16);
    private Mutator mutator;
    private UnraisableHook unraisable = UnraisableHook.WARN;
    private FinalizerOrder order = FinalizerOrder.LIST;
    private boolean saveAll;
    private boolean hookFailureReported;
    /** Called with the referent whenever the mutator reads a weak reference (an incremental collector's weak-load barrier), or null. */
    private java.util.function.LongConsumer weakLoadBarrier;
    private long sequence;
    long finalizersRun;
    long callbacksRun;
    long cleanupsRun;
    long resurrected;
    long uncollectable;
    /** Objects kept uncollectable by the last tracing collection (legacy finalizers and what they reach). */
    private long lastUncollectable;

    public Finalization(Heap heap) {
        this.heap = heap;
        this.memory = heap.memory();
        this.work = heap.counters();
        this.reg = new Registry(heap);
        this.weakrefLayout = heap.layouts().fixed(WEAKREF_LAYOUT, "dd");
    }

    public void setUnraisableHook(UnraisableHook hook) { unraisable = hook == null ? UnraisableHook.WARN : hook; }
    public void setOrder(FinalizerOrder o) { order = o; }
    public FinalizerOrder order() { return order; }

    /**
     * CPython's {@code gc.DEBUG_SAVEALL}: garbage a collection finds is appended to {@link #garbage()}
     * (alive, its references intact) instead of being freed. Weak references are still cleared and
     * finalizers still run.
     */
    public void setSaveAll(boolean on) { saveAll = on; }
    public boolean saveAll() { return saveAll; }

    /** Starts a collection: a throwing unraisable hook is reported again (once per collection). */
    public void beginCollection() { hookFailureReported = false; }

    // ------------------------------------------------------------------ registration

    /** Attaches a PEP 442 finalizer to {@code obj} (replacing an earlier one). */
    public void registerFinalizer(long obj, Finalizer f) { register(obj, f, false); }

    /** Attaches a legacy ({@code tp_del}) finalizer: in cyclic garbage the object becomes uncollectable. */
    public void registerLegacyFinalizer(long obj, Finalizer f) { register(obj, f, true); }

    private void register(long obj, Finalizer f, boolean legacy) {
        requireObject(obj, "registerFinalizer");
        if (f == null) throw new IllegalArgumentException("registerFinalizer: the finalizer is null");
        int r = reg.objectRecord(obj);
        reg.fn[r] = f;
        reg.appendFin(r);
        int flags = reg.flags(obj) | FINALIZABLE;
        reg.setFlags(obj, legacy ? flags | LEGACY : flags & ~LEGACY);
    }

    /** True once the finalizer of {@code obj} has been called (CPython's {@code gc.is_finalized}). */
    public boolean isFinalized(long obj) { return (reg.flags(obj) & FINALIZED) != 0; }

    /**
     * Creates a weak reference to {@code referent}; {@code callback} may be null. The weak reference is
     * registered before anything can let the referent go, so if the referent dies at once (under rc: a
     * never-stored object, dropped when this call releases it) the weak reference is cleared and its
     * callback runs, as {@code weakref.ref(Foo(), cb)} does in CPython. The result is a new object
     * nobody has stored yet (see the rooting rule in the README).
     */
    public long newWeakRef(Mutator m, long referent, WeakRefCallback callback) {
        requireObject(referent, "newWeakRef");
        bind(m);
        m.pushFrame(2);
        m.setLocal(0, referent); // keep the referent across the allocation
        long w = m.allocate(weakrefLayout);
        m.setLocal(1, w);
        reg.addWeak(w, m.local(0), callback);
        return m.popFrameReturning(1); // the referent may die here: w is held until then
    }

    /** The referent of a weak reference, or 0 once it was cleared. */
    public long weakRefGet(long weakref) {
        if (!isWeakRef(weakref)) throw new IllegalArgumentException(String.format("0x%x is not a weak reference", weakref));
        return loadReferent(weakref);
    }

    /**
     * Installs a weak-load barrier: {@code barrier} is called with the referent (never 0) each time the
     * mutator obtains it through a weak reference ({@link #weakRefGet}, a {@code withFinalizer} handle's
     * {@code peek}/{@code detach}), before the referent is handed out. A snapshot-at-the-beginning
     * collector greys it while marking: an object reachable only weakly when the snapshot was taken is not
     * in the snapshot, so once the mutator holds it again it must be marked, or the weak reference would
     * be cleared (and the object freed) while the mutator uses it. Null removes the barrier. One
     * collector per service: the last one installed wins.
     */
    public void setWeakLoadBarrier(java.util.function.LongConsumer barrier) { weakLoadBarrier = barrier; }

    /** The referent word of weak reference {@code w}, through the weak-load barrier. */
    private long loadReferent(long w) {
        long r = memory.getLong(Registry.referentWord(w));
        if (r != 0 && weakLoadBarrier != null) weakLoadBarrier.accept(r);
        return r;
    }

    /** The layout id of weak-reference objects. */
    public int weakRefLayout() { return weakrefLayout; }

    /** False while no finalizer, weak reference or finalized object is registered: dying objects need no look-up. */
    public boolean isActive() { return reg.liveRecords() != 0; }

    /** True if any finalization flag of {@code obj} is set (one side-table read). */
    public boolean hasFlags(long obj) { return reg.table.get(obj) != 0; }

    public boolean isWeakRef(long obj) { return heap.isObject(obj) && heap.layoutOf(obj) == weakrefLayout; }

    /** Number of weak references to {@code referent} ({@code weakref.getweakrefcount}). */
    public int weakRefCount(long referent) {
        int r = reg.recordOf(referent);
        int n = 0;
        if (r != 0) for (int w = reg.head[r]; w != 0; w = reg.older[w]) n++;
        return n;
    }

    /** {@link #withFinalizer(Mutator, long, Supplier, boolean)} with a cleanup that returns nothing, run at close. */
    public FinalizeHandle withFinalizer(Mutator m, long obj, Runnable cleanup) {
        return withFinalizer(m, obj, () -> { cleanup.run(); return null; }, true);
    }

    /** {@link #withFinalizer(Mutator, long, Supplier, boolean)}, run at close. */
    public FinalizeHandle withFinalizer(Mutator m, long obj, Supplier<?> cleanup) { return withFinalizer(m, obj, cleanup, true); }

    /**
     * {@code weakref.finalize(obj, cleanup)}: {@code cleanup} runs once when {@code obj} dies (it is
     * never given {@code obj}, so it cannot resurrect it), or when called early, or — if
     * {@code atexit} — at {@link #close()}. Its weak reference is held by the registry (a handle), so
     * the cleanup runs in the weak-reference phase, before the finalizers of the same garbage.
     */
    public FinalizeHandle withFinalizer(Mutator m, long obj, Supplier<?> cleanup, boolean atexit) {
        requireObject(obj, "withFinalizer");
        if (cleanup == null) throw new IllegalArgumentException("withFinalizer: the cleanup is null");
        bind(m);
        FinalizeHandle f = new FinalizeHandle(this, cleanup, atexit, sequence++);
        finalizeHandles.add(f);
        long w = newWeakRef(m, obj, wr -> runCleanup(f, "a withFinalizer cleanup"));
        // If obj died inside newWeakRef the cleanup has run already and needs no handle.
        if (f.alive) f.handle = m.newHandle(w);
        return f;
    }

    /** Runs {@code f}'s cleanup if it has not run; returns its result (null if it did not run). */
    Object runCleanup(FinalizeHandle f, String where) {
        if (!f.alive) return null;
        f.alive = false;
        finalizeHandles.remove(f);
        cleanupsRun++;
        try {
            return f.cleanup.get();
        } catch (RuntimeException | Error e) {
            unraisable(where, e);
            return null;
        } finally {
            releaseHandle(f);
        }
    }

    /**
     * Lets go of {@code f}'s weak reference once its cleanup ran or was detached. Its callback is dropped
     * first: it would only find the cleanup gone, and a weak reference can outlive its last holder for a
     * while (floating garbage of an incremental collector's cycle, which still counts as live in it) and
     * see its referent die then — that callback must neither run nor be counted.
     */
    private void releaseHandle(FinalizeHandle f) {
        if (f.handle == 0) return;
        int r = reg.weakRecordOf(mutator.deref(f.handle));
        if (r != 0) reg.fn[r] = null;
        mutator.releaseHandle(f.handle);
    }

    /** The object {@code f} watches, or 0 if it is dead. */
    long watched(FinalizeHandle f) {
        if (!f.alive || f.handle == 0) return 0;
        return loadReferent(mutator.deref(f.handle));
    }

    boolean detach(FinalizeHandle f) {
        if (!f.alive) return false;
        f.alive = false;
        finalizeHandles.remove(f);
        releaseHandle(f);
        return true;
    }

    /**
     * Runs the live {@code withFinalizer} cleanups registered with {@code atexit}, in reverse creation
     * order (at heap close). A cleanup that registers another one (with {@code atexit}) has it run next,
     * as CPython's {@code weakref.finalize} does at exit.
     */
    public void close() {
        beginCollection();
        for (int i = finalizeHandles.size() - 1; i >= 0; ) {
            FinalizeHandle f = finalizeHandles.get(i);
            if (!f.atexit) {
                i--;
                continue;
            }
            int size = finalizeHandles.size();
            long registered = sequence;
            runCleanup(f, "a withFinalizer cleanup (at close)"); // f leaves the list
            // Unless the cleanup registered a new one (the newest: it runs next) or detached or ran
            // others, the next candidate is just below f.
            boolean onlyItLeft = sequence == registered && finalizeHandles.size() == size - 1;
            i = onlyItLeft ? i - 1 : finalizeHandles.size() - 1;
        }
    }

    /** Objects kept uncollectable because of legacy finalizers, or saved by SAVEALL (CPython's {@code gc.garbage}). */
    public List<Long> garbage() {
        List<Long> l = new ArrayList<>(garbage.size());
        for (int i = 0; i < garbage.size(); i++) l.add(garbage.get(i));
        return l;
    }

    /** Empties {@link #garbage()} ({@code del gc.garbage[:]}): the objects lose that reference. */
    public long[] takeGarbage() {
        long[] all = garbage.toArray();
        garbage.clear();
        return all;
    }

    private void bind(Mutator m) {
        if (mutator == null) mutator = m;
    }

    private void requireObject(long obj, String op) {
        if (!heap.isObject(obj)) throw new IllegalArgumentException(String.format("%s: 0x%x is not an object in use", op, obj));
    }

    /** Reports an exception of a finalizer, callback or cleanup; a hook that throws is caught here. */
    void unraisable(String where, Throwable e) {
        try {
            unraisable.report(where, e);
        } catch (RuntimeException | Error hookFailure) {
            if (!hookFailureReported) {
                hookFailureReported = true;
                System.err.println("gclab: warning: the unraisable hook threw " + hookFailure + " while reporting an exception in "
                    + where + " (" + e + "); the collection goes on, and further failures of the hook in it are not reported");
            }
        }
    }

    // ------------------------------------------------------------------ tracing collectors

    /**
     * The finalization pipeline of a tracing collector, run between its trace and its freeing: legacy
     * finalizers, weak references, callbacks, finalizers, resurrection, then forgetting the dead and
     * moving the state of moved objects. Only objects the collection covers can be garbage.
     */
    public void afterMarking(ReachabilityHook.Marking mk) {
        beginCollection();
        lastUncollectable = 0;
        keptForLater.clear();
        for (int i = 0; i < garbage.size(); i++) garbage.set(i, mk.retain(garbage.get(i)));
        if (reg.liveRecords() == 0) return;
        keepLegacyGarbage(mk);
        queue.clear();
        moveLiveWeakRecords(mk); // clearing writes into the weak references where they are now
        clearWeakRefsOfDeadReferents(mk);
        moveLiveObjectRecords(mk); // before any callback runs, records and referent words hold current addresses
        boolean ran = !queue.isEmpty();
        for (int i = 0; i < queue.size(); i++) runCallback((int) queue.get(i));
        collectDoomed(mk);
        if (doomed.size() > 0) {
            ran = true;
            if (order == FinalizerOrder.TOPOLOGICAL) {
                long[] sorted = TopologicalOrder.sort(heap, doomed.toArray(), o -> mk.inCollection(o) && !mk.isLive(o));
                doomed.clear();
                for (long o : sorted) doomed.push(o);
            }
            for (int i = 0; i < doomed.size(); i++) mk.fixReferences(doomed.get(i));
            for (int i = 0; i < doomed.size(); i++) {
                long obj = doomed.get(i);
                if ((reg.flags(obj) & (FINALIZABLE | FINALIZED)) == FINALIZABLE) runFinalizer(obj);
            }
        }
        if (ran) {
            mk.remark();
            for (int i = 0; i < doomed.size(); i++) if (mk.isLive(doomed.get(i))) resurrected++;
        }
        keepLateRegistrations(mk); // after the count: kept for later is not resurrected; --verify allows them
        forgetDeadAndMoveLive(mk);
    }

    /**
     * For a collector that moves objects after {@link #afterMarking} has finished (compact moves after
     * its sweep, when every object left is live): rewrites what this service keeps by address — the
     * records and side-table entries of objects and weak references, the referent word of every weak
     * reference, {@link #garbage()} and the objects kept for later — to {@code moved.currentAddress}.
     * {@code moved} answers every object live and in the collection.
     */
    public void objectsMoved(ReachabilityHook.Marking moved) {
        for (int i = 0; i < garbage.size(); i++) garbage.set(i, moved.currentAddress(garbage.get(i)));
        for (int i = 0; i < keptForLater.size(); i++) keptForLater.set(i, moved.currentAddress(keptForLater.get(i)));
        if (reg.liveRecords() == 0) return;
        moveLiveWeakRecords(moved); // weak references first: an object's move rewrites its weak references' referent words where they are now
        moveLiveObjectRecords(moved);
    }

    /**
     * Objects with legacy finalizers in the garbage, and all they reach, are kept; every one of those
     * legacy objects is listed in {@link #garbage()} (CPython lists each tp_del object of the
     * uncollectable set), including one that another legacy object reaches: all are found before any
     * is retained.
     */
    private void keepLegacyGarbage(ReachabilityHook.Marking mk) {
        legacyGarbage.clear();
        for (int r = reg.finFirst; r != 0; r = reg.nextFin(r)) {
            long obj = reg.addr[r];
            if ((reg.flags(obj) & LEGACY) != 0 && mk.inCollection(obj) && !mk.isLive(obj)) legacyGarbage.push(obj);
        }
        for (int i = 0; i < legacyGarbage.size(); i++) {
            long obj = legacyGarbage.get(i);
            boolean keptAlready = mk.isLive(obj); // reached from a legacy object retained before it: counted there
            long before = work.objectsMarked;
            garbage.push(mk.retain(obj));
            long kept = keptAlready ? 0 : Math.max(1, work.objectsMarked - before);
            lastUncollectable += kept;
            uncollectable += kept;
        }
        legacyGarbage.clear();
    }

    /**
     * Clears the weak references to dying referents (newest first per referent, referents in the order
     * they got their first weak reference), queueing the callbacks of those that live; weak references
     * that die themselves are cleared with no callback, ever.
     */
    private void clearWeakRefsOfDeadReferents(ReachabilityHook.Marking mk) {
        for (int r = reg.refFirst; r != 0; ) {
            int nextReferent = reg.nextRef(r);
            long referent = reg.addr[r];
            boolean referentDies = mk.inCollection(referent) && !mk.isLive(referent);
            for (int w = reg.head[r]; w != 0; ) {
                int older = reg.older[w];
                long wobj = reg.addr[w];
                boolean weakDies = mk.inCollection(wobj) && !mk.isLive(wobj);
                if (referentDies || weakDies) {
                    reg.detachWeak(w);
                    if (weakDies) reg.fn[w] = null;
                    else if (reg.fn[w] != null) queue.push(w);
                }
                w = older;
            }
            r = nextReferent;
        }
    }

    /** Unfinalized finalizable garbage, in registration order. */
    private void collectDoomed(ReachabilityHook.Marking mk) {
        doomed.clear();
        for (int r = reg.finFirst; r != 0; r = reg.nextFin(r)) {
            long obj = reg.addr[r];
            if ((reg.flags(obj) & (FINALIZABLE | FINALIZED | LEGACY)) == FINALIZABLE && mk.inCollection(obj) && !mk.isLive(obj)) doomed.push(obj);
        }
    }

    /**
     * Objects that are garbage but got a finalizer or weak reference during this collection (from a
     * callback or finalizer, after the garbage was examined) are kept for the next collection, so no
     * object is ever freed unfinalized or with a live weak reference left uncleared.
     */
    private void keepLateRegistrations(ReachabilityHook.Marking mk) {
        for (int r = 1, n = reg.capacity(); r < n; r++) {
            if (!reg.isObjectRecord(r)) continue;
            long obj = reg.addr[r];
            if (!mk.inCollection(obj) || mk.isLive(obj)) continue;
            boolean pendingFinalizer = (reg.flags(obj) & (FINALIZABLE | FINALIZED | LEGACY)) == FINALIZABLE;
            if (pendingFinalizer || reg.head[r] != 0) keptForLater.push(mk.retain(obj));
        }
    }

    /**
     * Updates the records of live objects that a moving collector moved: weak references first (their
     * records hold their new addresses), then objects (their entries move, and the referent word of each
     * of their weak references is rewritten).
     */
    private void moveLiveWeakRecords(ReachabilityHook.Marking mk) {
        for (int r = 1, n = reg.capacity(); r < n; r++) {
            if (!reg.isWeakRecord(r)) continue;
            long w = reg.addr[r];
            if (!mk.inCollection(w) || !mk.isLive(w)) continue;
            long now = mk.currentAddress(w);
            if (now != w) reg.addr[r] = now;
        }
    }

    private void moveLiveObjectRecords(ReachabilityHook.Marking mk) {
        for (int r = 1, n = reg.capacity(); r < n; r++) {
            if (!reg.isObjectRecord(r)) continue;
            long obj = reg.addr[r];
            if (!mk.inCollection(obj) || !mk.isLive(obj)) continue;
            long now = mk.currentAddress(obj);
            if (now != obj) moveEntry(r, obj, now);
        }
    }

    private void moveEntry(int r, long from, long to) {
        int e = reg.table.get(from);
        reg.table.set(from, 0);
        reg.table.set(to, e);
        reg.addr[r] = to;
        for (int w = reg.head[r]; w != 0; w = reg.older[w]) memory.setLong(Registry.referentWord(reg.addr[w]), to);
    }

    /** Drops the state of dead objects and dead weak references; moves the state of live objects retained since the first pass. */
    private void forgetDeadAndMoveLive(ReachabilityHook.Marking mk) {
        for (int r = 1, n = reg.capacity(); r < n; r++) {
            if (!reg.isWeakRecord(r)) continue;
            long w = reg.addr[r];
            if (!mk.inCollection(w)) continue;
            if (!mk.isLive(w)) {
                reg.detachWeak(r);
                memory.setLong(Registry.recordWord(w), 0);
                reg.fn[r] = null;
                reg.freeWeak(r);
            } else {
                long now = mk.currentAddress(w);
                if (now != w) reg.addr[r] = now;
            }
        }
        for (int r = 1, n = reg.capacity(); r < n; r++) {
            if (!reg.isObjectRecord(r)) continue;
            long obj = reg.addr[r];
            if (!mk.inCollection(obj)) continue;
            if (!mk.isLive(obj)) {
                reg.dropObject(obj);
            } else {
                long now = mk.currentAddress(obj);
                if (now != obj) moveEntry(r, obj, now);
            }
        }
    }

    private void runCallback(int w) {
        Object cb = reg.fn[w];
        if (cb == null) return;
        reg.fn[w] = null;
        callbacksRun++;
        long wobj = reg.addr[w];
        try {
            ((WeakRefCallback) cb).cleared(wobj);
        } catch (RuntimeException | Error e) {
            unraisable(String.format("the callback of weak reference 0x%x", wobj), e);
        }
    }

    private void runFinalizer(long obj) { runFinalizer(obj, true); }

    private void runFinalizer(long obj, boolean markFinalized) {
        int r = reg.recordOf(obj);
        Finalizer f = (Finalizer) reg.fn[r];
        if (markFinalized) {
            reg.addFlags(obj, FINALIZED);
            reg.unlinkFin(r); // it stays in the record (never run again: the flag says so)
        }
        finalizersRun++;
        try {
            f.finalize(obj);
        } catch (RuntimeException | Error e) {
            unraisable(String.format("the finalizer of object 0x%x", obj), e);
        }
    }

    /**
     * True if the last tracing collection kept {@code obj} (its current address) for the next one because
     * it got a finalizer or a weak reference during the collection: garbage the verifier must allow.
     */
    public boolean keptForLater(long obj) {
        for (int i = 0, n = keptForLater.size(); i < n; i++) if (keptForLater.get(i) == obj) return true;
        return false;
    }

    /** Objects the last tracing collection kept because of legacy finalizers (and what they reach). */
    public long lastUncollectable() { return lastUncollectable; }

    /** Adds {@code obj} (kept alive by the caller) to {@link #garbage()}: SAVEALL's and legacy finalizers' list. */
    public void saveGarbage(long obj) { garbage.push(obj); }

    // ------------------------------------------------------------------ reference counting

    /** True if {@code obj} has a finalizer that has not run. */
    public boolean needsFinalizer(long obj) { return (reg.flags(obj) & (FINALIZABLE | FINALIZED)) == FINALIZABLE; }

    public boolean isLegacy(long obj) { return (reg.flags(obj) & LEGACY) != 0; }

    /** Runs the finalizer of {@code obj} (marks it finalized first). The caller keeps obj alive meanwhile. */
    public void finalizeNow(long obj) { runFinalizer(obj, true); }

    /**
     * Runs the finalizer of {@code obj} without the permanent "finalized" mark: CPython's rule for
     * objects outside the GC (no reference slots), whose {@code __del__} runs at each of their deaths by
     * count, a resurrection notwithstanding.
     */
    public void finalizeNowUnmarked(long obj) { runFinalizer(obj, false); }

    /**
     * Calls the legacy finalizer of {@code obj} at a death by count, as CPython calls {@code tp_del}: no
     * "finalized" bit is set, so it is called again at each death (it may resurrect the object each
     * time). The caller keeps obj alive meanwhile.
     */
    public void callLegacyFinalizer(long obj) {
        int r = reg.recordOf(obj);
        if (r == 0 || !(reg.fn[r] instanceof Finalizer f)) return;
        finalizersRun++;
        try {
            f.finalize(obj);
        } catch (RuntimeException | Error e) {
            unraisable(String.format("the legacy finalizer of object 0x%x", obj), e);
        }
    }

    /**
     * Clears the weak references to {@code referent} (newest first) and adds those that have a callback
     * to {@code withCallbacks} (weak-reference objects); returns how many were added.
     */
    public int clearWeakRefsTo(long referent, LongStack withCallbacks) {
        int r = reg.recordOf(referent);
        if (r == 0) return 0;
        int n = 0;
        for (int w = reg.head[r]; w != 0; ) {
            int older = reg.older[w];
            reg.detachWeak(w);
            if (reg.fn[w] != null) {
                withCallbacks.push(reg.addr[w]);
                n++;
            }
            w = older;
        }
        return n;
    }

    /** Runs the callback of the cleared weak reference {@code w} (once). */
    public void callback(long w) {
        int r = reg.weakRecordOf(w);
        if (r != 0) runCallback(r);
    }

    /** Forgets a dying object: its finalizer, its flags, and, if it is a weak reference, its registration. */
    public void forget(long obj) {
        if (isWeakRefLayout(obj)) dropWeakRef(obj);
        if (reg.table.get(obj) != 0) reg.dropObject(obj);
    }

    private void dropWeakRef(long w) {
        int r = reg.weakRecordOf(w);
        if (r == 0) return;
        reg.detachWeak(r);
        memory.setLong(Registry.recordWord(w), 0);
        reg.fn[r] = null;
        reg.freeWeak(r);
    }

    private boolean isWeakRefLayout(long obj) { return ObjectModel.layoutId(memory.getLong(obj)) == weakrefLayout; }

    /** Clears a weak reference that is itself garbage (no callback, ever); its record goes when it dies. */
    public void clearGarbageWeakRef(long w) {
        int r = reg.weakRecordOf(w);
        if (r == 0) return;
        reg.detachWeak(r);
        reg.fn[r] = null;
    }

    /** Records an uncollectable object (legacy finalizer in cyclic garbage); the caller keeps it alive. */
    public void addGarbage(long obj) { garbage.push(obj); }

    /** Counts objects made uncollectable (legacy finalizers and everything they reach). */
    public void countUncollectable(long n) { uncollectable += n; }

    public void countResurrected() { resurrected++; }

    /** Finalizers, callbacks and cleanups run so far: a collection that changes it ran mutator code. */
    public long codeRuns() { return finalizersRun + callbacksRun + cleanupsRun; }

    /** {@code objs} in the configured finalization order; {@code inGarbage} tells the garbage objects the walk may go through. */
    public long[] inFinalizationOrder(long[] objs, java.util.function.LongPredicate inGarbage) {
        return order == FinalizerOrder.TOPOLOGICAL ? TopologicalOrder.sort(heap, objs, inGarbage) : objs;
    }

    /** Counters for reports. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("finalizers_run", finalizersRun);
        m.put("weakref_callbacks_run", callbacksRun);
        m.put("cleanups_run", cleanupsRun);
        m.put("resurrected", resurrected);
        m.put("uncollectable", uncollectable);
        return m;
    }
}
