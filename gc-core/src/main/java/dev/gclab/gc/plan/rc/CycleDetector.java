package dev.gclab.gc.plan.rc;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.trace.ObjectScanner;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
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
 * the candidate set is reachable (move_unreachable, done here with an explicit stack and a reachable bit instead
 * of list surgery: the same partition, with both parts kept in candidate-list order). Survivors go to
 * generation g+1 (generation 2 stays); the unreachable are garbage: their reference slots are
 * cleared through the count barrier (tp_clear), which frees them by count.
 *
 * <p>Scratch state. While reachability is computed, each candidate's {@link Generations} side-table
 * entry holds its gc_refs (28 bits) and a reachable bit beside the list bits (CPython keeps gc_refs
 * in the object's GC header for the same reason): a reference between candidates then costs one
 * random read-modify-write of one side-table entry, where a separate gc_refs array indexed by list
 * position cost a second random access per edge. The partition re-adds every candidate to its list,
 * which writes the entries back as (list, index).
 */
final class CycleDetector {
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final RefCounts counts;
    private final Generations gens;
    private final WorkCounters counters;
    private final ObjectScanner scanner;
    private final Finalization finalization;
    /** Set once the collector is built (the two need each other). */
    CycleGarbage garbage;
    Tracking tracking;

    final int[] threshold = {700, 10, 10};
    final long[] count = new long[Generations.COUNT];
    long longLivedPending;
    long longLivedTotal;
    final long[] collections = new long[Generations.COUNT];
    final long[] collected = new long[Generations.COUNT];
    final long[] uncollectable = new long[Generations.COUNT];

    /** Entry bits while the detector uses a collector list's entries: the list, the reachable bit, gc_refs. */
    private static final int LIST_MASK = -1 << Generations.INDEX_BITS;
    private static final int REACHABLE = 1 << (Generations.INDEX_BITS - 1);
    private static final int REFS_MASK = REACHABLE - 1;
    /** gc_refs of an object counted from outside without bound (a saturated or huge count): never decremented. */
    private static final int REFS_MAX = REFS_MASK;
    /**
     * One bit per 8 KiB heap page: set while the page holds a candidate of the list being examined.
     * A reference into a page without candidates is skipped without reading its side-table entry —
     * in a young collection that is nearly every reference to an old object, and a cache miss saved.
     */
    private long[] candidatePages = new long[16];
    /** Storage for the next candidate list (the last one's array, reused). */
    private long[] spare = new long[64];
    private long[] stack = new long[1024];

    CycleDetector(Heap heap, RefCounts counts, Generations gens, Finalization finalization) {
        this.memory = heap.memory();
        this.finalization = finalization;
        this.scanner = new ObjectScanner(heap);
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

    /** What one collection found: CPython's figures. */
    record Result(long unreachable, long collected, long uncollectable) {}

    /** What {@link #collectRegion} found: {@link Result}'s figures and the number of survivors. */
    record Region(long unreachable, long collected, long uncollectable, long survivors) {
        Result result() { return new Result(unreachable, collected, uncollectable); }
    }

    /**
     * Collects generations 0..g (CPython's {@code gc_collect_main}): deduce the unreachable, promote the
     * survivors, then the garbage's legacy finalizers, weak references, finalizers, resurrection and
     * deletion ({@link CycleGarbage}).
     *
     * @return the unreachable objects found; the collected ones (m: what is left after resurrection,
     *         plus queued weak references freed when the collector dropped them); the uncollectable ones
     *         (n: kept by legacy finalizers, with everything they reach)
     */
    Result collect(int g) {
        if (g + 1 < Generations.COUNT) count[g + 1]++;
        for (int i = 0; i <= g; i++) count[i] = 0;
        gens.merge(g, Generations.COLLECTING);
        for (int i = 0; i < g; i++) gens.merge(i, Generations.COLLECTING);
        Region r = collectRegion(Math.min(g + 1, Generations.COUNT - 1), g == Generations.COUNT - 1);
        if (g == 1) longLivedPending += r.survivors();
        if (g == 2) {
            longLivedPending = 0;
            longLivedTotal = r.survivors();
        }
        record(g, r);
        return r.result();
    }

    /** Adds a collection of generation {@code g} to {@code gc.get_stats()}. */
    void record(int g, Region r) {
        collections[g]++;
        collected[g] += r.collected();
        uncollectable[g] += r.uncollectable();
    }

    /**
     * CPython's {@code gc_collect_region}: the candidates are the collector list {@link
     * Generations#COLLECTING} (filled by the caller); survivors are appended, in list order, to list
     * {@code target}; the garbage goes through the legacy-finalizer, weak-reference, finalizer,
     * resurrection and deletion steps. {@code full} says whether the tracking rules of a full
     * collection apply (dicts without trackable items are untracked).
     */
    Region collectRegion(int target, boolean full) {
        int n = gens.size(Generations.COLLECTING);
        long[] base = gens.array(Generations.COLLECTING);
        counters.objectsExamined += n;
        boolean anyReachable = reachability(base, n, Generations.COLLECTING);

        // Partition in list order: survivors to the target list, the rest to GARBAGE.
        long[] candidates = gens.takeArray(Generations.COLLECTING, spare);
        gens.ensureRoom(target, n);
        int firstSurvivor = gens.slots(target);
        int survivors = 0;
        for (int i = 0; i < n; i++) {
            if (anyReachable && (gens.raw(candidates[i]) & REACHABLE) != 0) { // all garbage: no entry read
                gens.add(target, candidates[i]);
                survivors++;
            } else {
                gens.add(Generations.GARBAGE, candidates[i]);
            }
        }
        spare = candidates; // the next collection's candidate list reuses it
        if (tracking.active()) tracking.untrackSurvivors(target, firstSurvivor, full);
        long unreachable = n - survivors;
        long uncollectable = garbage.moveLegacyFinalizers(target);
        CycleGarbage.Callbacks run = garbage.weakRefsAndFinalizers();
        if (run.ran()) moveResurrected(target);
        long collectedNow = gens.size(Generations.GARBAGE) + run.weakRefsFreed();
        garbage.deleteOrSave(target);
        return new Region(unreachable, collectedNow, uncollectable, survivors);
    }

    /**
     * handle_resurrected_objects: reachability computed again over the garbage list alone; whatever
     * a callback or finalizer made reachable from outside it survives, with all it reaches there.
     */
    private void moveResurrected(int target) {
        int n = gens.size(Generations.GARBAGE);
        long[] base = gens.array(Generations.GARBAGE);
        reachability(base, n, Generations.GARBAGE);
        long[] back = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) if ((gens.raw(base[i]) & REACHABLE) != 0) back[k++] = base[i];
        gens.restoreIndexes(Generations.GARBAGE);
        for (int i = 0; i < k; i++) {
            gens.remove(back[i]);
            gens.add(target, back[i]);
            if (finalization.isFinalized(back[i])) finalization.countResurrected(); // as tracing counts it
        }
    }

    /** Moves every object of the garbage list reachable from {@code roots} there to {@code target}; returns how many. */
    long rescueReachable(long[] roots, int count, int target) {
        long moved = 0;
        LongStack work = new LongStack(16);
        for (int r = 0; r < count; r++) {
            if (gens.listOf(roots[r]) != Generations.GARBAGE) continue;
            gens.remove(roots[r]);
            gens.add(target, roots[r]);
            moved++;
            work.push(roots[r]);
            while (!work.isEmpty()) {
                long obj = work.pop();
                for (int s = 0, slots = scanner.slotCount(obj); s < slots; s++) {
                    long child = scanner.slotValue(obj, s);
                    if (child != 0 && gens.listOf(child) == Generations.GARBAGE) {
                        gens.remove(child);
                        gens.add(target, child);
                        moved++;
                        work.push(child);
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

    /**
     * update_refs, subtract_refs and the reachable marks over collector list {@code list}; true if
     * any candidate is reachable. The entries stay in scratch form for the caller's partition; if
     * anything throws meanwhile they are restored first, so the lists stay consistent.
     */
    private boolean reachability(long[] base, int n, int list) {
        try {
            updateAndSubtractRefs(base, n, list);
            return markReachableFromOutside(base, n, list) > 0;
        } catch (RuntimeException | Error e) {
            gens.restoreIndexes(list);
            throw e;
        }
    }

    /** update_refs and subtract_refs: each candidate's entry gets gc_refs = its count minus the references from other candidates. */
    private void updateAndSubtractRefs(long[] base, int n, int list) {
        markCandidatePages(base, n, true);
        int tag = list << Generations.INDEX_BITS;
        for (int i = 0; i < n; i++) {
            long c = counts.isSaturated(base[i]) ? REFS_MAX : Math.min(counts.get(base[i]), REFS_MAX);
            gens.setRaw(base[i], tag | (int) c);
        }
        ObjectScanner sc = scanner;
        for (int i = 0; i < n; i++) {
            sc.begin(base[i]);
            for (long slot = sc.next(); slot != 0; slot = sc.next()) subtract(memory.getLong(slot), tag);
        }
    }

    private void subtract(long ref, int tag) {
        if (ref == 0 || !onCandidatePage(ref)) return;
        int e = gens.raw(ref);
        if ((e & LIST_MASK) != tag) return;
        int c = e & REFS_MASK;
        if (c != REFS_MAX && c > 0) gens.setRaw(ref, e - 1); // a count below the internal references stays at 0
    }

    /**
     * Marks what is reachable from outside the list; clears the candidate pages set by
     * {@link #updateAndSubtractRefs}. Returns how many candidates it marked.
     */
    private int markReachableFromOutside(long[] base, int n, int list) {
        try {
            return markReachable(base, n, list << Generations.INDEX_BITS);
        } finally {
            markCandidatePages(base, n, false);
        }
    }

    /** move_unreachable's partition: every candidate with gc_refs > 0, and all it reaches among the candidates, gets the reachable bit. */
    private int markReachable(long[] base, int n, int tag) {
        ObjectScanner sc = scanner;
        int sp = 0, marked = 0;
        for (int i = 0; i < n; i++) {
            int e0 = gens.raw(base[i]);
            if ((e0 & REFS_MASK) == 0 || (e0 & REACHABLE) != 0) continue;
            gens.setRaw(base[i], e0 | REACHABLE);
            stack = push(stack, sp++, base[i]);
            while (sp > 0) {
                long obj = stack[--sp];
                marked++;
                sc.begin(obj);
                for (long slot = sc.next(); slot != 0; slot = sc.next()) {
                    long child = memory.getLong(slot);
                    if (claim(child, tag)) stack = push(stack, sp++, child);
                }
            }
        }
        return marked;
    }

    /** Sets the reachable bit of {@code ref} if it is a candidate without it; true if it did. */
    private boolean claim(long ref, int tag) {
        if (ref == 0 || !onCandidatePage(ref)) return false;
        int e = gens.raw(ref);
        if ((e & LIST_MASK) != tag || (e & REACHABLE) != 0) return false;
        gens.setRaw(ref, e | REACHABLE);
        return true;
    }

    private static long[] push(long[] stack, int at, long v) {
        if (at == stack.length) stack = java.util.Arrays.copyOf(stack, at * 2);
        stack[at] = v;
        return stack;
    }

}
