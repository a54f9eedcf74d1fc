package dev.gclab.gc.finalize;

/**
 * The handle of a {@link Finalization#withFinalizer} registration ({@code weakref.finalize}): its
 * cleanup runs at most once — when the object dies, when {@link #call()} is used, or at heap close —
 * and never after {@link #detach()}.
 */
public final class FinalizeHandle {
    private final Finalization owner;
    final Runnable cleanup;
    final long weakref;
    final int handle;
    final long sequence;
    boolean alive = true;

    FinalizeHandle(Finalization owner, Runnable cleanup, long weakref, int handle, long sequence) {
        this.owner = owner;
        this.cleanup = cleanup;
        this.weakref = weakref;
        this.handle = handle;
        this.sequence = sequence;
    }

    /** True until the cleanup ran or was detached. */
    public boolean isAlive() { return alive; }

    /** Runs the cleanup now if it has not run; returns whether it ran. */
    public boolean call() { return owner.runCleanup(this, "a withFinalizer cleanup (called early)"); }

    /** Cancels the cleanup; returns whether it was still pending. */
    public boolean detach() { return owner.detach(this); }
}
