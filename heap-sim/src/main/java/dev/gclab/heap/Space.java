package dev.gclab.heap;

import dev.gclab.heap.span.PageHeap;
import dev.gclab.heap.span.SizeClasses;
import dev.gclab.heap.span.Span;

/**
 * A space: a set of spans that one collector policy manages (mark in place, copy, a nursery, a large
 * object space), with allocation state and accounting of its own. Every span belongs to exactly one
 * space. A collector declares its spaces when it creates the heap ({@link Heap#defineSpace}); a heap
 * always has space 0, {@value Heap#MAIN_SPACE}, where the mutator allocates unless the collector
 * says otherwise ({@link Heap#setMutatorSpace}).
 *
 * <p>A space may <em>reserve</em> a contiguous address range: its spans are then carved only from that
 * range, and no other space's spans are carved from it, so "is this address in the space?" is one
 * unsigned comparison ({@link #contains}) — what a generational barrier wants for its nursery. Other
 * spaces take pages anywhere. The one exception: a span a collector moved to another space in place
 * ({@link Heap#transferSpan}, a nursery span promoted with its pinned objects) stays in the range until
 * it is freed, so a collector that transfers spans must check {@code span.space} where it matters.
 *
 * <p>Allocation state (as in {@link Heap}): per span class a current span and a list of partly free
 * spans. Accounting: bytes in use (slot sizes of its objects), the peak of that, the pages its spans
 * hold, and what collectors copied into it (never counted as mutator allocation).
 */
public final class Space {
    static final int SPAN_CLASSES = SizeClasses.COUNT << 1;

    /** Small id (0 .. {@link Heap#MAX_SPACES} - 1), also stored in each of its spans. */
    public final int id;
    public final String name;
    /** The reserved range, or null. */
    final PageHeap.Range range;
    /** {@code [start, end)}: the reserved addresses ({@code start == end == 0} when nothing is reserved). */
    public final long start, end;

    final Span[] current = new Span[SPAN_CLASSES];
    final Span[][] partial = new Span[SPAN_CLASSES][];
    final int[] partialCount = new int[SPAN_CLASSES];

    /**
     * Lazy sweeping ({@link Heap#beginLazySweep}): the space's sweep generation; per span class its swept
     * spans (every span, between lazy sweeps) and its unswept ones. Beginning a lazy sweep swaps the two
     * lists of each class (Go's swept and unswept span sets), so it costs per class, not per span.
     */
    int sweepGen;
    Span[][] swept = new Span[SPAN_CLASSES][];
    final int[] sweptCount = new int[SPAN_CLASSES];
    Span[][] unswept = new Span[SPAN_CLASSES][];
    final int[] unsweptCount = new int[SPAN_CLASSES];
    int unsweptTotal;
    /** The span class the collector's bounded sweep steps take spans from until its list is empty. */
    int sweepCursor;
    Heap.SpanSweeper sweeper;

    long inUseBytes;
    long peakInUseBytes;
    long spanBytes;
    long copiedBytes;
    long objectsCopied;

    Space(int id, String name, PageHeap.Range range) {
        this.id = id;
        this.name = name;
        this.range = range;
        this.start = range == null ? 0 : range.start();
        this.end = range == null ? 0 : range.end();
        for (int i = 0; i < SPAN_CLASSES; i++) partial[i] = new Span[4];
    }

    /** True if {@code address} lies in this space's reserved range (always false without one). */
    public boolean contains(long address) { return Long.compareUnsigned(address - start, end - start) < 0; }

    public boolean isReserved() { return range != null; }
    /** Bytes of the slots of the objects in use in this space. */
    public long inUseBytes() { return inUseBytes; }
    /** The highest {@link #inUseBytes} seen (sampled before sweeps, frees and collections). */
    public long peakInUseBytes() { return Math.max(peakInUseBytes, inUseBytes); }
    /** Bytes of the pages this space's spans hold now. */
    public long spanBytes() { return spanBytes; }
    /** Bytes reserved for this space (0 if it reserves nothing). */
    public long reservedBytes() { return end - start; }
    /** The sweep generation: how many lazy sweeps of this space have begun (a span swept for the latest has the same). */
    public int sweepGeneration() { return sweepGen; }
    /** Spans of this space a lazy sweep has not reached yet (0 when none is pending). */
    public int unsweptSpans() { return unsweptTotal; }
    /** Memory this space holds: its reservation, or the pages of its spans. */
    public long committedBytes() { return range != null ? end - start : spanBytes; }
    /** Bytes collectors copied into this space (objects moved here). */
    public long copiedBytes() { return copiedBytes; }
    public long objectsCopied() { return objectsCopied; }

    void samplePeak() { if (inUseBytes > peakInUseBytes) peakInUseBytes = inUseBytes; }

    @Override
    public String toString() {
        return "space " + id + " '" + name + "'" + (range != null ? String.format(" [0x%x..0x%x)", start, end) : "");
    }
}
