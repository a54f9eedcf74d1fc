package dev.gclab.heap;

/**
 * What the mutator calls in its collector: the allocation slow paths and the barriers. heap-sim
 * knows nothing of collection policy; gc-core's collectors implement this. Barriers run after the
 * store they guard and are given the old and the new value, which serves every barrier kind gclab
 * has: none (mark-and-sweep), reference counting (increment new, decrement old), card marking and
 * remembered sets (generational), incremental update or snapshot (incremental).
 */
public interface GcHooks {
    /** Called by an allocation when the heap's occupancy reached its collection trigger. */
    void pollCollection(long requestBytes);

    /** Called when the heap has no room for {@code requestBytes}; the collector should collect fully. */
    void collectForAllocation(long requestBytes);

    /** Called after an object was allocated and its header written. */
    default void postAlloc(long obj) {}

    /** Called after {@code newValue} was stored into reference slot {@code slotAddress} of {@code obj}. */
    default void writeBarrier(long obj, long slotAddress, long oldValue, long newValue) {}

    /** Called after a root (global or frame slot) changed from {@code oldValue} to {@code newValue}. */
    default void rootBarrier(long oldValue, long newValue) {}

    /**
     * A root's reference to {@code obj} was handed back to the mutator as a new object that nobody has
     * stored yet ({@code Mutator.popFrameReturning}): under reference counting it is uncounted without
     * dying, and lives until the next safe point unless the mutator stores it (CPython's "return a new
     * reference"). Collectors that do not count references ignore it.
     */
    default void rootReturned(long obj) { rootBarrier(obj, 0); }

    /** A handle to {@code obj} was created. */
    default void handleAcquired(long obj) {}

    /** The last count of a handle to {@code obj} was released. */
    default void handleReleased(long obj) {}

    /** Name of the collector, for error messages. */
    String name();

    /** Hooks that never collect: allocation fails when the heap is full. For heap-sim's own tests. */
    GcHooks NONE = new GcHooks() {
        @Override public void pollCollection(long requestBytes) {}
        @Override public void collectForAllocation(long requestBytes) {}
        @Override public String name() { return "none"; }
    };
}
