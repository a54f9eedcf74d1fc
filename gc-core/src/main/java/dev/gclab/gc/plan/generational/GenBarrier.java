package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.span.PageHeap;

/**
 * The generational write barrier, run after every reference store ({@code Mutator.setRef}), split as
 * MMTk splits its barriers: a <em>fast path</em> small enough to inline into the store, which filters
 * out every store that cannot make an old→young reference, and an out-of-line <em>slow path</em> that
 * records the store in the {@link RememberedSet}. The filter is exact in the direction that matters: a
 * store of a young reference into an old object always reaches the remembered set.
 *
 * <ul>
 *   <li>{@link Nursery} (the copying nursery): the young objects are those in the nursery's reserved
 *       address range, so "is the new value young?" is one unsigned range compare, and a null or old
 *       value (the common case: old→old, initialisation with old data) returns at once. A young value
 *       stored into a young object (the range compare again) returns too — unless spans promoted in place
 *       (pinned or large nursery objects, now old) lie in the range; then the slow path asks the span.</li>
 *   <li>{@link Sticky} ({@code nursery=sticky}): no range tells the young; a young object is one whose
 *       sticky mark is clear. The filter reads the new value's mark (a side-bitmap bit or a header bit),
 *       then the object's.</li>
 * </ul>
 */
abstract class GenBarrier {
    final RememberedSet remset;
    /** Stores that reached the slow path (old→young). */
    long slowPathCalls;

    GenBarrier(RememberedSet remset) { this.remset = remset; }

    /** The barrier for a store of {@code value} into {@code slot} of {@code obj} (after the store). */
    abstract void writeBarrier(long obj, long slot, long value);

    /** The copying nursery's barrier. */
    static final class Nursery extends GenBarrier {
        private final long start, size;
        private final int youngId;
        private final PageHeap pages;
        /** True while spans promoted in place (old) lie in the young range: the range alone no longer tells a young source. */
        boolean oldInRange;

        Nursery(Heap heap, Space young, RememberedSet remset) {
            super(remset);
            this.start = young.start;
            this.size = young.end - young.start;
            this.youngId = young.id;
            this.pages = heap.pages();
        }

        @Override
        void writeBarrier(long obj, long slot, long value) {
            if (Long.compareUnsigned(value - start, size) >= 0) return; // null or an old value: one compare
            if (Long.compareUnsigned(obj - start, size) < 0 && !oldInRange) return; // young → young
            slowPath(obj, slot, value);
        }

        private void slowPath(long obj, long slot, long value) {
            if (oldInRange) {
                if (pages.spanOfHeapAddress(value).space != youngId) return; // an old object promoted in place
                if (Long.compareUnsigned(obj - start, size) < 0 && pages.spanOfHeapAddress(obj).space == youngId) return;
            }
            slowPathCalls++;
            remset.record(obj, slot);
        }
    }

    /** The sticky variant's barrier: young means unmarked. */
    static final class Sticky extends GenBarrier {
        private final MarkSpace marks;

        Sticky(MarkSpace marks, RememberedSet remset) {
            super(remset);
            this.marks = marks;
        }

        @Override
        void writeBarrier(long obj, long slot, long value) {
            if (value == 0 || marks.isMarked(value)) return; // null or an old value
            if (!marks.isMarked(obj)) return; // a young source
            slowPath(obj, slot);
        }

        private void slowPath(long obj, long slot) {
            slowPathCalls++;
            remset.record(obj, slot);
        }
    }
}
