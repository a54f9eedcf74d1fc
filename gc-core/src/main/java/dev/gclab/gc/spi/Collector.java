package dev.gclab.gc.spi;

import dev.gclab.gc.stats.GcStats;
import dev.gclab.heap.GcHooks;
import dev.gclab.heap.Heap;

/**
 * A garbage collector for one {@link Heap}. It is the mutator's {@link GcHooks} (allocation slow
 * paths and barriers) and offers the collection entry points every experiment drives.
 *
 * <p>How the five collectors of gclab plug in:
 * <ul>
 *   <li><b>marksweep</b>: no barrier; {@link #collect} marks from roots and handles and sweeps span bitmaps.</li>
 *   <li><b>rc</b> (reference counting + cycle detector): barrier {@link BarrierKind#REFCOUNT} through
 *       {@link GcHooks#writeBarrier}, {@link GcHooks#rootBarrier} and the handle hooks; frees at count
 *       zero inside the barrier; {@link #collectYoung} and {@link #collect} run the cycle detector on
 *       generation 0 or all generations.</li>
 *   <li><b>incremental</b>: barrier SATB or incremental update; {@link #incrementalStep} marks a bounded
 *       amount of work; allocation polls it.</li>
 *   <li><b>generational</b>: barrier {@link BarrierKind#GENERATIONAL} (card table as a side table);
 *       {@link #collectYoung} traces from roots and remembered cards only.</li>
 *   <li><b>moving</b>: {@link Constraints#movesObjects()}; updates roots and handle entries; pinned slots
 *       (span pin bits) stay put.</li>
 * </ul>
 * Finalization and weak references attach through {@link ReachabilityHook}s that a tracing
 * collector runs between marking and sweeping.
 */
public interface Collector extends GcHooks, AutoCloseable {
    /** The heap this collector manages. */
    Heap heap();

    Constraints constraints();

    /** Statistics: pauses, cycles, times. Work counters are in {@code heap().counters()}. */
    GcStats stats();

    /** A full, stop-the-world collection. */
    void collect(GcCause cause);

    /** A young collection; a collector without generations does a full one. */
    default void collectYoung(GcCause cause) { collect(cause); }

    /**
     * Does about {@code workBudget} units of collection work (objects scanned). A collector that is
     * not incremental does a full collection.
     *
     * @return true if a whole cycle completed with this step
     */
    default boolean incrementalStep(long workBudget) {
        collect(GcCause.EXPLICIT);
        return true;
    }

    /**
     * Counters that only this collector has (e.g. pages dirtied by count updates, per-generation
     * statistics), by snake_case name, in a fixed order. Deterministic for a given seed.
     */
    default java.util.Map<String, Long> collectorCounters() { return java.util.Map.of(); }

    /** What the last collection found (unreachable, collected, uncollectable), or {@link CollectionOutcome#NONE}. */
    CollectionOutcome lastCollection();

    /** Finalizers and weak references on this collector's heap. */
    dev.gclab.gc.finalize.Finalization finalization();

    /**
     * Empties {@code finalization().garbage()} ({@code del gc.garbage[:]}): the objects kept there by
     * legacy finalizers or SAVEALL lose that reference and die when nothing else holds them.
     */
    default void clearGarbage() { finalization().takeGarbage(); }

    /** Registers a hook run after each marking (tracing collectors). */
    void addReachabilityHook(ReachabilityHook hook);

    /** Runs the live {@code withFinalizer} cleanups (reverse creation order). Call before closing the heap. */
    @Override
    default void close() { finalization().close(); }
}
