package dev.gclab.gc.stress;

import dev.gclab.gc.finalize.FinalizeHandle;
import dev.gclab.gc.stress.StressOps.Op;
import dev.gclab.gc.stress.StressOps.Shape;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plain-Java model of a stress program's heap: objects by id with their reference slots (ids),
 * the roots (globals, frames, handles), and what the finalization service owes each object:
 * finalizers, weak references with callbacks, {@code withFinalizer} cleanups, with what ran so far.
 * It shares no code with gclab. It never frees anything: an object is garbage when no root reaches
 * it, and its record stays (a finalizer or a weak reference may bring it back, and must then find it
 * intact).
 */
final class StressModel {
    static final int GLOBALS = 6;

    /** A model object: a heap object with an id, or a weak reference object (kept in its holder's slot 0). */
    static final class Obj {
        final long id;
        final Shape shape;            // null for a weak reference object
        final long[] refs;            // ids, 0 = null
        final long born;              // allocation sequence number (objects made by an action are newer than its start)
        boolean hasFinalizer;
        List<Op> finalizer;
        int finalizerRuns;
        String finalizedStamp;        // the collection context its finalizer ran in
        /** Was unreachable at some time and reachable again later (resurrected by a finalizer, callback or weak reference). */
        boolean resurrected;
        /** Open pins (pins nest: each unpin closes one). */
        int pins;
        // weak references
        long referent;
        boolean hasCallback;
        List<Op> callback;
        int callbackRuns;
        /** Created by an action (during a collection or a death) to an object that was garbage then: CPython may clear it without a callback. */
        boolean callbackOptional;
        boolean seenCleared;

        Obj(long id, Shape shape, long born) {
            this.id = id;
            this.shape = shape;
            this.refs = new long[shape == null ? 0 : shape.refSlots()];
            this.born = born;
        }

        boolean isWeak() { return shape == null; }
        boolean isHolder() { return shape == Shape.HOLDER; }
    }

    enum FrameKind { USER, SCRATCH, ACTION }

    static final class Frame {
        final FrameKind kind;
        final int heapStart;          // absolute index of slot 0 in the heap's root stack
        final long[] slots;

        Frame(FrameKind kind, int heapStart, int n) {
            this.kind = kind;
            this.heapStart = heapStart;
            this.slots = new long[n];
        }
    }

    static final class Handle {
        final int heapHandle;
        final long target;
        int count = 1;

        Handle(int heapHandle, long target) {
            this.heapHandle = heapHandle;
            this.target = target;
        }
    }

    enum CleanupState { ALIVE, RAN, DETACHED }

    static final class Cleanup {
        final int key;
        final long target;
        final List<Op> actions;
        final int sequence;
        FinalizeHandle handle;
        CleanupState state = CleanupState.ALIVE;
        int runs;
        /** Registered by an action on an object that was garbage then: CPython may drop such a cleanup. */
        boolean optional;

        Cleanup(int key, long target, List<Op> actions, int sequence) {
            this.key = key;
            this.target = target;
            this.actions = actions;
            this.sequence = sequence;
        }
    }

    final Map<Long, Obj> objs = new LinkedHashMap<>();
    final long[] globals = new long[GLOBALS];
    final List<Frame> frames = new ArrayList<>();
    final Map<Integer, Handle> handles = new TreeMap<>();
    final Map<Integer, Cleanup> cleanups = new TreeMap<>();
    private long allocations;
    private int cleanupSequence;

    private long version;
    private long cachedVersion = -1;
    /** For each reachable id: how the breadth-first search from the roots reached it. */
    private final Map<Long, long[]> via = new HashMap<>();
    private final List<Long> reachOrder = new ArrayList<>();

    static final int VIA_GLOBAL = 0, VIA_FRAME = 1, VIA_HANDLE = 2, VIA_FIELD = 3;

    // ------------------------------------------------------------------ mutation

    Obj add(long id, Shape shape) {
        Obj o = new Obj(id, shape, allocations++);
        objs.put(id, o);
        version++;
        return o;
    }

    Obj addWeak(long id, long referent) {
        Obj o = add(id, null);
        o.referent = referent;
        return o;
    }

    long allocationCount() { return allocations; }
    Obj obj(long id) { return objs.get(id); }
    boolean exists(long id) { return objs.containsKey(id); }

    void setRef(long owner, int slot, long value) {
        objs.get(owner).refs[slot] = value;
        version++;
    }

    void setGlobal(int g, long value) {
        globals[g] = value;
        version++;
    }

    Frame pushFrame(FrameKind kind, int heapStart, int n) {
        Frame f = new Frame(kind, heapStart, n);
        frames.add(f);
        version++;
        return f;
    }

    void popFrame() {
        frames.remove(frames.size() - 1);
        version++;
    }

    void setFrameSlot(Frame f, int slot, long value) {
        f.slots[slot] = value;
        version++;
    }

    /** The innermost frame pushed by the program itself (top-level {@code local} stores go there), or null. */
    Frame userFrame() {
        Frame top = frames.isEmpty() ? null : frames.get(frames.size() - 1);
        return top != null && top.kind == FrameKind.USER ? top : null;
    }

    int userFrameCount() {
        int n = 0;
        for (Frame f : frames) if (f.kind == FrameKind.USER) n++;
        return n;
    }

    void addHandle(int key, Handle h) {
        handles.put(key, h);
        version++;
    }

    /** Drops one count of handle {@code key}; returns true if that was its last. */
    boolean releaseHandle(int key) {
        Handle h = handles.get(key);
        if (--h.count > 0) return false;
        handles.remove(key);
        version++;
        return true;
    }

    Cleanup addCleanup(int key, long target, List<Op> actions) {
        Cleanup c = new Cleanup(key, target, actions, cleanupSequence++);
        cleanups.put(key, c);
        return c;
    }

    int liveCleanups() {
        int n = 0;
        for (Cleanup c : cleanups.values()) if (c.state == CleanupState.ALIVE) n++;
        return n;
    }

    // ------------------------------------------------------------------ reachability

    /** The ids reachable from the roots, in breadth-first order (cached until the next mutation). */
    List<Long> reachable() {
        if (cachedVersion != version) compute();
        return reachOrder;
    }

    boolean isReachable(long id) {
        if (cachedVersion != version) compute();
        return via.containsKey(id);
    }

    /** A copy of the reachable set, for comparing before and after an action. */
    Set<Long> reachableSet() { return new LinkedHashSet<>(reachable()); }

    /** How the search reached {@code id}: {VIA_GLOBAL, g}, {VIA_FRAME, frame, slot}, {VIA_HANDLE, key} or {VIA_FIELD, parent, slot}; null if unreachable. */
    long[] via(long id) {
        if (cachedVersion != version) compute();
        return via.get(id);
    }

    private void compute() {
        via.clear();
        reachOrder.clear();
        ArrayDeque<Long> queue = new ArrayDeque<>();
        for (int g = 0; g < GLOBALS; g++) root(globals[g], new long[] {VIA_GLOBAL, g}, queue);
        for (int f = 0; f < frames.size(); f++) {
            long[] s = frames.get(f).slots;
            for (int i = 0; i < s.length; i++) root(s[i], new long[] {VIA_FRAME, f, i}, queue);
        }
        for (Map.Entry<Integer, Handle> e : handles.entrySet()) root(e.getValue().target, new long[] {VIA_HANDLE, e.getKey()}, queue);
        while (!queue.isEmpty()) {
            long id = queue.poll();
            long[] refs = objs.get(id).refs;
            for (int i = 0; i < refs.length; i++) root(refs[i], new long[] {VIA_FIELD, id, i}, queue);
        }
        cachedVersion = version;
    }

    private void root(long id, long[] how, ArrayDeque<Long> queue) {
        if (id == 0 || via.containsKey(id)) return;
        via.put(id, how);
        reachOrder.add(id);
        queue.add(id);
    }

    /** Ids reachable from {@code from} (itself included) along model edges, through objects {@code allowed} accepts. */
    Set<Long> closure(long from, java.util.function.LongPredicate allowed) {
        Set<Long> seen = new LinkedHashSet<>();
        ArrayDeque<Long> queue = new ArrayDeque<>();
        seen.add(from);
        queue.add(from);
        while (!queue.isEmpty()) {
            for (long c : objs.get(queue.poll()).refs) {
                if (c != 0 && allowed.test(c) && seen.add(c)) queue.add(c);
            }
        }
        return seen;
    }

    /** True if any root holds something. */
    boolean hasRoots() {
        for (long g : globals) if (g != 0) return true;
        return !frames.isEmpty() || !handles.isEmpty();
    }
}
