package dev.gclab.gc.finalize;

/** Called with a weak reference object after its referent died; the weak reference is already cleared. */
@FunctionalInterface
public interface WeakRefCallback {
    void cleared(long weakref);
}
