package dev.gclab.gc.policy;

import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.PageHeap;
import dev.gclab.heap.span.SizeClasses;
import dev.gclab.heap.span.Span;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * In-place compaction of one space, size class by size class, with pins (Ruby's {@code GC.compact} on
 * spans): the objects of the sparsest spans of a class move into the holes of its densest spans, and the
 * spans they leave are released to the page heap.
 *
 * <p>Algorithm. It runs on a swept space (every object in it is live; the collector marked, finalized
 * and swept first). For each span class (size class and scan kind; large objects never move) the spans
 * are sorted: spans holding a pinned object first — they can never be released, so their holes are the
 * first to fill — then the others from the densest to the sparsest. Two fingers walk the sorted list: the
 * destination finger from the front (the first span with a free slot), the source finger from the back
 * (the sparsest span). A source is evacuated only if all its objects fit in the free slots between the
 * fingers, so every span the compaction touches as a source is released, and none is left half-moved;
 * the walk stops when the fingers meet, at a span that does not fit, or at a pinned span (a pinned span
 * is never a source: its objects, pinned or not, stay). The greedy result is optimal for the class:
 * {@code max(P, ceil(live / slots per span))} spans are left, P being the spans with a pinned object —
 * so {@link #spansKeptByPins} (the spans left beyond {@code ceil(live / slots per span)}) is exactly
 * what the pins cost.
 *
 * <p>Forwarding. A moved object's old slot gets a forwarding header ({@link ObjectModel#forwardingHeader},
 * as {@code copying} uses), not a side-table entry: the old slot is dead memory until its span is
 * released, so the forwarding address costs nothing (a dense side table would take 8 bytes per 16-byte
 * granule of the whole heap, a sparse one a block per source span); Ruby does the same (its
 * {@code T_MOVED} slot). The pages of the source spans are flagged in a bitmap of the committed pages
 * (one bit per 8 KiB page: 16 KiB for a GiB, small enough to stay in cache), so {@link #forward} reads a
 * header only for references into them: one bit test for every other reference, no span look-up. The collector then updates every root, slot, handle entry and the finalization service's
 * records with {@link #forward}, and {@link #finish()} releases the emptied spans.
 *
 * <p>Fragmentation is {@code 1 - live bytes / bytes of the space's spans}, live bytes counted as the
 * objects' slots (size-class rounding is not what compaction can fix).
 */
public final class CompactSpace {
    private static final int SPAN_CLASSES = SizeClasses.COUNT << 1;
    private static final long MAX_COUNT = (1L << 20) - 1;

    private final Heap heap;
    private final HeapMemory memory;
    private final PageHeap pages;
    /** One bit per committed page: set for the pages of the spans being evacuated (between {@link #compact} and {@link #finish}). */
    private long[] evacuatedPages = new long[0];
    private final WorkCounters counters;
    private final Space space;

    /** The last compaction's figures ({@link #compact}, {@link #finish}). */
    public long objectsMoved, bytesMoved, sourceSpans, spansReleased, spansWithPins, spansKeptByPins;

    /** Per span class, the last compaction: spans before, spans with a pin, live objects, the minimum spans, spans after. */
    private final int[] spansBefore = new int[SPAN_CLASSES], pinnedSpans = new int[SPAN_CLASSES],
        minSpans = new int[SPAN_CLASSES], spansAfter = new int[SPAN_CLASSES];
    private final long[] liveObjects = new long[SPAN_CLASSES];

    public CompactSpace(Heap heap, Space space) {
        this.heap = heap;
        this.memory = heap.memory();
        this.pages = heap.pages();
        this.counters = heap.counters();
        this.space = space;
    }

    public Space space() { return space; }

    /** {@code 1 - live bytes / span bytes} of the space, 0 for a space with no spans. */
    public double fragmentation() {
        long spanBytes = space.spanBytes();
        return spanBytes == 0 ? 0 : 1.0 - (double) space.inUseBytes() / spanBytes;
    }

    /**
     * Moves objects out of the sparsest spans of each class into the holes of the densest, leaving a
     * forwarding header in each old slot and the source spans flagged {@link Span#GC_EVACUATE} until
     * {@link #finish()}. The space must be swept (every object in it live) and nothing may allocate until
     * {@link #finish()}: this begins a sweep of the space (no span is current for allocation).
     *
     * @return the number of objects moved
     */
    public long compact() {
        heap.beginSweep(space);
        int words = (pages.committedPages() + 63) >>> 6;
        if (evacuatedPages.length < words) evacuatedPages = new long[words];
        objectsMoved = bytesMoved = sourceSpans = spansReleased = spansWithPins = spansKeptByPins = 0;
        Arrays.fill(spansBefore, 0);
        Arrays.fill(pinnedSpans, 0);
        Arrays.fill(minSpans, 0);
        Arrays.fill(spansAfter, 0);
        Arrays.fill(liveObjects, 0);
        // Counting sort of the space's small spans by span class.
        int n = heap.spanCount();
        int[] start = new int[SPAN_CLASSES + 1];
        for (int i = 0; i < n; i++) {
            Span s = heap.span(i);
            if (s.space == space.id && s.sizeClass != 0) start[classOf(s) + 1]++;
        }
        for (int c = 0; c < SPAN_CLASSES; c++) start[c + 1] += start[c];
        Span[] byClass = new Span[start[SPAN_CLASSES]];
        int[] fill = Arrays.copyOf(start, SPAN_CLASSES);
        for (int i = 0; i < n; i++) {
            Span s = heap.span(i);
            if (s.space == space.id && s.sizeClass != 0) byClass[fill[classOf(s)]++] = s;
        }
        long[] keys = new long[0];
        Span[] sorted = new Span[0];
        for (int c = 0; c < SPAN_CLASSES; c++) {
            int m = start[c + 1] - start[c];
            if (m == 0) continue;
            if (keys.length < m) {
                keys = new long[m];
                sorted = new Span[m];
            }
            // Key: pinned spans first, then by live objects, densest first; the low 32 bits keep the span.
            for (int k = 0; k < m; k++) {
                Span s = byClass[start[c] + k];
                long pinned = s.hasPins() ? 0 : 1;
                keys[k] = (pinned << 52) | ((MAX_COUNT - s.allocCount) << 32) | k;
            }
            Arrays.sort(keys, 0, m);
            for (int k = 0; k < m; k++) sorted[k] = byClass[start[c] + (int) keys[k]];
            compactClass(c, sorted, m);
        }
        return objectsMoved;
    }

    private static int classOf(Span s) { return (s.sizeClass << 1) | (s.noScan ? 1 : 0); }

    /** The two fingers over one class's spans, sorted pinned first, then densest first. */
    private void compactClass(int c, Span[] l, int m) {
        int nelems = l[0].nelems;
        long live = 0, free = 0;
        int pinned = 0;
        for (int i = 0; i < m; i++) {
            live += l[i].allocCount;
            free += l[i].nelems - l[i].allocCount;
            if (l[i].hasPins()) pinned++;
        }
        int d = 0, s = m - 1;
        int dSlot = 0;
        long avail = free - (l[s].nelems - l[s].allocCount); // free slots before the source finger
        while (d < s) {
            Span src = l[s];
            if (src.hasPins() || src.allocCount > avail) break;
            avail -= src.allocCount;
            // Every live object of src moves to the next free slot at or after the destination finger.
            long[] alloc = src.allocBits;
            for (int w = 0; w < alloc.length; w++) {
                for (long bits = alloc[w]; bits != 0; bits &= bits - 1) {
                    int idx = (w << 6) + Long.numberOfTrailingZeros(bits);
                    int to;
                    while ((to = nextFree(l[d], dSlot)) < 0) {
                        l[d].rewind();
                        if (++d >= s) throw new IllegalStateException("compaction: no free slot left before the source span " + src);
                        dSlot = 0;
                    }
                    Span dst = l[d];
                    long now = heap.moveObject(src, idx, dst, to);
                    src.segment.set(ValueLayout.JAVA_LONG, src.segmentOffset + idx * src.elemSize, ObjectModel.forwardingHeader(now));
                    dSlot = to + 1;
                    objectsMoved++;
                    bytesMoved += src.elemSize;
                }
            }
            src.gcState = Span.GC_EVACUATE;
            int first = (int) ((src.base - HeapMemory.BASE) >>> SizeClasses.PAGE_SHIFT);
            for (int p = first; p < first + src.pages; p++) evacuatedPages[p >>> 6] |= 1L << p;
            sourceSpans++;
            s--;
            avail -= l[s].nelems - l[s].allocCount; // the next source candidate's holes are not destinations
        }
        l[d].rewind();
        int after = s + 1;
        int min = (int) ((live + nelems - 1) / nelems);
        spansBefore[c] = m;
        pinnedSpans[c] = pinned;
        liveObjects[c] = live;
        minSpans[c] = min;
        spansAfter[c] = after;
        spansWithPins += pinned;
        spansKeptByPins += Math.max(0, after - min);
    }

    /** The first free slot of {@code s} at or after {@code from}, or -1. */
    private static int nextFree(Span s, int from) {
        int nelems = s.nelems;
        if (from >= nelems) return -1;
        long[] alloc = s.allocBits;
        int w = from >>> 6;
        long free = ~alloc[w] & (-1L << from);
        while (free == 0) {
            if (++w >= alloc.length) return -1;
            free = ~alloc[w];
        }
        int idx = (w << 6) + Long.numberOfTrailingZeros(free);
        return idx < nelems ? idx : -1;
    }

    /**
     * Where {@code ref} is now: the forwarding address if it lies in a source span of the compaction in
     * progress, else {@code ref}.
     */
    public long forward(long ref) {
        int page = (int) ((ref - HeapMemory.BASE) >>> SizeClasses.PAGE_SHIFT);
        if ((evacuatedPages[page >>> 6] & (1L << page)) == 0) return ref;
        long h = memory.getLong(ref);
        return ObjectModel.isForwarded(h) ? ObjectModel.forwardee(h) : ref;
    }

    /**
     * Ends a compaction (after every reference was updated): the emptied source spans are released to
     * the page heap, the space's partly free spans are offered to allocation again, and occupancy is
     * recomputed.
     */
    public void finish() {
        long released = 0;
        for (int i = heap.spanCount() - 1; i >= 0; i--) {
            Span s = heap.span(i);
            if (s.space != space.id) continue;
            if (s.gcState == Span.GC_EVACUATE) {
                s.gcState = Span.GC_NONE;
                released++;
                counters.spansSwept++;
            }
            heap.sweptSpan(s, s.allocCount);
        }
        heap.finishSweep();
        java.util.Arrays.fill(evacuatedPages, 0L);
        spansReleased = released;
    }

    /**
     * One span class in the last compaction.
     *
     * @param sizeClass    the size class ({@link SizeClasses})
     * @param noScan       objects without references
     * @param slotBytes    the slot size
     * @param slotsPerSpan slots of one span
     * @param spansBefore  its spans before the compaction
     * @param pinnedSpans  of those, spans holding a pinned object (never released)
     * @param liveObjects  its objects
     * @param minSpans     {@code ceil(liveObjects / slotsPerSpan)}: the spans a compaction with no pins leaves
     * @param spansAfter   its spans after the compaction ({@code max(pinnedSpans, minSpans)})
     */
    public record ClassReport(int sizeClass, boolean noScan, long slotBytes, int slotsPerSpan, int spansBefore, int pinnedSpans,
                              long liveObjects, int minSpans, int spansAfter) {
        /** Spans kept only because of pins. */
        public int keptByPins() { return Math.max(0, spansAfter - minSpans); }
    }

    /** The classes the last compaction looked at (those with spans), smallest first. */
    public List<ClassReport> lastClasses() {
        List<ClassReport> l = new ArrayList<>();
        for (int c = 0; c < SPAN_CLASSES; c++) {
            if (spansBefore[c] == 0) continue;
            int sc = c >>> 1;
            long size = SizeClasses.size(sc);
            int perSpan = (int) (((long) SizeClasses.pages(sc) << SizeClasses.PAGE_SHIFT) / size);
            l.add(new ClassReport(sc, (c & 1) != 0, size, perSpan, spansBefore[c], pinnedSpans[c], liveObjects[c], minSpans[c], spansAfter[c]));
        }
        return l;
    }
}
