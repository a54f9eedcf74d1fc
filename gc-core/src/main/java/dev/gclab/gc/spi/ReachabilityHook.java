package dev.gclab.gc.spi;

/**
 * Runs after a tracing collector has marked everything reachable and before it sweeps: the place
 * where finalization (find unreachable finalizable objects, run finalizers, mark again from them
 * to keep what they resurrect) and weak references (clear those whose referent is not marked) plug
 * in, the same way for every tracing collector.
 */
@FunctionalInterface
public interface ReachabilityHook {
    /** @param marking the collector's view of the finished marking; may mark more */
    void afterMarking(Marking marking);

    /** What a hook may ask and do during the marking pause. */
    interface Marking {
        /** True if {@code obj} was reached (it will survive the sweep). */
        boolean isMarked(long obj);

        /** Marks {@code obj} and everything it reaches (resurrection), to completion. */
        void markFrom(long obj);

        /**
         * Clears every mark and marks again from the roots: after finalizers or callbacks ran (they
         * may have stored garbage anywhere, allocated, or dropped references), this finds exactly
         * what is reachable now.
         */
        void remark();
    }
}
