package dev.gclab.gc.trace;

import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.util.LongDeque;
import dev.gclab.gc.util.LongIntHashMap;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.roots.HandleTable;
import dev.gclab.heap.roots.Roots;
import dev.gclab.heap.span.PageHeap;

/**
 * The one trace loop every tracing collector runs, in the shape of MMTk's
 * {@code processEdge}/{@code traceObject}.
 *
 * <p>Design. An <em>edge</em> is a place that holds a reference: a root (global, frame slot, handle
 * entry) or a reference slot of an object. Processing an edge loads it, asks {@link #traceObject}
 * what the referent's space makes of it — mark it in place, copy it once and leave a forwarding
 * address, or leave it alone because its space is not being collected — and stores the answer (the
 * object's current address) back only when it changed. {@code traceObject} is the plan's: a subclass
 * per collector that dispatches on the referent's span to its policies ({@code dev.gclab.gc.policy}),
 * each a final class whose call the JIT inlines. An object seen for the first time that can hold
 * references is enqueued (grey); {@link #drain(long)} scans grey objects, slot by slot, until the
 * grey set is empty or a budget of work is spent — so an incremental collector stops after N units and
 * resumes, and the grey set persists between calls.
 *
 * <p>The drain walks an object's slots itself, in {@link ObjectScanner}'s order (last to first), with
 * the walk's state in locals: going through the scanner, whose fields are written back at every
 * {@code next()}, and a {@code try/finally} around the loop made the mark of {@code tree_td} 1e6 about
 * 15 % slower (40 against 34 ns/object, alternating runs of one sitting, JDK 25).
 *
 * <p>Order. The grey set is a stack (depth-first: with the scanner's last-to-first slot order the
 * first slot's subtree is traced first, which follows the allocation order of top-down structures;
 * the mark of {@code tree_td} went from 31 to 13 ns/object with it) or a queue (breadth-first, Cheney's
 * order for a copying collector), chosen at construction.
 *
 * <p>Work is counted: {@code slots_scanned} here, objects marked or copied by the policies. One trace
 * object per collector, reused for every collection (no allocation per collection beyond the grey
 * set's growth).
 */
public abstract class TraceKernel {
    protected final Heap heap;
    protected final HeapMemory memory;
    protected final PageHeap pages;
    private final LayoutRegistry layouts;
    protected final WorkCounters counters;
    protected final ObjectScanner scanner;
    private final LongDeque grey = new LongDeque(4096);
    private final boolean breadthFirst;
    /** Objects scanned by {@link #drain} so far (an incremental collector's unit of marking work). */
    private long scanned;

    protected TraceKernel(Heap heap, boolean breadthFirst) {
        this.heap = heap;
        this.memory = heap.memory();
        this.pages = heap.pages();
        this.layouts = heap.layouts();
        this.counters = heap.counters();
        this.scanner = new ObjectScanner(heap);
        this.breadthFirst = breadthFirst;
    }

    /**
     * What tracing {@code obj} means in the space that owns it. Marks or copies it if this collection
     * covers it and it was not reached before, enqueueing it ({@link #enqueue}) when it can hold
     * references; returns its current address (new if it was copied, now or earlier).
     */
    protected abstract long traceObject(long obj);

    /** Makes {@code obj} grey: it will be scanned by {@link #drain}. For policies. */
    public final void enqueue(long obj) { grey.push(obj); }

    /** The edge at {@code slot} (an object's reference slot): trace its referent, store back a new address. */
    public final void processEdge(long slot) {
        long ref = memory.getLong(slot);
        if (ref == 0) return;
        long now = traceObject(ref);
        if (now != ref) memory.setLong(slot, now);
    }

    /** Traces every root (globals, frame slots, live handle entries), storing back new addresses; does not drain. */
    public final void traceRoots() {
        Roots roots = heap.roots();
        long[] globals = roots.globalsArray();
        for (int i = 0, n = roots.globalCount(); i < n; i++) {
            long v = globals[i];
            if (v != 0) {
                long now = traceObject(v);
                if (now != v) globals[i] = now;
            }
        }
        long[] stack = roots.stackArray();
        for (int i = 0, n = roots.stackSize(); i < n; i++) {
            long v = stack[i];
            if (v != 0) {
                long now = traceObject(v);
                if (now != v) stack[i] = now;
            }
        }
        HandleTable handles = heap.handles();
        for (int h = 1, n = handles.capacity(); h < n; h++) {
            if (!handles.isLive(h)) continue;
            long v = handles.rawTarget(h);
            long now = traceObject(v);
            if (now != v) handles.update(h, now);
        }
    }

    /** Traces one object as a root (not held in a slot the kernel could update); returns its current address. Does not drain. */
    public final long traceRoot(long obj) { return obj == 0 ? 0 : traceObject(obj); }

    /**
     * Scans grey objects until none is left or {@code budget} objects were scanned. If
     * {@code traceObject} throws (a copy that finds no room), the work counters miss the slots of
     * this call; the collection is lost then anyway.
     *
     * @return true if the grey set is empty
     */
    public final boolean drain(long budget) {
        LongDeque g = grey;
        HeapMemory mem = memory;
        LayoutRegistry lay = layouts;
        boolean fifo = breadthFirst;
        long slots = 0;
        long left = budget;
        while (!g.isEmpty() && left > 0) {
            left--;
            long obj = fifo ? g.popFirst() : g.popLast();
            long h = mem.getLong(obj);
            int lid = ObjectModel.layoutId(h);
            LayoutKind kind = lay.kind(lid);
            if (kind == LayoutKind.FIXED) {
                for (long mask = lay.pointerMask(lid); mask != 0; ) {
                    int w = 63 - Long.numberOfLeadingZeros(mask);
                    mask &= ~(1L << w);
                    slots++;
                    processEdge(obj + ObjectModel.HEADER_BYTES + ((long) w << 3));
                }
            } else if (kind == LayoutKind.REF_ARRAY) {
                int n = ObjectModel.length(h);
                slots += n;
                for (long a = obj + ObjectModel.HEADER_BYTES + ((long) n << 3), first = obj + ObjectModel.HEADER_BYTES; a != first; ) {
                    a -= 8;
                    processEdge(a);
                }
            }
        }
        counters.slotsScanned += slots;
        scanned += budget - left;
        return g.isEmpty();
    }

    /** Scans grey objects until none is left. */
    public final void drain() { drain(Long.MAX_VALUE); }

    public final boolean greyEmpty() { return grey.isEmpty(); }
    public final int greyCount() { return grey.size(); }
    /** Objects {@link #drain} has scanned since this kernel was made: a step's work is the difference. */
    public final long objectsScanned() { return scanned; }

    /** Calls {@code action} with every grey object (in no particular order), leaving the grey set as it is: for verifiers. */
    public final void forEachGrey(java.util.function.LongConsumer action) {
        for (int i = 0, n = grey.size(); i < n; i++) action.accept(grey.get(i));
    }

    /**
     * For a moving collection's reachability hooks: points the references of garbage {@code obj}, and of
     * the garbage it reaches, at the live objects' current addresses ({@code marking}'s view). Garbage
     * already walked is in {@code fixed} (the collection's record, so each object is walked once).
     */
    protected final void fixReferencesFrom(long obj, ReachabilityHook.Marking marking, LongIntHashMap fixed) {
        if (marking.isLive(obj) || fixed.get(obj) >= 0) return;
        LongStack work = new LongStack(16);
        fixed.put(obj, 1);
        work.push(obj);
        while (!work.isEmpty()) {
            long o = work.pop();
            scanner.begin(o);
            for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
                long child = memory.getLong(slot);
                if (child == 0) continue;
                if (marking.isLive(child)) {
                    long now = marking.currentAddress(child);
                    if (now != child) memory.setLong(slot, now);
                } else if (fixed.get(child) < 0) {
                    fixed.put(child, 1);
                    work.push(child);
                }
            }
        }
    }

    /** Drops every grey object (an aborted cycle). */
    public final void clearGrey() { grey.clear(); }

    /** Scans {@code obj}'s slots now (an object already reached whose references must be traced again), then it is done. */
    public final void rescan(long obj) {
        enqueue(obj);
        drain();
    }
}
