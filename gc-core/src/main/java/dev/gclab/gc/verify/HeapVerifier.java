package dev.gclab.gc.verify;

import dev.gclab.heap.Heap;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.roots.HandleTable;
import dev.gclab.heap.roots.Roots;
import dev.gclab.heap.span.Span;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The sanity checker: an independent re-trace of the heap, sharing no code with any collector's
 * marking. It walks every span's bitmaps to find the allocated objects, checks each header, then
 * traces from all roots with its own visited bitmap and checks that:
 * <ul>
 *   <li>every root and every reference slot holds 0 or the start of an allocated object (a freed or
 *       interior target means the collector freed something reachable, or a slot was corrupted);</li>
 *   <li>no mark bit (side or header) is left set outside a collection;</li>
 *   <li>each span's object count agrees with its bitmaps, and the heap's occupancy with the spans;</li>
 *   <li>optionally ({@code exact}), every allocated object is reachable: no garbage survived — true
 *       right after a full stop-the-world collection of a non-generational tracing collector.</li>
 * </ul>
 * Its own visited set is a {@link BitSet} over 8-byte granules: no Java object per simulated object.
 */
public final class HeapVerifier {
    private static final int MAX_REPORTED = 20;

    private final Heap heap;
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final List<String> problems = new ArrayList<>();
    /** Reused between verifications: one bit per 8-byte granule of the committed heap. */
    private BitSet allocated, visited;
    private int problemCount;
    private java.util.function.Supplier<List<Long>> extraRoots = List::of;

    public HeapVerifier(Heap heap) {
        if (heap.maxBytes() > (1L << 34)) {
            throw new IllegalArgumentException("the heap verifier handles heaps up to 16 GiB; this one is " + heap.maxBytes() + " bytes");
        }
        this.heap = heap;
        this.memory = heap.memory();
        this.layouts = heap.layouts();
    }

    /** Roots the heap's root set does not hold, e.g. the uncollectable list of legacy finalizers. */
    public void setExtraRoots(java.util.function.Supplier<List<Long>> roots) { this.extraRoots = roots; }

    /** The result of one verification. */
    public record Report(long allocatedObjects, long reachableObjects, long reachableBytes) {}

    /** {@link #verify(String, boolean, LongPredicate)}, with its time recorded in {@code stats} (apart from pauses). */
    public Report verify(String when, boolean exact, LongPredicate mayRemain, dev.gclab.gc.stats.GcStats stats) {
        long t0 = System.nanoTime();
        try {
            return verify(when, exact, mayRemain);
        } finally {
            stats.recordVerification(System.nanoTime() - t0);
        }
    }

    /** {@link #verify(String, boolean, LongPredicate)} with nothing allowed to remain unreachable. */
    public Report verify(String when, boolean exact, dev.gclab.gc.stats.GcStats stats) { return verify(when, exact, null, stats); }

    public Report verify(String when, boolean exact) { return verify(when, exact, (LongPredicate) null); }

    /**
     * Verifies the heap.
     *
     * @param when      words for the message, e.g. "after collection 12"
     * @param exact     also require that every allocated object is reachable
     * @param mayRemain with {@code exact}: unreachable objects the collection was allowed to leave (e.g.
     *                  garbage a finalizer made during it, which waits for the next collection); they,
     *                  and everything they reach, are exempt. Null: none is.
     * @throws HeapVerificationException listing the problems found
     */
    public Report verify(String when, boolean exact, LongPredicate mayRemain) {
        problems.clear();
        problemCount = 0;
        int granules = (int) (heap.committedBytes() >>> 3);
        if (allocated == null || allocated.size() < granules) {
            allocated = new BitSet(granules);
            visited = new BitSet(granules);
        } else {
            allocated.clear();
            visited.clear();
        }
        long allocatedCount = scanSpans(allocated);
        long[] counts = trace(allocated, visited);
        if (exact && counts[0] != allocatedCount && mayRemain != null) {
            BitSet left = (BitSet) allocated.clone();
            left.andNot(visited);
            long[] stack = new long[64];
            int sp = 0;
            for (int g = left.nextSetBit(0); g >= 0; g = left.nextSetBit(g + 1)) {
                long obj = HeapMemory.BASE + ((long) g << 3);
                if (mayRemain.test(obj)) {
                    visited.set(g);
                    stack = push(stack, sp++, obj);
                }
            }
            long[] exempt = traceFrom(stack, sp, allocated, visited);
            counts[0] += exempt[0];
            counts[1] += exempt[1];
        }
        if (exact && counts[0] != allocatedCount) {
            BitSet garbage = (BitSet) allocated.clone();
            garbage.andNot(visited);
            long garbageCount = allocatedCount - counts[0];
            int reported = 0;
            for (int g = garbage.nextSetBit(0); g >= 0 && reported < 5; g = garbage.nextSetBit(g + 1), reported++) {
                long obj = HeapMemory.BASE + ((long) g << 3);
                problem("object 0x%x (%s) is allocated but unreachable after a full collection", obj, describe(obj));
            }
            problemCount += (int) Math.min(Integer.MAX_VALUE, garbageCount - reported);
        }
        if (problemCount > 0) throw new HeapVerificationException(when, problems, problemCount);
        return new Report(allocatedCount, counts[0], counts[1]);
    }

    private long scanSpans(BitSet allocated) {
        boolean headerMarks = heap.config().markBits() == MarkBits.HEADER;
        long objects = 0;
        long bytes = 0;
        for (int i = 0; i < heap.spanCount(); i++) {
            Span s = heap.span(i);
            if (s.state != Span.IN_USE) problem("span %s in the span list is not in use", s);
            int count = 0;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) {
                    if (s.isMarked(idx)) problem("free slot %d of %s has its mark bit set", idx, s);
                    continue;
                }
                count++;
                long obj = s.slotAddress(idx);
                if (heap.spanOf(obj) != s) problem("object 0x%x: the page table does not map it to its span %s", obj, s);
                long h = memory.getLong(obj);
                int lid = ObjectModel.layoutId(h);
                if (!layouts.isValid(lid)) {
                    problem("object 0x%x (slot %d of %s): header 0x%x names no layout", obj, idx, s, h);
                    continue;
                }
                long size = layouts.sizeOf(lid, ObjectModel.length(h));
                if (size > s.elemSize) problem("object 0x%x (%s) of %d bytes overflows its %d-byte slot", obj, layouts.name(lid), size, s.elemSize);
                if (layouts.isNoScan(lid) != s.noScan) problem("object 0x%x (%s) is in a span of the wrong scan kind", obj, layouts.name(lid));
                if (headerMarks ? (h & ObjectModel.MARK_FLAG) != 0 : s.isMarked(idx)) {
                    problem("object 0x%x has its mark bit set outside a collection", obj);
                }
                allocated.set(granule(obj));
            }
            if (count != s.allocCount) problem("%s counts %d objects but its bitmaps hold %d", s, s.allocCount, count);
            objects += count;
            bytes += count * s.elemSize;
        }
        if (bytes != heap.inUseBytes()) problem("heap occupancy says %d bytes in use, the spans hold %d", heap.inUseBytes(), bytes);
        return objects;
    }

    /** Traces from every root; returns {reachable objects, reachable bytes}. */
    private long[] trace(BitSet allocated, BitSet visited) {
        long[] stack = new long[1024];
        int sp = 0;
        Roots roots = heap.roots();
        for (int i = 0; i < roots.globalCount(); i++) {
            long v = roots.global(i);
            if (v != 0 && !check(allocated, v, "global root '" + roots.globalName(i) + "'")) continue;
            if (v != 0 && !visited.get(granule(v))) { visited.set(granule(v)); stack = push(stack, sp++, v); }
        }
        for (int i = 0; i < roots.stackSize(); i++) {
            long v = roots.stackSlot(i);
            if (v != 0 && !check(allocated, v, "stack slot " + i)) continue;
            if (v != 0 && !visited.get(granule(v))) { visited.set(granule(v)); stack = push(stack, sp++, v); }
        }
        for (long v : extraRoots.get()) {
            if (!check(allocated, v, "an extra root")) continue;
            if (!visited.get(granule(v))) { visited.set(granule(v)); stack = push(stack, sp++, v); }
        }
        HandleTable handles = heap.handles();
        for (int h = 1; h < handles.capacity(); h++) {
            if (!handles.isLive(h)) continue;
            long v = handles.rawTarget(h);
            if (!check(allocated, v, "handle " + h)) continue;
            if (!visited.get(granule(v))) { visited.set(granule(v)); stack = push(stack, sp++, v); }
        }
        return traceFrom(stack, sp, allocated, visited);
    }

    /** Traces from the {@code sp} objects on {@code stack} (already marked visited); returns {objects, bytes} traced. */
    private long[] traceFrom(long[] stack, int sp, BitSet allocated, BitSet visited) {
        long count = 0;
        long bytes = 0;
        while (sp > 0) {
            long obj = stack[--sp];
            count++;
            long h = memory.getLong(obj);
            int lid = ObjectModel.layoutId(h);
            int len = ObjectModel.length(h);
            bytes += layouts.sizeOf(lid, len);
            int n = layouts.refSlots(lid, len);
            for (int slot = 0; slot < n; slot++) {
                int word = layouts.isArray(lid) ? slot : layouts.refWord(lid, slot);
                long ref = memory.getLong(ObjectModel.wordAddress(obj, word));
                if (ref == 0) continue;
                if (!isAllocatedObject(allocated, ref)) {
                    check(allocated, ref, String.format("slot %d of object 0x%x (%s)", slot, obj, layouts.name(lid))); // the message only when it fails
                    continue;
                }
                if (!visited.get(granule(ref))) {
                    visited.set(granule(ref));
                    stack = push(stack, sp++, ref);
                }
            }
        }
        return new long[] {count, bytes};
    }

    private boolean isAllocatedObject(BitSet allocated, long ref) {
        return memory.contains(ref) && (ref & 7) == 0 && allocated.get(granule(ref));
    }

    private boolean check(BitSet allocated, long ref, String where) {
        if (isAllocatedObject(allocated, ref)) return true;
        Span s = heap.spanOf(ref);
        String why;
        if (s == null) why = "outside every in-use span";
        else if (s.slotAddress(Math.min(s.objIndex(ref), s.nelems - 1)) != ref) why = "inside an object, not at its start";
        else why = "a freed slot of " + s;
        problem("%s refers to 0x%x, which is %s (a reachable object was freed, or the slot is corrupt)", where, ref, why);
        return false;
    }

    private String describe(long obj) {
        int lid = ObjectModel.layoutId(memory.getLong(obj));
        return layouts.isValid(lid) ? layouts.name(lid) : "?";
    }

    private static long[] push(long[] stack, int at, long v) {
        if (at == stack.length) stack = java.util.Arrays.copyOf(stack, at * 2);
        stack[at] = v;
        return stack;
    }

    private static int granule(long address) { return (int) ((address - HeapMemory.BASE) >>> 3); }

    private void problem(String fmt, Object... args) {
        problemCount++;
        if (problems.size() < MAX_REPORTED) problems.add(String.format(fmt, args));
    }
}
