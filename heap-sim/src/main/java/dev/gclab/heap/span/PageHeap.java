package dev.gclab.heap.span;

import dev.gclab.heap.memory.HeapMemory;

/**
 * The page allocator and the page-to-span map.
 *
 * <p>Design. The committed heap is an array of 8 KiB pages. A bitmap with one bit per page (1 = free)
 * answers "where is a run of n free pages?" by first fit from a hint (the lowest page that may be
 * free), counting runs with trailing-zero counts a word at a time. Runs never cross a 64 MiB chunk,
 * so no span crosses a segment. When no run fits, the next chunk is committed (if the heap's maximum
 * allows). {@code spanOfPage} maps every page of an in-use span to its {@link Span}, so
 * {@link #spanOf(long)} is one subtraction, one shift and one array load: O(1), as Go's
 * {@code spanOf}. Each chunk remembers how far its pages were ever used ({@code zeroedPages}, Go's
 * {@code zeroedBase}): a span carved from pages above that mark needs no zeroing.
 */
public final class PageHeap {
    private static final int PAGES_PER_CHUNK_SHIFT = HeapMemory.CHUNK_SHIFT - SizeClasses.PAGE_SHIFT;
    private static final int PAGES_PER_CHUNK = 1 << PAGES_PER_CHUNK_SHIFT;

    private final HeapMemory memory;
    private long[] freePages = new long[0];
    private Span[] spanOfPage = new Span[0];
    private int[] zeroedPages = new int[0];
    private int committedPages;
    private int freePageCount;
    private int searchHint;

    public PageHeap(HeapMemory memory) {
        this.memory = memory;
    }

    public int committedPages() { return committedPages; }
    public int freePageCount() { return freePageCount; }

    /**
     * Bytes of this page heap's own tables: the page-to-span map with each entry counted as
     * {@code pointerBytes} (8 for a native pointer, as Go's {@code spans} array; the JVM may store
     * it as a 4-byte compressed reference), the free-page bitmap (one bit per page, in whole words)
     * and the per-chunk zeroed-page marks ({@code int}s).
     */
    public long tableBytes(int pointerBytes) {
        return (long) spanOfPage.length * pointerBytes + (long) freePages.length * Long.BYTES + (long) zeroedPages.length * Integer.BYTES;
    }

    /** The span holding {@code address}, or null if the address is outside every in-use span. */
    public Span spanOf(long address) {
        long off = address - HeapMemory.BASE;
        if (off < 0 || off >= ((long) committedPages << SizeClasses.PAGE_SHIFT)) return null;
        return spanOfPage[(int) (off >>> SizeClasses.PAGE_SHIFT)];
    }

    /** {@link #spanOf} without the range check, for addresses already known to be in the heap. */
    public Span spanOfHeapAddress(long address) {
        return spanOfPage[(int) ((address - HeapMemory.BASE) >>> SizeClasses.PAGE_SHIFT)];
    }

    /**
     * A contiguous run of pages reserved for one space: other spans never take pages from it, and its
     * spans are carved only from it (first fit over its own free bitmap), so the space's addresses are
     * {@code [start, end)}.
     */
    public static final class Range {
        final int first, count;
        final long[] free;
        int freeCount;
        int hint;

        Range(int first, int count) {
            this.first = first;
            this.count = count;
            this.free = new long[(count + 63) >>> 6];
            for (int p = 0; p < count; p++) free[p >>> 6] |= 1L << p;
            this.freeCount = count;
        }

        public long start() { return HeapMemory.BASE + ((long) first << SizeClasses.PAGE_SHIFT); }
        public long end() { return HeapMemory.BASE + ((long) (first + count) << SizeClasses.PAGE_SHIFT); }
        public int pages() { return count; }
        public int freePages() { return freeCount; }
    }

    /**
     * Reserves {@code npages} contiguous pages (committing chunks as needed) for one space.
     *
     * @return the range, or null if the heap's maximum leaves no such run
     */
    public Range reserve(int npages) {
        if (npages <= 0) throw new IllegalArgumentException("a reservation needs at least one page: " + npages);
        int first = findRun(npages, false);
        while (first < 0) {
            if (!commitChunk()) return null;
            first = findRun(npages, false);
        }
        setFree(first, npages, false);
        return new Range(first, npages);
    }

    /**
     * Allocates a span of {@code pages} pages, committing a chunk if needed.
     *
     * @return the new span, or null if the heap's maximum leaves no room
     */
    public Span allocSpan(int pages, int sizeClass, boolean noScan, long elemSize) {
        return allocSpan(null, pages, sizeClass, noScan, elemSize);
    }

    /**
     * Allocates a span of {@code pages} pages in {@code range} (or anywhere, committing a chunk if
     * needed, when {@code range} is null).
     *
     * @return the new span, or null if there is no room
     */
    public Span allocSpan(Range range, int pages, int sizeClass, boolean noScan, long elemSize) {
        if (pages > PAGES_PER_CHUNK) return null;
        int first;
        if (range == null) {
            first = findRun(pages, true);
            while (first < 0) {
                if (!commitChunk()) return null;
                first = findRun(pages, true);
            }
            setFree(first, pages, false);
        } else {
            first = findRunInRange(range, pages);
            if (first < 0) return null;
            for (int p = first; p < first + pages; p++) range.free[(p - range.first) >>> 6] &= ~(1L << (p - range.first));
            range.freeCount -= pages;
        }
        int chunk = first >>> PAGES_PER_CHUNK_SHIFT;
        int inChunk = first & (PAGES_PER_CHUNK - 1);
        boolean needZero = inChunk < zeroedPages[chunk];
        zeroedPages[chunk] = Math.max(zeroedPages[chunk], inChunk + pages);
        long base = HeapMemory.BASE + ((long) first << SizeClasses.PAGE_SHIFT);
        Span s = new Span(base, pages, sizeClass, noScan, elemSize, needZero);
        s.segment = memory.segmentOf(base);
        s.segmentOffset = HeapMemory.offsetInSegment(base);
        s.range = range;
        for (int p = first; p < first + pages; p++) spanOfPage[p] = s;
        return s;
    }

    /** Returns the span's pages to the free set (of its range, if it has one). */
    public void freeSpan(Span s) {
        int first = (int) ((s.base - HeapMemory.BASE) >>> SizeClasses.PAGE_SHIFT);
        for (int p = first; p < first + s.pages; p++) spanOfPage[p] = null;
        s.state = Span.FREE;
        Range r = s.range;
        if (r != null) {
            for (int p = first; p < first + s.pages; p++) r.free[(p - r.first) >>> 6] |= 1L << (p - r.first);
            r.freeCount += s.pages;
            if (first - r.first < r.hint) r.hint = first - r.first;
            return;
        }
        setFree(first, s.pages, true);
        if (first < searchHint) searchHint = first;
    }

    /** True if {@code range} has a run of {@code n} free pages (inside one chunk): a span of n pages can be carved there now. */
    public boolean hasFreeRun(Range range, int n) {
        return n <= PAGES_PER_CHUNK && findRunInRange(range, n) >= 0;
    }

    /** First fit in a range: the first page of a run of n free pages inside one chunk, or -1. */
    private int findRunInRange(Range r, int n) {
        int p = nextSet(r.free, r.hint, r.count);
        if (p < 0) return -1;
        r.hint = p;
        while (p >= 0) {
            int end = nextClear(r.free, p, r.count);
            int abs = r.first + p;
            int chunkEnd = ((abs >>> PAGES_PER_CHUNK_SHIFT) + 1) << PAGES_PER_CHUNK_SHIFT;
            int runEnd = Math.min(end, chunkEnd - r.first);
            if (runEnd - p >= n) return abs;
            p = nextSet(r.free, runEnd, r.count);
        }
        return -1;
    }

    private static int nextSet(long[] bits, int from, int limit) {
        if (from >= limit) return -1;
        int w = from >>> 6;
        long word = bits[w] & (-1L << from);
        while (word == 0) {
            if (++w >= bits.length) return -1;
            word = bits[w];
        }
        int p = (w << 6) + Long.numberOfTrailingZeros(word);
        return p < limit ? p : -1;
    }

    private static int nextClear(long[] bits, int from, int limit) {
        if (from >= limit) return limit;
        int w = from >>> 6;
        long word = ~bits[w] & (-1L << from);
        while (word == 0) {
            if (++w >= bits.length) return limit;
            word = ~bits[w];
        }
        return Math.min(limit, (w << 6) + Long.numberOfTrailingZeros(word));
    }

    private boolean commitChunk() {
        long bytes = memory.commitChunk();
        if (bytes == 0) return false;
        int newPages = (int) (bytes >>> SizeClasses.PAGE_SHIFT);
        int start = committedPages;
        committedPages += newPages;
        int chunks = memory.chunkCount();
        if (zeroedPages.length < chunks) zeroedPages = java.util.Arrays.copyOf(zeroedPages, chunks);
        spanOfPage = java.util.Arrays.copyOf(spanOfPage, committedPages);
        freePages = java.util.Arrays.copyOf(freePages, (committedPages + 63) >>> 6);
        setFree(start, newPages, true);
        return true;
    }

    private void setFree(int first, int n, boolean free) {
        for (int p = first; p < first + n; p++) {
            if (free) freePages[p >>> 6] |= 1L << p;
            else freePages[p >>> 6] &= ~(1L << p);
        }
        freePageCount += free ? n : -n;
    }

    /** First fit: the first page of a run of n free pages (inside one chunk if {@code oneChunk}), or -1. */
    private int findRun(int n, boolean oneChunk) {
        int p = nextFree(searchHint);
        if (p < 0) {
            searchHint = committedPages;
            return -1;
        }
        searchHint = p;
        while (p >= 0) {
            int end = nextUsed(p);
            int runEnd = end;
            if (oneChunk) runEnd = Math.min(end, ((p >>> PAGES_PER_CHUNK_SHIFT) + 1) << PAGES_PER_CHUNK_SHIFT);
            if (runEnd - p >= n) return p;
            p = nextFree(runEnd);
        }
        return -1;
    }

    private int nextFree(int from) {
        if (from >= committedPages) return -1;
        int w = from >>> 6;
        long word = freePages[w] & (-1L << from);
        while (word == 0) {
            if (++w >= freePages.length) return -1;
            word = freePages[w];
        }
        int p = (w << 6) + Long.numberOfTrailingZeros(word);
        return p < committedPages ? p : -1;
    }

    /** First page at or after {@code from} that is not free (committedPages if none). */
    private int nextUsed(int from) {
        if (from >= committedPages) return committedPages;
        int w = from >>> 6;
        long word = ~freePages[w] & (-1L << from);
        while (word == 0) {
            if (++w >= freePages.length) return committedPages;
            word = ~freePages[w];
        }
        return Math.min(committedPages, (w << 6) + Long.numberOfTrailingZeros(word));
    }
}
