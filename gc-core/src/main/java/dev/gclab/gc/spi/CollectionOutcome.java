package dev.gclab.gc.spi;

/**
 * What one collection found, in the terms of CPython's {@code gc} module, the same way for every
 * collector (so a tracing collector can say what {@code gc.collect()} would have returned).
 *
 * <p>{@code rc} counts what CPython counts: tracked containers (and weak references that die when the
 * collector lets go of them). Tracing collectors count every object the collection covered.
 *
 * @param generation    the generation collected (CPython's 0..2; 2 for a full collection, 0 for a young one)
 * @param unreachable   objects found unreachable before finalizers ran
 * @param collected     objects freed (CPython's m: unreachable minus resurrected, minus uncollectable)
 * @param uncollectable objects kept by legacy finalizers and everything they reach (CPython's n)
 */
public record CollectionOutcome(int generation, long unreachable, long collected, long uncollectable) {
    public static final CollectionOutcome NONE = new CollectionOutcome(-1, 0, 0, 0);

    /** What {@code gc.collect()} returns: collected + uncollectable. */
    public long returned() { return collected + uncollectable; }
}
