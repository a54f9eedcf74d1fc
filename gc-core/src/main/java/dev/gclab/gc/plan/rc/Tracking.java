package dev.gclab.gc.plan.rc;

import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.object.TrackingRule;
import dev.gclab.gc.trace.ObjectScanner;

/**
 * CPython's rules for which containers the cycle detector tracks (§1.8 of its GC design): tuple-like
 * layouts are untracked by a collection that finds none of their items may be tracked; dict-like
 * layouts start untracked, are tracked when an item that may be tracked is stored into them, and are
 * untracked again by a full collection that finds none. "May be tracked" is CPython's
 * {@code _PyObject_GC_MAY_BE_TRACKED}: a container that is not a tuple, or a tracked tuple. Costs
 * nothing unless such layouts are registered.
 */
final class Tracking {
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final Generations gens;
    private final ObjectScanner scanner;
    private final int weakrefLayout;

    Tracking(Heap heap, Generations gens, int weakrefLayout) {
        this.memory = heap.memory();
        this.layouts = heap.layouts();
        this.gens = gens;
        this.scanner = new ObjectScanner(heap);
        this.weakrefLayout = weakrefLayout;
    }

    boolean active() { return layouts.hasTupleLayouts() || layouts.hasDictLayouts(); }

    boolean isContainer(int lid) { return !layouts.isNoScan(lid) || lid == weakrefLayout; }

    /** True if a new object of layout {@code lid} is tracked at creation. */
    boolean trackedAtCreation(int lid) { return isContainer(lid) && layouts.tracking(lid) != TrackingRule.DICT; }

    boolean mayBeTracked(long obj) {
        int lid = ObjectModel.layoutId(memory.getLong(obj));
        return isContainer(lid) && (layouts.tracking(lid) != TrackingRule.TUPLE || gens.isTracked(obj));
    }

    /** The count barrier stored {@code value} into {@code obj}: an untracked dict that gets an item that may be tracked is tracked. */
    void stored(long obj, long value) {
        if (layouts.tracking(ObjectModel.layoutId(memory.getLong(obj))) != TrackingRule.DICT || gens.isTracked(obj)) return;
        if (mayBeTracked(value)) gens.add(0, obj);
    }

    /** After a collection: survivors at positions {@code from..} of {@code list} are untracked where the rules say so. */
    void untrackSurvivors(int list, int from, boolean full) {
        for (int i = from, n = gens.slots(list); i < n; i++) {
            long obj = gens.at(list, i);
            if (obj == 0) continue;
            TrackingRule rule = layouts.tracking(ObjectModel.layoutId(memory.getLong(obj)));
            if (rule == TrackingRule.TUPLE || (rule == TrackingRule.DICT && full)) {
                if (!anyItemMayBeTracked(obj)) gens.remove(obj);
            }
        }
    }

    private boolean anyItemMayBeTracked(long obj) {
        scanner.begin(obj);
        for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
            long item = memory.getLong(slot);
            if (item != 0 && mayBeTracked(item)) return true;
        }
        return false;
    }
}
