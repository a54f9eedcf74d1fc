package dev.gclab.gc.plan.rc;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.gc.trace.ObjectScanner;

/**
 * What happens to the cyclic garbage a detection found, CPython's steps after deduce_unreachable:
 * legacy finalizers make garbage uncollectable (move_legacy_finalizers), weak references are cleared
 * and the callbacks of those outside the garbage run (handle_weakrefs), finalizers run
 * (finalize_garbage), and the garbage is deleted through the count barrier (delete_garbage) — or,
 * under {@code DEBUG_SAVEALL}, kept in {@code gc.garbage}. Resurrection is the detector's
 * reachability run again over the garbage ({@link CycleDetector}).
 */
final class CycleGarbage {
    private final HeapMemory memory;
    private final RefCounts counts;
    private final Generations gens;
    private final CycleDetector detector;
    private final CountDeaths deaths;
    private final Finalization finalization;
    private final ObjectScanner scanner;
    private final int weakrefLayout;
    private final LongStack queue = new LongStack(64);
    private final LongStack finalizable = new LongStack(64);

    /** What the weak-reference and finalizer step did: whether any code ran, and weak references freed when dropped. */
    record Callbacks(boolean ran, long weakRefsFreed) {}

    CycleGarbage(Heap heap, RefCounts counts, Generations gens, CycleDetector detector, CountDeaths deaths, Finalization finalization) {
        this.memory = heap.memory();
        this.counts = counts;
        this.gens = gens;
        this.detector = detector;
        this.deaths = deaths;
        this.finalization = finalization;
        this.scanner = new ObjectScanner(heap);
        this.weakrefLayout = finalization.weakRefLayout();
    }

    /**
     * move_legacy_finalizers: objects with legacy finalizers, and everything they reach in the garbage,
     * leave it for {@code survivorList}. The legacy objects (all of them under SAVEALL) are listed in
     * {@link Finalization#garbage()}, which holds a count on each.
     *
     * @return the number of objects made uncollectable (CPython's n)
     */
    long moveLegacyFinalizers(int survivorList) {
        if (!finalization.isActive()) return 0; // nothing registered: no pass over the garbage
        int n = gens.size(Generations.GARBAGE);
        long[] list = gens.array(Generations.GARBAGE);
        long[] legacy = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) if (finalization.isLegacy(list[i])) legacy[k++] = list[i];
        if (k == 0) return 0;
        int from = gens.slots(survivorList);
        long moved = detector.rescueReachable(legacy, k, survivorList);
        for (int i = from, end = gens.slots(survivorList); i < end; i++) {
            long obj = gens.at(survivorList, i);
            if (obj != 0 && (finalization.saveAll() || finalization.isLegacy(obj))) keepInGarbageList(obj);
        }
        finalization.countUncollectable(moved);
        return moved;
    }

    private void keepInGarbageList(long obj) {
        finalization.addGarbage(obj);
        counts.increment(obj);
    }

    /**
     * handle_weakrefs and finalize_garbage: weak references that are garbage are cleared without
     * callbacks; weak references to garbage are cleared and, if they are not garbage themselves, their
     * callbacks run (newest first per referent, after all clearing; a weak reference that dies when the
     * collector drops its hold on it is counted as collected); then every unfinalized finalizer of the
     * garbage runs once, with the garbage graph intact.
     */
    Callbacks weakRefsAndFinalizers() {
        if (!finalization.isActive()) return new Callbacks(false, 0); // no finalizer, no weak reference
        int n = gens.size(Generations.GARBAGE);
        long[] garbage = java.util.Arrays.copyOf(gens.array(Generations.GARBAGE), n);
        queue.clear();
        finalizable.clear();
        for (long obj : garbage) {
            if (ObjectModel.layoutId(memory.getLong(obj)) == weakrefLayout) finalization.clearGarbageWeakRef(obj);
        }
        LongStack cleared = new LongStack(8);
        for (long obj : garbage) {
            if (!finalization.hasFlags(obj)) continue;
            cleared.clear();
            finalization.clearWeakRefsTo(obj, cleared);
            for (int i = 0; i < cleared.size(); i++) {
                long w = cleared.get(i);
                if (gens.listOf(w) != Generations.GARBAGE) queue.push(w);
            }
            if (finalization.needsFinalizer(obj)) finalizable.push(obj);
        }
        for (int i = 0; i < queue.size(); i++) counts.increment(queue.get(i));
        for (int i = 0; i < queue.size(); i++) finalization.callback(queue.get(i));
        long freed = 0;
        for (int i = 0; i < queue.size(); i++) {
            long w = queue.get(i);
            if (counts.decrement(w) == 0) {
                deaths.release(w);
                freed++;
            }
        }
        long[] order = finalization.inFinalizationOrder(finalizable.toArray(), o -> gens.listOf(o) == Generations.GARBAGE);
        for (long obj : order) {
            if (gens.listOf(obj) != Generations.GARBAGE || !finalization.needsFinalizer(obj)) continue;
            counts.increment(obj);
            finalization.finalizeNow(obj);
            deaths.decrement(obj);
        }
        return new Callbacks(!queue.isEmpty() || order.length > 0, freed);
    }

    /**
     * delete_garbage: every garbage object's reference slots are cleared through the count barrier, in
     * list order, which frees objects whose count reaches zero (garbage ones included, so later entries
     * may already be gone); an object still alive afterwards (a saturated count) moves to
     * {@code survivorList}. Under SAVEALL the garbage is kept instead: listed in
     * {@link Finalization#garbage()} and moved to {@code survivorList}, its references intact.
     */
    void deleteOrSave(int survivorList) {
        int n = gens.size(Generations.GARBAGE);
        long[] garbage = java.util.Arrays.copyOf(gens.array(Generations.GARBAGE), n);
        if (finalization.saveAll()) {
            for (long obj : garbage) {
                gens.remove(obj);
                gens.add(survivorList, obj);
                keepInGarbageList(obj);
            }
            return;
        }
        gens.discardGarbage(true);
        try {
            for (long obj : garbage) {
                if (gens.listOf(obj) != Generations.GARBAGE) continue; // freed by count meanwhile
                clearReferences(obj);
                if (gens.listOf(obj) == Generations.GARBAGE) {
                    gens.remove(obj);
                    gens.add(survivorList, obj);
                }
            }
        } finally {
            gens.discardGarbage(false);
        }
    }

    /** tp_clear: clears every reference slot of {@code obj} through the count barrier, stopping if {@code obj} dies. */
    private void clearReferences(long obj) {
        for (int s = 0, n = scanner.slotCount(obj); s < n; s++) {
            long slot = scanner.slotAddress(obj, s);
            long child = memory.getLong(slot);
            if (child == 0) continue;
            memory.setLong(slot, 0);
            deaths.decrement(child);
            if (gens.listOf(obj) != Generations.GARBAGE) return;
        }
    }
}
