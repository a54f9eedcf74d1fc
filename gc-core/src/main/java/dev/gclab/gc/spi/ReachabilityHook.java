package dev.gclab.gc.spi;

/**
 * Runs after a tracing collector has found everything reachable and before it frees anything: the
 * place where finalization (find unreachable finalizable objects, run finalizers, keep what they
 * resurrect) and weak references (clear those whose referent dies) plug in, the same way for every
 * tracing collector — full or partial, moving or not.
 */
@FunctionalInterface
public interface ReachabilityHook {
    /** @param marking the collector's view of the finished trace; may keep more objects alive */
    void afterMarking(Marking marking);

    /**
     * What a hook may ask and do between the trace and the freeing. Addresses given are current ones
     * (as roots, slots and the hook's own records hold them); a moving collector may answer a new
     * address from {@link #currentAddress}.
     */
    interface Marking {
        /**
         * True if {@code obj} lies in a space this collection covers: only such objects can be garbage
         * in it. A full collection covers every object; a young one only the young space.
         */
        boolean inCollection(long obj);

        /** True if {@code obj} survives this collection: it was reached, or it lies outside the collection. */
        boolean isLive(long obj);

        /**
         * Where the live object {@code obj} will be after this collection: {@code obj} itself unless a
         * moving collector copied it.
         */
        long currentAddress(long obj);

        /**
         * Keeps {@code obj} and everything it reaches alive in this collection (resurrection, legacy
         * finalizers, objects kept for a later collection); returns its current address.
         */
        long retain(long obj);

        /**
         * Before finalizers run: makes the references of the garbage object {@code obj}, and of the
         * garbage it reaches, point at the current addresses of live objects, so a finalizer sees
         * everything it references intact. Nothing to do for a collector that does not move objects.
         */
        default void fixReferences(long obj) {}

        /**
         * Called after finalizers or callbacks ran: keeps every object they resurrected. Resurrected
         * means reachable now from the roots, from an object that was live when the trace finished, or
         * from an object allocated since; so garbage that a finalizer or callback made out of live
         * objects waits for the next collection (CPython's rule: it was not in this collection's
         * unreachable set).
         */
        void remark();
    }
}
