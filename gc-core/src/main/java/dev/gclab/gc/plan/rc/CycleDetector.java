package dev.gclab.gc.plan.rc;

import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;

/**
 * CPython's cycle detector over gclab's tracked containers (objects that can hold references).
 *
 * <p>Collecting generation g: the lists of generations g, 0, .., g-1 are merged (in that order) into
 * one candidate list; {@code gc_refs} of each candidate is set to its reference count
 * (update_refs); every reference from one candidate to another subtracts one from the target
 * (subtract_refs), so {@code gc_refs > 0} means "referenced from outside the candidates" (a root, a
 * handle, an older generation, an untracked object). Everything reachable from such objects inside
 * the candidate set is reachable (move_unreachable, done here with an explicit index stack instead
 * of list surgery: the same partition, with both parts kept in candidate-list order). Survivors go to
 * generation g+1 (generation 2 stays); the unreachable are garbage: their reference slots are
 * cleared through the count barrier (tp_clear), which frees them by count.
 *
 * <p>Scratch state (gc_refs, the reachable bitmap, the stack) is in primitive arrays indexed by a
 * candidate's position in the list, which the {@link Generations} side table gives in O(1).
 */
final class CycleDetector {
    private final RcCollector rc;
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final RefCounts counts;
    private final Generations gens;
    private final WorkCounters counters;

    final int[] threshold = {700, 10, 10};
    final long[] count = new long[Generations.COUNT];
    long longLivedPending;
    long longLivedTotal;
    final long[] collections = new long[Generations.COUNT];
    final long[] collected = new long[Generations.COUNT];
    final long[] uncollectable = new long[Generations.COUNT];

    private int[] gcRefs = new int[1024];
    /**
     * One bit per 8 KiB heap page: set while the page holds a candidate of the list being examined.
     * A reference into a page without candidates is skipped without reading its side-table entry —
     * in a young collection that is nearly every reference to an old object, and a cache miss saved.
     */
    private long[] candidatePages = new long[16];
    /** Storage for the next candidate list (the last one's array, reused). */
    private long[] spare = new long[64];
    private long[] reachable = new long[16];
    private int[] stack = new int[1024];

    CycleDetector(RcCollector rc, Heap heap, RefCounts counts, Generations gens) {
        this.rc = rc;
        this.memory = heap.memory();
        this.layouts = heap.layouts();
        this.counts = counts;
        this.gens = gens;
        this.counters = heap.counters();
    }

    /** The generation an automatic collection should collect now, or -1 (CPython's gc_collect_generations). */
    int generationToCollect() {
        for (int g = Generations.COUNT - 1; g >= 0; g--) {
            if (threshold[g] > 0 && count[g] > threshold[g]) {
                if (g == 2 && longLivedPending < longLivedTotal / 4) continue; // the 25% rule
                return g;
            }
        }
        return -1;
    }

    /** Collects generations 0..g; returns the number of unreachable objects found. */
    long collect(int g) {
        if (g + 1 < Generations.COUNT) count[g + 1]++;
        for (int i = 0; i <= g; i++) count[i] = 0;
        gens.merge(g, Generations.COLLECTING);
        for (int i = 0; i < g; i++) gens.merge(i, Generations.COLLECTING);
        int n = gens.size(Generations.COLLECTING);
        long[] base = gens.array(Generations.COLLECTING);
        counters.objectsExamined += n;
        updateAndSubtractRefs(base, n, Generations.COLLECTING);
        markReachableFromOutside(base, n, Generations.COLLECTING);

        // Partition in list order: survivors to the next generation, the rest to GARBAGE.
        int target = Math.min(g + 1, Generations.COUNT - 1);
        long[] candidates = gens.takeArray(Generations.COLLECTING, spare);
        gens.ensureRoom(target, n);
        int survivors = 0;
        for (int i = 0; i < n; i++) {
            if ((reachable[i >>> 6] & (1L << i)) != 0) {
                gens.add(target, candidates[i]);
                survivors++;
            } else {
                gens.add(Generations.GARBAGE, candidates[i]);
            }
        }
        spare = candidates; // the next collection's candidate list reuses it
        if (g == 1) longLivedPending += survivors;
        if (g == 2) {
            longLivedPending = 0;
            longLivedTotal = survivors;
        }
        long found = n - survivors;
        uncollectable[g] += rc.handleLegacyFinalizers(target);
        if (rc.runWeakRefCallbacksAndFinalizers()) moveResurrected(target);
        deleteGarbage(target);
        collections[g]++;
        collected[g] += found;
        return found;
    }

    /**
     * handle_resurrected_objects: reachability computed again over the garbage list alone; whatever
     * a callback or finalizer made reachable from outside it survives, with all it reaches there.
     */
    private void moveResurrected(int target) {
        int n = gens.size(Generations.GARBAGE);
        long[] base = gens.array(Generations.GARBAGE);
        updateAndSubtractRefs(base, n, Generations.GARBAGE);
        markReachableFromOutside(base, n, Generations.GARBAGE);
        long[] back = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) if ((reachable[i >>> 6] & (1L << i)) != 0) back[k++] = base[i];
        for (int i = 0; i < k; i++) {
            gens.remove(back[i]);
            gens.add(target, back[i]);
            if (rc.finalization().isFinalized(back[i])) rc.finalization().countResurrected(); // as tracing counts it
        }
    }

    /** Moves every object of the garbage list reachable from {@code roots} there to {@code target}; returns how many. */
    long rescueReachable(long[] roots, int count, int target) {
        long moved = 0;
        int[] st = new int[16];
        long[] work = new long[16];
        int sp = 0;
        for (int r = 0; r < count; r++) {
            if (gens.listOf(roots[r]) != Generations.GARBAGE) continue;
            gens.remove(roots[r]);
            gens.add(target, roots[r]);
            moved++;
            if (sp == work.length) work = java.util.Arrays.copyOf(work, sp * 2);
            work[sp++] = roots[r];
            while (sp > 0) {
                long obj = work[--sp];
                long h = memory.getLong(obj);
                int lid = ObjectModel.layoutId(h);
                int slots = layouts.refSlots(lid, ObjectModel.length(h));
                for (int s = 0; s < slots; s++) {
                    int word = layouts.isArray(lid) ? s : layouts.refWord(lid, s);
                    long child = memory.getLong(ObjectModel.wordAddress(obj, word));
                    if (child != 0 && gens.listOf(child) == Generations.GARBAGE) {
                        gens.remove(child);
                        gens.add(target, child);
                        moved++;
                        if (sp == work.length) work = java.util.Arrays.copyOf(work, sp * 2);
                        work[sp++] = child;
                    }
                }
            }
        }
        return moved;
    }

    private void markCandidatePages(long[] base, int n, boolean on) {
        if (on) {
            long maxPage = (memory.limit() - HeapMemory.BASE) >>> 13;
            int words = (int) ((maxPage + 64) >>> 6);
            if (candidatePages.length < words) candidatePages = new long[Math.max(words, candidatePages.length * 2)];
        }
        long[] pages = candidatePages;
        for (int i = 0; i < n; i++) {
            long page = (base[i] - HeapMemory.BASE) >>> 13;
            if (on) pages[(int) (page >>> 6)] |= 1L << page;
            else pages[(int) (page >>> 6)] = 0;
        }
    }

    private boolean onCandidatePage(long ref) {
        long page = (ref - HeapMemory.BASE) >>> 13;
        return (candidatePages[(int) (page >>> 6)] & (1L << page)) != 0;
    }

    private void updateAndSubtractRefs(long[] base, int n, int list) {
        markCandidatePages(base, n, true);
        if (gcRefs.length < n) gcRefs = new int[Math.max(n, gcRefs.length * 2)];
        int[] refs = gcRefs;
        for (int i = 0; i < n; i++) {
            long c = counts.isSaturated(base[i]) ? Integer.MAX_VALUE : counts.get(base[i]);
            refs[i] = (int) Math.min(c, Integer.MAX_VALUE);
        }
        for (int i = 0; i < n; i++) {
            long obj = base[i];
            long h = memory.getLong(obj);
            int lid = ObjectModel.layoutId(h);
            if (layouts.kind(lid) == LayoutKind.FIXED) {
                long mask = layouts.pointerMask(lid);
                while (mask != 0) {
                    int w = Long.numberOfTrailingZeros(mask);
                    mask &= mask - 1;
                    subtract(memory.getLong(obj + ObjectModel.HEADER_BYTES + ((long) w << 3)), refs, list);
                }
            } else {
                int len = layouts.refSlots(lid, ObjectModel.length(h));
                for (int s = 0; s < len; s++) subtract(memory.getLong(obj + ObjectModel.HEADER_BYTES + ((long) s << 3)), refs, list);
            }
        }
    }

    private void subtract(long ref, int[] refs, int list) {
        if (ref == 0 || !onCandidatePage(ref)) return;
        long e = gens.entry(ref);
        if (Generations.listOfEntry(e) == list && e != 0) {
            int k = Generations.indexOfEntry(e);
            if (refs[k] != Integer.MAX_VALUE) refs[k]--;
        }
    }

    /** Marks what is reachable from outside the list; clears the candidate pages set by {@link #updateAndSubtractRefs}. */
    private void markReachableFromOutside(long[] base, int n, int list) {
        try {
            markReachable(base, n, list);
        } finally {
            markCandidatePages(base, n, false);
        }
    }

    private void markReachable(long[] base, int n, int list) {
        int words = (n + 63) >>> 6;
        if (reachable.length < words) reachable = new long[Math.max(words, reachable.length * 2)];
        java.util.Arrays.fill(reachable, 0, words, 0L);
        int sp = 0;
        for (int i = 0; i < n; i++) {
            if (gcRefs[i] <= 0 || (reachable[i >>> 6] & (1L << i)) != 0) continue;
            reachable[i >>> 6] |= 1L << i;
            stack = push(stack, sp++, i);
            while (sp > 0) {
                long obj = base[stack[--sp]];
                long h = memory.getLong(obj);
                int lid = ObjectModel.layoutId(h);
                if (layouts.kind(lid) == LayoutKind.FIXED) {
                    long mask = layouts.pointerMask(lid);
                    while (mask != 0) {
                        int w = Long.numberOfTrailingZeros(mask);
                        mask &= mask - 1;
                        int k = candidateIndex(memory.getLong(obj + ObjectModel.HEADER_BYTES + ((long) w << 3)), list);
                        if (k >= 0 && (reachable[k >>> 6] & (1L << k)) == 0) {
                            reachable[k >>> 6] |= 1L << k;
                            stack = push(stack, sp++, k);
                        }
                    }
                } else {
                    int len = layouts.refSlots(lid, ObjectModel.length(h));
                    for (int s = 0; s < len; s++) {
                        int k = candidateIndex(memory.getLong(obj + ObjectModel.HEADER_BYTES + ((long) s << 3)), list);
                        if (k >= 0 && (reachable[k >>> 6] & (1L << k)) == 0) {
                            reachable[k >>> 6] |= 1L << k;
                            stack = push(stack, sp++, k);
                        }
                    }
                }
            }
        }
    }

    private int candidateIndex(long ref, int list) {
        if (ref == 0 || !onCandidatePage(ref)) return -1;
        long e = gens.entry(ref);
        return e != 0 && Generations.listOfEntry(e) == list ? Generations.indexOfEntry(e) : -1;
    }

    private static int[] push(int[] stack, int at, int v) {
        if (at == stack.length) stack = java.util.Arrays.copyOf(stack, at * 2);
        stack[at] = v;
        return stack;
    }

    /**
     * tp_clear for every garbage object, in list order: each reference slot is cleared through the
     * count barrier, which frees objects whose count reaches zero (garbage ones included, so later
     * entries may already be gone). A garbage object that is still alive afterwards (a saturated
     * count) moves to {@code survivorList}.
     */
    private void deleteGarbage(int survivorList) {
        int n = gens.size(Generations.GARBAGE);
        long[] garbage = java.util.Arrays.copyOf(gens.array(Generations.GARBAGE), n);
        gens.discardGarbage(true);
        try {
            for (int i = 0; i < n; i++) {
                long obj = garbage[i];
                if (gens.listOf(obj) != Generations.GARBAGE) continue; // freed by count meanwhile
                rc.clearReferences(obj, Generations.GARBAGE);
                if (gens.listOf(obj) == Generations.GARBAGE) {
                    gens.remove(obj);
                    gens.add(survivorList, obj);
                }
            }
        } finally {
            gens.discardGarbage(false);
        }
    }
}
