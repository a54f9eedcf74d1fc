package dev.gclab.heap.span;

/**
 * A span: a run of 8 KiB pages holding objects of one size class (or one large object), with its
 * side bitmaps, in the style of Go's {@code mspan}.
 *
 * <p>Slots. Slot {@code i} starts at {@code base + i * elemSize}. The slot index of an address is found
 * without a division: {@code (offset * divMul) >>> 32} with {@code divMul = floor(2^32 / elemSize) + 1},
 * exact for every offset inside a span (checked for all classes by the tests). Large spans have one
 * slot and {@code divMul = 0}.
 *
 * <p>Allocation state. {@code allocBits} has one bit per slot, set while the slot holds an object
 * (unlike Go, allocation sets it too, so that a reference-counting collector can free one object by
 * clearing its bit). {@code freeIndex} is where the search for a free slot resumes;
 * {@code allocCache} holds the complement of the alloc-bit word being consumed, shifted so that bit
 * 0 is slot {@code freeIndex}: the next free slot is a trailing-zero count away. {@code cacheEnd} is
 * the slot where that word ends. Sweeping replaces {@code allocBits} by {@code markBits} (so dead
 * objects are never visited one by one) and rewinds {@code freeIndex} to 0; so does
 * {@link #rewind()}, which lets allocation find slots freed one by one below {@code freeIndex}.
 *
 * <p>Spans are Java objects, one per span (never one per simulated object); all their per-slot state
 * lives in the {@code long[]} bitmaps.
 */
public final class Span {
    /** Not in use: its pages are free. */
    public static final byte FREE = 0;
    /** In use: holds objects. */
    public static final byte IN_USE = 1;

    public final long base;
    public final int pages;
    /** Size class; 0 for a large object's span. */
    public final int sizeClass;
    /** True if objects here hold no references (byte/long arrays): marking never scans them. */
    public final boolean noScan;
    public final long elemSize;
    public final int nelems;
    private final long divMul;
    public final long limit;
    /** The memory chunk holding this span, and the span's offset in it (set by the page heap). */
    public java.lang.foreign.MemorySegment segment;
    public long segmentOffset;

    public long[] allocBits;
    public long[] markBits;
    /** Pinned slots: a moving collector must not move these. Set exactly while the slot's pin count is above 0. */
    public final long[] pinBits;
    /**
     * Pin counts per slot (pins nest: every {@link #pin} needs its {@link #unpin}), created at the first
     * pin in this span, so a span never pinned carries none; a count dies with its object, as the bit does.
     */
    private int[] pinCounts;

    public int freeIndex;
    public long allocCache;
    public int cacheEnd;
    /** Objects in use: allocated since the last sweep plus survivors of it. */
    public int allocCount;
    /** True if the span's memory was used before and must be zeroed slot by slot on allocation. */
    public boolean needZero;
    public byte state = IN_USE;
    /** Position in the heap's list of spans (for O(1) removal); maintained by the heap. */
    public int listIndex = -1;
    /** Position in its size class's partial list, or -1. */
    public int partialIndex = -1;
    /** The id of the space this span belongs to (see {@code dev.gclab.heap.Space}). */
    public int space;
    /** The reserved page range it was carved from, or null. */
    public PageHeap.Range range;
    /**
     * What the collection in progress does with this span's objects: {@link #GC_NONE} (not collected,
     * or allocated during the collection), {@link #GC_MARK} (traced in place), {@link #GC_EVACUATE}
     * (live objects are copied out and the span is released). Set and read by collectors only.
     */
    public byte gcState;
    /** Collector scratch: objects of this span found live by the collection in progress (e.g. copied out). */
    public int gcLive;
    /**
     * Collector scratch: a side forwarding table, the new address of each slot's object copied out by
     * the collection in progress (0: not copied), for collectors that keep forwarding addresses out of
     * the old copies' headers. Null when unused.
     */
    public long[] forwarding;
    /**
     * The sweep generation (Go's {@code sweepgen}) this span was last swept for. Equal to its space's
     * {@code sweepGeneration()} when the span is swept (or was created since the last marking); one behind
     * while a lazy sweep of its space is pending for it: its mark bits then hold the survivors of the last
     * marking and its alloc bits still hold the dead, so no slot may be taken from it before it is swept.
     * Maintained by the heap ({@code Heap.beginLazySweep}).
     */
    public int sweepGen;
    /** Position in its space's list of swept spans of its span class (what a lazy sweep takes over at once), or -1. Maintained by the heap. */
    public int classListIndex = -1;
    public static final byte GC_NONE = 0, GC_MARK = 1, GC_EVACUATE = 2;

    public Span(long base, int pages, int sizeClass, boolean noScan, long elemSize, boolean needZero) {
        this.base = base;
        this.pages = pages;
        this.sizeClass = sizeClass;
        this.noScan = noScan;
        this.elemSize = elemSize;
        this.limit = base + ((long) pages << SizeClasses.PAGE_SHIFT);
        this.nelems = sizeClass == 0 ? 1 : (int) (((long) pages << SizeClasses.PAGE_SHIFT) / elemSize);
        this.divMul = sizeClass == 0 ? 0 : (0xFFFF_FFFFL / elemSize) + 1;
        int words = (nelems + 63) >>> 6;
        this.allocBits = new long[words];
        this.markBits = new long[words];
        this.pinBits = new long[words];
        this.needZero = needZero;
    }

    /** The slot index holding {@code address} (which must lie in this span). */
    public int objIndex(long address) {
        return (int) (((address - base) * divMul) >>> 32);
    }

    public long slotAddress(int index) { return base + index * elemSize; }

    public boolean contains(long address) { return address >= base && address < limit; }

    /** True if slot {@code index} holds an object. */
    public boolean isAllocated(int index) {
        return (allocBits[index >>> 6] & (1L << index)) != 0;
    }

    /** Frees one slot (reference counting's death); the slot is found again after {@link #rewind()}. */
    public void free(int index) {
        allocBits[index >>> 6] &= ~(1L << index);
        pinBits[index >>> 6] &= ~(1L << index); // a pin dies with its object
        if (pinCounts != null) pinCounts[index] = 0;
        allocCount--;
        needZero = true;
    }

    /** Restarts the free-slot search at slot 0 (keeping the alloc bits). */
    public void rewind() {
        freeIndex = 0;
        allocCache = 0;
        cacheEnd = 0;
    }

    public boolean isMarked(int index) { return (markBits[index >>> 6] & (1L << index)) != 0; }

    /** Sets the mark bit; returns true if it was clear. */
    public boolean testAndMark(int index) {
        long[] bits = markBits;
        int w = index >>> 6;
        long m = 1L << index;
        long old = bits[w];
        if ((old & m) != 0) return false;
        bits[w] = old | m;
        return true;
    }

    public boolean isPinned(int index) { return (pinBits[index >>> 6] & (1L << index)) != 0; }

    /** Sets (count 1 unless already pinned) or clears (count 0) the pin of slot {@code index} outright, whatever its count. */
    public void setPinned(int index, boolean pinned) {
        if (pinned) {
            if (pinCount(index) == 0) pin(index);
        } else {
            pinBits[index >>> 6] &= ~(1L << index);
            if (pinCounts != null) pinCounts[index] = 0;
        }
    }

    /** Open pins of slot {@code index} (0 if it is not pinned). */
    public int pinCount(int index) { return pinCounts == null ? 0 : pinCounts[index]; }

    /** Opens one pin of slot {@code index} (pins nest): its count goes up by one and its pin bit is set; returns the new count. */
    public int pin(int index) {
        if (pinCounts == null) pinCounts = new int[nelems];
        int c = pinCounts[index] + 1;
        if (c < 0) throw new IllegalStateException("pin count overflow at slot " + index + " of " + this);
        pinCounts[index] = c;
        pinBits[index >>> 6] |= 1L << index;
        return c;
    }

    /**
     * Closes one pin of slot {@code index}: its count goes down by one, and the pin bit is cleared when
     * it reaches 0. Returns the new count, or -1 (and changes nothing) if the slot was not pinned.
     */
    public int unpin(int index) {
        int c = pinCount(index);
        if (c == 0) return -1;
        pinCounts[index] = --c;
        if (c == 0) pinBits[index >>> 6] &= ~(1L << index);
        return c;
    }

    /**
     * Takes the next free slot (Go's nextFreeFast and nextFreeIndex in one).
     *
     * @return the slot index, or -1 if the span is full
     */
    public int nextFreeSlot() {
        long cache = allocCache;
        int fi = freeIndex;
        while (cache == 0) {
            fi = cacheEnd;
            if (fi >= nelems) {
                freeIndex = nelems;
                return -1;
            }
            cache = ~allocBits[fi >>> 6];
            cacheEnd = fi + 64;
        }
        int b = Long.numberOfTrailingZeros(cache);
        int slot = fi + b;
        if (slot >= nelems) {
            freeIndex = nelems;
            allocCache = 0;
            cacheEnd = nelems;
            return -1;
        }
        allocCache = (cache >>> b) >>> 1;
        freeIndex = slot + 1;
        allocCount++;
        allocBits[slot >>> 6] |= 1L << slot;
        return slot;
    }

    /**
     * Go's sweep: the survivors' mark bits become the alloc bits, the mark bits are cleared, and
     * allocation restarts at slot 0. Cost is per bitmap word, not per object.
     *
     * @return the number of objects that survived
     */
    public int sweepToMarks() {
        long[] survivors = markBits;
        int live = 0;
        for (long w : survivors) live += Long.bitCount(w);
        markBits = allocBits;
        java.util.Arrays.fill(markBits, 0L);
        allocBits = survivors;
        resetAllocation(live);
        return live;
    }

    /** Restarts allocation at slot 0 after {@code allocBits} were rewritten; {@code live} objects remain. */
    public void resetAllocation(int live) {
        long[] alloc = allocBits, pins = pinBits;
        for (int w = 0; w < pins.length; w++) {
            long dead = pins[w] & ~alloc[w]; // a pin dies with its object
            if (dead == 0) continue;
            pins[w] &= alloc[w];
            if (pinCounts != null) for (long d = dead; d != 0; d &= d - 1) pinCounts[(w << 6) + Long.numberOfTrailingZeros(d)] = 0;
        }
        rewind();
        allocCount = live;
        needZero = true;
    }

    public boolean isFull() { return allocCount >= nelems; }

    /** True if any slot of this span is pinned. */
    public boolean hasPins() {
        for (long w : pinBits) if (w != 0) return true;
        return false;
    }

    @Override
    public String toString() {
        return String.format("span[0x%x..0x%x class=%d elem=%d n=%d used=%d]", base, limit, sizeClass, elemSize, nelems, allocCount);
    }
}
