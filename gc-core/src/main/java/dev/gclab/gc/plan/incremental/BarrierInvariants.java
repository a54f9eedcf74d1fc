package dev.gclab.gc.plan.incremental;

import dev.gclab.gc.trace.ObjectScanner;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.roots.HandleTable;
import dev.gclab.heap.roots.Roots;
import dev.gclab.heap.span.Span;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code --verify} for an incremental cycle: the tri-colour invariant of the chosen barrier, checked
 * whenever the mutator hands control back to the collector (at the start of every marking step), and
 * the end of marking. It walks the heap itself (its own roots walk and bitmaps, never the trace's grey
 * set drain), reading the trace's marks and grey set as they are:
 * <ul>
 *   <li><b>IU</b>: no black object (marked, not grey) refers to a white (unmarked) one;</li>
 *   <li><b>SATB</b>: every object reachable when the cycle began (the snapshot, taken at the initial
 *       pause) is marked, or reachable from a grey object through white objects only — Yuasa's
 *       invariant, which is what "reachable at the start and not freed is marked by the end" needs
 *       at each step; at the end of marking every snapshot object must be marked;</li>
 *   <li><b>both</b>, at the end of marking and again after the finalizers ran: every object reachable
 *       from the roots (and {@code gc.garbage}) is marked — otherwise the sweep would free it.</li>
 * </ul>
 * One bit per 8-byte granule (objects are 8-byte aligned); nothing per object but the bits.
 */
final class BarrierInvariants {
    private static final int MAX_REPORTED = 20;

    private final Heap heap;
    private final HeapMemory memory;
    private final IncrementalTrace trace;
    private final ObjectScanner scanner;
    private final boolean satb;
    private final Supplier<List<Long>> extraRoots;
    private final BitSet snapshot = new BitSet();
    private final BitSet grey = new BitSet();
    private final BitSet seen = new BitSet();
    private long[] stack = new long[1024];
    private final List<String> problems = new ArrayList<>();
    private int problemCount;

    BarrierInvariants(Heap heap, IncrementalTrace trace, boolean satb, Supplier<List<Long>> extraRoots) {
        if (heap.maxBytes() > (1L << 34)) throw new IllegalArgumentException("incremental: --verify handles heaps up to 16 GiB; this one is " + heap.maxBytes() + " bytes");
        this.heap = heap;
        this.memory = heap.memory();
        this.trace = trace;
        this.scanner = new ObjectScanner(heap);
        this.satb = satb;
        this.extraRoots = extraRoots;
    }

    private static int granule(long obj) { return (int) ((obj - HeapMemory.BASE) >>> 3); }
    private static long address(int g) { return HeapMemory.BASE + ((long) g << 3); }

    /** The initial pause greyed the roots: SATB records the snapshot (everything reachable now). */
    void cycleStarted() {
        if (!satb) return;
        snapshot.clear();
        reachableFromRoots(snapshot);
    }

    /** The invariant of the barrier, before a marking step (the mutator ran since the last one). */
    void checkStep(String when) {
        begin();
        greySet();
        if (satb) checkSnapshotCovered(false);
        else checkNoBlackToWhite();
        end(when);
    }

    /**
     * Marking has just ended (the grey set is empty), or the finalizers ran since: every snapshot object
     * (SATB, {@code snapshotToo}) and every object reachable now is marked.
     */
    void checkMarked(String when, boolean snapshotToo) {
        begin();
        if (satb && snapshotToo) {
            greySet();
            checkSnapshotCovered(true);
        }
        seen.clear();
        reachableFromRoots(seen);
        for (int g = seen.nextSetBit(0); g >= 0; g = seen.nextSetBit(g + 1)) {
            long obj = address(g);
            if (!trace.marks.isMarked(obj)) {
                problem("object 0x%x (%s) is reachable but not marked: the sweep would free it", obj, describe(obj));
            }
        }
        end(when);
    }

    private void begin() {
        problems.clear();
        problemCount = 0;
    }

    private void end(String when) {
        if (problemCount > 0) throw new HeapVerificationException(when, problems, problemCount);
    }

    private void greySet() {
        grey.clear();
        trace.forEachGrey(o -> grey.set(granule(o)));
    }

    /**
     * SATB: each snapshot object is marked or reachable from a grey object through white objects
     * ({@code atEnd}: there is no grey object left, so it must be marked).
     */
    private void checkSnapshotCovered(boolean atEnd) {
        seen.clear();
        int sp = 0;
        for (int g = grey.nextSetBit(0); g >= 0; g = grey.nextSetBit(g + 1)) {
            seen.set(g);
            sp = push(sp, address(g));
        }
        while (sp > 0) {
            long obj = stack[--sp];
            for (int i = 0, n = scanner.slotCount(obj); i < n; i++) {
                long ref = scanner.slotValue(obj, i);
                if (ref == 0 || trace.marks.isMarked(ref) || seen.get(granule(ref))) continue;
                seen.set(granule(ref));
                sp = push(sp, ref);
            }
        }
        for (int g = snapshot.nextSetBit(0); g >= 0; g = snapshot.nextSetBit(g + 1)) {
            long obj = address(g);
            if (trace.marks.isMarked(obj) || seen.get(g)) continue;
            if (atEnd) problem("object 0x%x (%s) was reachable when the cycle began and is not marked when marking ended (SATB)", obj, describe(obj));
            else problem("object 0x%x (%s) was reachable when the cycle began, is white, and no grey object reaches it through white objects: the snapshot lost it (SATB barrier)", obj, describe(obj));
        }
    }

    /** IU: no marked object outside the grey set refers to an unmarked one. */
    private void checkNoBlackToWhite() {
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.noScan) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (!trace.marks.isMarked(obj) || grey.get(granule(obj))) continue;
                for (int k = 0, slots = scanner.slotCount(obj); k < slots; k++) {
                    long ref = scanner.slotValue(obj, k);
                    if (ref != 0 && !trace.marks.isMarked(ref)) {
                        problem("black object 0x%x (%s) refers to white object 0x%x (%s) in slot %d: a black-to-white edge (IU barrier)",
                            obj, describe(obj), ref, describe(ref), k);
                    }
                }
            }
        }
    }

    /** Sets the bits of every object reachable from the roots and the extra roots. */
    private void reachableFromRoots(BitSet into) {
        int sp = 0;
        Roots roots = heap.roots();
        for (int i = 0, n = roots.globalCount(); i < n; i++) sp = root(into, sp, roots.global(i));
        for (int i = 0, n = roots.stackSize(); i < n; i++) sp = root(into, sp, roots.stackSlot(i));
        HandleTable handles = heap.handles();
        for (int h = 1, n = handles.capacity(); h < n; h++) if (handles.isLive(h)) sp = root(into, sp, handles.rawTarget(h));
        for (long v : extraRoots.get()) sp = root(into, sp, v);
        while (sp > 0) {
            long obj = stack[--sp];
            for (int i = 0, n = scanner.slotCount(obj); i < n; i++) sp = root(into, sp, scanner.slotValue(obj, i));
        }
    }

    private int root(BitSet into, int sp, long v) {
        if (v == 0 || into.get(granule(v))) return sp;
        into.set(granule(v));
        return push(sp, v);
    }

    private int push(int sp, long v) {
        if (sp == stack.length) stack = java.util.Arrays.copyOf(stack, sp * 2);
        stack[sp] = v;
        return sp + 1;
    }

    private String describe(long obj) {
        int lid = heap.layoutOf(obj);
        return heap.layouts().isValid(lid) ? heap.layouts().name(lid) : "?";
    }

    private void problem(String fmt, Object... args) {
        problemCount++;
        if (problems.size() < MAX_REPORTED) problems.add(String.format(fmt, args));
    }
}
