package dev.gclab.gc.finalize;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The handle of a {@link Finalization#withFinalizer} registration ({@code weakref.finalize}): its
 * cleanup runs at most once — when the object dies, when {@link #call()} is used, or at heap close if
 * {@link #atexit()} — and never after {@link #detach()}.
 */
public final class FinalizeHandle {
    /** What {@link #detach()} and {@link #peek()} give: the watched object (valid until the next safe point) and the cleanup. */
    public record Registration(long object, Supplier<?> cleanup) {}

    private final Finalization owner;
    final Supplier<?> cleanup;
    final long sequence;
    boolean atexit;
    /** The registry's handle on the weak reference (0 until registered, or if the object died at once). */
    int handle;
    boolean alive = true;

    FinalizeHandle(Finalization owner, Supplier<?> cleanup, boolean atexit, long sequence) {
        this.owner = owner;
        this.cleanup = cleanup;
        this.atexit = atexit;
        this.sequence = sequence;
    }

    /** True until the cleanup ran or was detached. */
    public boolean isAlive() { return alive; }

    /** Whether the cleanup runs at heap close if it is still alive then ({@code finalize.atexit}). */
    public boolean atexit() { return atexit; }
    public void setAtexit(boolean on) { atexit = on; }

    /** Runs the cleanup now if it has not run; returns its result, or null if it did not run (as {@code finalize()} returns None). */
    public Object call() { return owner.runCleanup(this, "a withFinalizer cleanup (called early)"); }

    /** Cancels the cleanup; returns what was registered, or nothing if it had run or been detached already. */
    public Optional<Registration> detach() {
        long obj = owner.watched(this);
        if (!owner.detach(this)) return Optional.empty();
        return Optional.of(new Registration(obj, cleanup));
    }

    /** What is registered, or nothing if the cleanup ran or was detached ({@code finalize.peek()}). */
    public Optional<Registration> peek() {
        if (!alive) return Optional.empty();
        return Optional.of(new Registration(owner.watched(this), cleanup));
    }
}
