package dev.gclab.gc.finalize;

/** The order in which one collection runs the finalizers of its garbage. */
public enum FinalizerOrder {
    /** CPython's: the order of the unreachable list (registration order here). */
    LIST,
    /**
     * Boehm/PyPy style: an object's finalizer runs before those of the finalizable objects it
     * reaches (referrers first), cycles broken arbitrarily.
     */
    TOPOLOGICAL
}
