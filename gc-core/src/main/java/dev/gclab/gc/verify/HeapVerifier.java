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
 *   <li>no mark bit (side or header) is left set outside a collection (on allocated objects this is
 *       allowed when the heap declares sticky mark bits, {@code Heap.setStickyMarks});</li>
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
    /** When true, mark bits set on objects are not reported (a collection is in progress, or its lazy sweep is). */
    private boolean marksExpected;

    public HeapVerifier(Heap heap) {
        if (heap.maxBytes() > (1L << 34)) {
            throw new IllegalArgumentException("the heap verifier handles heaps up to 16 GiB; this one is " + heap.maxBytes() + " bytes");
        }
        this.heap = heap;
        this.memory = heap.memory();
        this.layouts = heap.layouts();
    }

    /**
     * Whether set mark bits are expected on allocated objects: true while an incremental collector is
     * marking or lazily sweeping (marks left on unswept spans are its record of the survivors), so the
     * check "no mark bit outside a collection" is off; a mark on a free slot is still reported.
     */
    public void setMarksExpected(boolean expected) { marksExpected = expected; }

    /** Roots the heap's root set does not hold, e.g. the uncollectable list of legacy finalizers. */
    public void setExtraRoots(java.util.function.Supplier<List<Long>> roots) { this.extraRoots = roots; }

    private int weakRefLayout = -1;

    /**
     * The layout of weak-reference objects: their word 0 (the referent) is checked to be 0 or an object
     * in use (never freed memory, never a forwarding stub), though it is not a traced reference.
     */
    public void setWeakRefLayout(int layoutId) { this.weakRefLayout = layoutId; }

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
        if (weakRefLayout > 0) checkWeakReferents(allocated);
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

    private void checkWeakReferents(BitSet allocated) {
        for (int i = 0; i < heap.spanCount(); i++) {
            Span s = heap.span(i);
            if (!s.noScan) continue; // weak references hold no traced reference: no-scan spans
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long w = s.slotAddress(idx);
                if (ObjectModel.layoutId(memory.getLong(w)) != weakRefLayout) continue;
                long r = memory.getLong(ObjectModel.wordAddress(w, 0));
                if (r != 0 && !isAllocatedObject(allocated, r)) check(allocated, r, String.format("the referent word of weak reference 0x%x", w));
            }
        }
    }

    /**
     * The reachable graph at one moment, for {@link #verifyMoved}: every reachable object's words
     * (header included) and pin bit, and the roots in order. Taken before a moving collection.
     */
    public static final class Snapshot {
        final dev.gclab.gc.util.LongIntHashMap index;
        final long[] addr;
        final int[] start;
        final long[] words;
        final boolean[] pinned;
        final long[] roots;
        final int objects;

        Snapshot(dev.gclab.gc.util.LongIntHashMap index, long[] addr, int[] start, long[] words, boolean[] pinned, long[] roots, int objects) {
            this.index = index;
            this.addr = addr;
            this.start = start;
            this.words = words;
            this.pinned = pinned;
            this.roots = roots;
            this.objects = objects;
        }
    }

    /** The current roots, in order: globals, frame slots, then every handle entry (0 where not live). */
    private long[] rootValues() {
        Roots roots = heap.roots();
        HandleTable handles = heap.handles();
        int g = roots.globalCount(), st = roots.stackSize(), h = handles.capacity();
        long[] r = new long[g + st + h];
        for (int i = 0; i < g; i++) r[i] = roots.global(i);
        for (int i = 0; i < st; i++) r[g + i] = roots.stackSlot(i);
        for (int i = 1; i < h; i++) r[g + st + i] = handles.isLive(i) ? handles.rawTarget(i) : 0;
        return r;
    }

    /** Takes a {@link Snapshot} of the reachable graph (call it on a verified heap). */
    public Snapshot snapshot() {
        long[] roots = rootValues();
        dev.gclab.gc.util.LongIntHashMap index = new dev.gclab.gc.util.LongIntHashMap(1024);
        long[] addr = new long[1024];
        int[] start = new int[1025];
        long[] words = new long[8192];
        boolean[] pinned = new boolean[1024];
        int n = 0, w = 0;
        long[] stack = new long[1024];
        int sp = 0;
        List<Long> extra = extraRoots.get();
        for (int i = 0, total = roots.length + extra.size(); i < total; i++) {
            long v = i < roots.length ? roots[i] : extra.get(i - roots.length);
            if (v != 0 && index.get(v) < 0) {
                index.put(v, -2);
                stack = push(stack, sp++, v);
            }
        }
        while (sp > 0) {
            long obj = stack[--sp];
            if (n == addr.length) {
                addr = java.util.Arrays.copyOf(addr, n * 2);
                start = java.util.Arrays.copyOf(start, n * 2 + 1);
                pinned = java.util.Arrays.copyOf(pinned, n * 2);
            }
            index.put(obj, n);
            addr[n] = obj;
            Span s = heap.spanOf(obj);
            pinned[n] = s.isPinned(s.objIndex(obj));
            long h = memory.getLong(obj);
            int lid = ObjectModel.layoutId(h);
            int size = (int) (layouts.sizeOf(lid, ObjectModel.length(h)) >>> 3);
            start[n] = w;
            if (w + size > words.length) words = java.util.Arrays.copyOf(words, Math.max(words.length * 2, w + size));
            for (int k = 0; k < size; k++) words[w + k] = memory.getLong(obj + 8L * k);
            w += size;
            n++;
            int slots = layouts.refSlots(lid, ObjectModel.length(h));
            for (int slot = 0; slot < slots; slot++) {
                int word = layouts.isArray(lid) ? slot : layouts.refWord(lid, slot);
                long ref = memory.getLong(ObjectModel.wordAddress(obj, word));
                if (ref != 0 && index.get(ref) == -1) {
                    index.put(ref, -2);
                    stack = push(stack, sp++, ref);
                }
            }
        }
        start[n] = w;
        return new Snapshot(index, addr, start, words, pinned, roots, n);
    }

    /**
     * Checks a heap after a moving collection against the {@link Snapshot} taken before it (when no
     * finalizer or callback ran during the collection, so the graph is unchanged but for moves): the
     * roots and the reachable graph correspond one to one, root for root and slot for slot; every
     * object has the same layout, length and data, its references renamed; pinned objects did not move;
     * each weak reference names its referent's new address, or 0 if the referent died.
     *
     * @throws HeapVerificationException listing the problems found
     */
    public void verifyMoved(String when, Snapshot before) {
        problems.clear();
        problemCount = 0;
        long[] now = rootValues();
        long[] to = new long[before.objects];
        int[] queue = new int[Math.max(16, before.objects)];
        int qh = 0, qt = 0;
        int common = Math.min(now.length, before.roots.length);
        for (int i = 0; i < before.roots.length; i++) {
            long b = before.roots[i], a = i < common ? now[i] : 0;
            qt = pairMoved(before, b, a, to, queue, qt, "root " + i);
        }
        List<Integer> weakRefs = new ArrayList<>();
        while (qh < qt && problems.size() < MAX_REPORTED) {
            int o = queue[qh++];
            long a = to[o];
            long oldAddr = before.addr[o];
            int w0 = before.start[o];
            long oldHeader = before.words[w0];
            long h = memory.getLong(a);
            int lid = ObjectModel.layoutId(oldHeader);
            if (ObjectModel.layoutId(h) != lid || ObjectModel.length(h) != ObjectModel.length(oldHeader)) {
                problem("object 0x%x moved to 0x%x, whose header 0x%x is not the old one's (0x%x)", oldAddr, a, h, oldHeader);
                continue;
            }
            if (before.pinned[o] && a != oldAddr) problem("pinned object 0x%x moved to 0x%x", oldAddr, a);
            if (lid == weakRefLayout) weakRefs.add(o);
            long refMask = 0;
            int slots = layouts.refSlots(lid, ObjectModel.length(h));
            int size = before.start[o + 1] - w0;
            for (int k = 1; k < size; k++) {
                boolean isRef = layouts.isArray(lid) ? k - 1 < slots : k - 1 < 64 && (layouts.pointerMask(lid) >>> (k - 1) & 1) != 0;
                long b = before.words[w0 + k], cur = memory.getLong(a + 8L * k);
                if (isRef) {
                    qt = pairMoved(before, b, cur, to, queue, qt, String.format("slot at word %d of object 0x%x (now 0x%x)", k - 1, oldAddr, a));
                } else if (!(lid == weakRefLayout && k == 1) && b != cur) {
                    problem("data word %d of object 0x%x changed when it moved to 0x%x: 0x%x became 0x%x", k - 1, oldAddr, a, b, cur);
                }
            }
        }
        for (int o : weakRefs) {
            long oldRef = before.words[before.start[o] + 1];
            long cur = memory.getLong(to[o] + 8);
            int r = oldRef == 0 ? -1 : before.index.get(oldRef);
            long expected = r >= 0 && to[r] != 0 ? to[r] : 0;
            if (cur != expected) problem("weak reference 0x%x (now 0x%x) names 0x%x; its referent 0x%x is %s", before.addr[o], to[o], cur, oldRef,
                expected == 0 ? "gone" : String.format("at 0x%x", expected));
        }
        if (problemCount > 0) throw new HeapVerificationException(when + " (compared with the heap before it)", problems, problemCount);
    }

    private int pairMoved(Snapshot before, long b, long a, long[] to, int[] queue, int qt, String where) {
        if (b == 0) {
            if (a != 0) problem("%s: was null, is 0x%x", where, a);
            return qt;
        }
        int o = before.index.get(b);
        if (o < 0) {
            problem("%s: 0x%x was not in the snapshot", where, b);
            return qt;
        }
        if (a == 0) {
            problem("%s: was 0x%x, is null", where, b);
            return qt;
        }
        if (to[o] == 0) {
            to[o] = a;
            queue[qt++] = o;
        } else if (to[o] != a) {
            problem("%s: 0x%x became 0x%x, but elsewhere it became 0x%x", where, b, a, to[o]);
        }
        return qt;
    }

    private long scanSpans(BitSet allocated) {
        boolean headerMarks = heap.config().markBits() == MarkBits.HEADER;
        boolean stickyMarks = heap.stickyMarks();
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
                // Sticky mark bits (a non-moving generational collector) keep old objects marked between collections;
                // an incremental collector between its steps has marked objects too.
                if (!stickyMarks && !marksExpected && (headerMarks ? (h & ObjectModel.MARK_FLAG) != 0 : s.isMarked(idx))) {
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
