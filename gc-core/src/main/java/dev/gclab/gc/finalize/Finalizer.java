package dev.gclab.gc.finalize;

/**
 * A PEP 442 finalizer ({@code __del__}): called at most once, with the object, while everything it
 * references is still intact. It may resurrect the object by storing it where the mutator can reach
 * it again. Exceptions go to the {@link UnraisableHook}.
 */
@FunctionalInterface
public interface Finalizer {
    void finalize(long obj);
}
