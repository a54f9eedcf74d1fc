package dev.gclab.heap;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.meta.SideMetadata;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.meta.SparseSideTable;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.roots.HandleTable;
import dev.gclab.heap.roots.Roots;
import dev.gclab.heap.span.PageHeap;
import dev.gclab.heap.span.SizeClasses;
import dev.gclab.heap.span.Span;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated heap: memory, spaces, spans, layouts, side tables, roots and handles, with no
 * collection policy of its own.
 *
 * <p>Design. Memory ({@link HeapMemory}) is committed in 64 MiB chunks up to a fixed maximum. The
 * {@link PageHeap} cuts it into 8 KiB pages and hands out runs of pages as {@link Span}s, and maps
 * every page back to its span so {@link #spanOf(long)} is O(1). Small objects (up to 32 KiB) are
 * rounded up to one of 67 size classes; a span holds objects of one class and one "scan kind": spans
 * of objects without references ({@code noScan}: byte and long arrays, data-only layouts) are kept
 * apart, as Go does, so marking can blacken such objects without reading them. A span class is
 * {@code sizeClass << 1 | noScan}. Large objects get a span of their own.
 *
 * <p>Spaces. Every span belongs to a {@link Space}, which a collector declares ({@link #defineSpace});
 * space 0 ({@value #MAIN_SPACE}) always exists. Each space has, per span class, a current span that
 * allocation takes slots from (trailing-zero count over the complement of the alloc bits) and a list
 * of partly free spans to take the next one from; when none is left a fresh span comes from the page
 * heap — from the space's reserved address range if it has one. The mutator allocates in the mutator
 * space ({@link #setMutatorSpace}); a collector that moves objects allocates their copies in a target
 * space with {@link #copy}, which is counted as copying, never as mutator allocation, and never
 * triggers a collection; one that compacts in place moves an object into a chosen free slot with
 * {@link #moveObject}.
 *
 * <p>Handles. The {@link HandleTable} is the outside world's view (the C-API boundary): its entries are
 * roots, collectors keep them current, and pin windows opened through them must be closed before
 * {@link #close()}, which reports any left open.
 *
 * <p>Occupancy. {@link #inUseBytes()} is the sum of slot sizes of all objects in use (allocated since
 * the last sweep plus survivors), and each space keeps its own; a collector sets
 * {@link #setCollectionTrigger(long) the trigger}, and the mutator calls the collector when occupancy
 * reaches it. Sweeping (the collector's) reports back through {@link #sweptSpan(Span, int)} and
 * {@link #finishSweep()}; a span left empty by a sweep or a single free goes back to the page heap.
 *
 * <p>Lazy sweeping. A collector that does not want to sweep every span in one pause (Go's
 * {@code sweepgen}) calls {@link #beginLazySweep(Space, SpanSweeper)} right after marking: the space's
 * sweep generation goes up by one, so every span it holds becomes <em>unswept</em> (its
 * {@code Span.sweepGen} is one behind) and joins a per-span-class list; its current and partly free spans
 * are dropped, as by {@link #beginSweep(Space)}. From then on allocation never takes a slot from an
 * unswept span: when a span class needs a new span, the allocator first sweeps unswept spans of that class
 * through the collector's {@link SpanSweeper} (the collector's sweep: marks become alloc bits, the span is
 * reported with {@link #sweptSpan}) until one has room, and only then takes a fresh span. The collector
 * sweeps the rest in bounded steps ({@link #sweepUnswept(Space, int)}; large objects' spans are only swept
 * there) and must finish ({@link #finishLazySweep}) before it marks the space again. Occupancy drops span by
 * span as each is swept, and the collection trigger drops with it by the same amount while a lazy sweep is
 * pending, so the distance from occupancy to the trigger — the collector's "poll me again after this much
 * allocation" — is not eaten up by sweeping. A span created meanwhile is swept from the start.
 *
 * <p>Metadata. Alloc, mark and pin bits live in each span, indexed by slot (pins nest: a pinned slot
 * also has a count, in an array the span creates at its first pin). Anything else a collector
 * needs per address (counts, cards, forwarding, finalized bits) is declared as a
 * {@link SideMetadataSpec} and created with {@link #sideTable(SideMetadataSpec)}; the heap grows
 * every side table with the memory. Whether marks live in the side bitmap or in headers is
 * {@link HeapConfig#markBits()}.
 */
public final class Heap implements AutoCloseable {
    public static final String MAIN_SPACE = "main";
    public static final int MAX_SPACES = 16;

    private final HeapConfig config;
    private final HeapMemory memory;
    private final PageHeap pages;
    private final LayoutRegistry layouts = new LayoutRegistry();
    private final Roots roots = new Roots();
    private final HandleTable handles = new HandleTable();
    private final WorkCounters counters = new WorkCounters();
    private final List<SideMetadata> sideTables = new ArrayList<>();

    private final Space[] spaces = new Space[MAX_SPACES];
    private int spaceCount;
    /** Where the mutator allocates, and its current spans (the fast path reads these two fields). */
    private Space mutatorSpace;
    private Span[] current;
    private Span[] spans = new Span[64];
    private int spanCount;

    /** Array allocations of at least {@link #pretenureBytes} go to {@link #pretenureSpace} (see {@link #setPretenuring}). */
    private Space pretenureSpace;
    private long pretenureBytes = Long.MAX_VALUE;
    private long pretenuredBytes;
    /** See {@link #setStickyMarks}. */
    private boolean stickyMarks;

    private long inUseBytes;
    private long trigger = Long.MAX_VALUE;
    private long peakInUseBytes;
    private int knownChunks;

    public Heap(HeapConfig config) {
        this.config = config;
        this.memory = new HeapMemory(config.maxBytes());
        this.pages = new PageHeap(memory);
        setMutatorSpace(defineSpace(MAIN_SPACE));
    }

    public HeapConfig config() { return config; }
    public HeapMemory memory() { return memory; }
    public LayoutRegistry layouts() { return layouts; }
    public Roots roots() { return roots; }
    public HandleTable handles() { return handles; }
    public WorkCounters counters() { return counters; }
    public PageHeap pages() { return pages; }

    public long maxBytes() { return memory.maxBytes(); }
    public long committedBytes() { return memory.committedBytes(); }
    public long inUseBytes() { return inUseBytes; }
    /** The highest occupancy seen: it only grows between sweeps and single frees, so it peaks just before one. */
    public long peakInUseBytes() { return Math.max(peakInUseBytes, inUseBytes); }
    public long collectionTrigger() { return trigger; }
    /** Sets the occupancy (bytes in use) at which allocation calls the collector. */
    public void setCollectionTrigger(long bytes) { trigger = bytes; }
    public boolean triggerReached() { return inUseBytes >= trigger; }

    /** The span holding {@code address}, or null. */
    public Span spanOf(long address) { return pages.spanOf(address); }

    // ---- spaces ----

    /**
     * Sweeps one span for a lazy sweep ({@link #beginLazySweep}): turns its marks into its alloc bits,
     * counts what it freed and reports the span with {@link Heap#sweptSpan} (which returns an emptied span
     * to the page heap or offers a partly free one to allocation); returns the bytes freed.
     * {@code trace.Sweeper::sweepSpan} is one.
     */
    @FunctionalInterface
    public interface SpanSweeper {
        long sweep(Span s);
    }

    /** Declares a space whose spans take pages anywhere. */
    public Space defineSpace(String name) { return addSpace(name, null); }

    /**
     * Declares a space that reserves {@code bytes} (rounded up to whole 8 KiB pages) of contiguous
     * addresses now: its spans come only from there, and no other space's do.
     *
     * @throws OutOfHeapException if the heap cannot hold the reservation
     */
    public Space defineSpace(String name, long bytes) {
        int npages = (int) ((bytes + SizeClasses.PAGE_BYTES - 1) >>> SizeClasses.PAGE_SHIFT);
        PageHeap.Range r = pages.reserve(npages);
        if (r == null) throw new OutOfHeapException(maxBytes(), committedBytes(), inUseBytes, (long) npages << SizeClasses.PAGE_SHIFT, "space '" + name + "'");
        growSideTables();
        return addSpace(name, r);
    }

    private Space addSpace(String name, PageHeap.Range range) {
        if (spaceCount == MAX_SPACES) throw new IllegalStateException("too many spaces (max " + MAX_SPACES + ")");
        for (int i = 0; i < spaceCount; i++) {
            if (spaces[i].name.equals(name)) throw new IllegalArgumentException("space '" + name + "' is already defined");
        }
        Space s = new Space(spaceCount, name, range);
        spaces[spaceCount++] = s;
        return s;
    }

    public int spaceCount() { return spaceCount; }
    public Space space(int id) { return spaces[id]; }
    /** The space {@code span} belongs to. */
    public Space spaceOf(Span span) { return spaces[span.space]; }
    public Space mutatorSpace() { return mutatorSpace; }

    /** Makes the mutator allocate in {@code space} from now on. */
    public void setMutatorSpace(Space space) {
        mutatorSpace = space;
        current = space.current;
    }

    /**
     * Pretenuring (a generational collector's large objects): from now on the mutator's array
     * allocations of at least {@code minBytes} bytes go to {@code space} instead of the mutator space.
     * Fixed layouts (all small) are unaffected. {@code space} null turns it off.
     */
    public void setPretenuring(Space space, long minBytes) {
        pretenureSpace = space;
        pretenureBytes = space == null ? Long.MAX_VALUE : minBytes;
    }

    /** Bytes (slot sizes) of the objects {@link #setPretenuring pretenuring} sent to its space so far. */
    public long pretenuredBytes() { return pretenuredBytes; }

    /**
     * Declares that marks outlive collections: a collector with sticky mark bits (a non-moving
     * generational one) leaves the mark of every old object set between collections, so the heap
     * verifier must not report a set mark on an allocated object as left over. Marks on free slots are
     * still wrong.
     */
    public void setStickyMarks(boolean on) { stickyMarks = on; }
    public boolean stickyMarks() { return stickyMarks; }

    /**
     * True if {@code space}'s reserved range has a run of free pages for a new span that could hold an
     * object of {@code size} bytes (free slots in the space's existing spans are not counted); always
     * true for a space without a reservation. For a collector deciding whether an allocation that failed
     * in its nursery can succeed there after a collection.
     */
    public boolean rangeHasRoomFor(Space space, long size) {
        if (space.range == null) return true;
        int npages = size <= SizeClasses.MAX_SMALL_SIZE ? SizeClasses.pages(SizeClasses.classOf(size))
            : (int) ((size + SizeClasses.PAGE_BYTES - 1) >>> SizeClasses.PAGE_SHIFT);
        return pages.hasFreeRun(space.range, npages);
    }

    /**
     * Moves span {@code s} and its objects to space {@code to} without moving anything in memory (a
     * generational collector promoting a nursery span in place: its objects stay where they are and
     * become old). Occupancy and span bytes move with it; the span keeps its reserved range, to which
     * its pages return when it is freed, so a reserved range may then hold spans of another space. The
     * span must not be a current allocation span or on a partial list (begin its space's sweep first).
     */
    public void transferSpan(Span s, Space to) {
        Space from = spaces[s.space];
        if (from == to) return;
        int spanClass = (s.sizeClass << 1) | (s.noScan ? 1 : 0);
        if (s.partialIndex >= 0 || (s.sizeClass != 0 && from.current[spanClass] == s)) {
            throw new IllegalStateException("transferSpan: " + s + " is still in use for allocation in " + from);
        }
        if (isUnswept(s)) throw new IllegalStateException("transferSpan: " + s + " waits for a lazy sweep of " + from);
        long pageBytes = (long) s.pages << SizeClasses.PAGE_SHIFT;
        long used = s.allocCount * s.elemSize;
        if (s.classListIndex >= 0) removeSwept(from, s); // it joins the target's swept spans of its class
        from.spanBytes -= pageBytes;
        to.spanBytes += pageBytes;
        from.inUseBytes -= used;
        to.inUseBytes += used;
        s.space = to.id;
        s.sweepGen = to.sweepGen;
        addSwept(to, s);
    }

    /** Creates a side table for {@code spec}, kept as large as the committed heap. */
    public SideTable sideTable(SideMetadataSpec spec) {
        SideTable t = new SideTable(spec);
        t.ensureCommitted(memory.committedBytes());
        sideTables.add(t);
        return t;
    }

    /** Creates the storage of a sparse spec (blocks allocated on first use), kept as large as the committed heap. */
    public SparseSideTable sparseSideTable(SideMetadataSpec spec) {
        SparseSideTable t = new SparseSideTable(spec);
        t.ensureCommitted(memory.committedBytes());
        sideTables.add(t);
        return t;
    }

    /** The side tables created on this heap so far, dense and sparse, in creation order (an unmodifiable copy). */
    public List<SideMetadata> sideTables() { return List.copyOf(sideTables); }

    /**
     * Bytes of the alloc, mark and pin bitmaps of every span in use: their {@code long} words, as a
     * C runtime would store them (the Java array headers are not counted). With the page heap's
     * {@link PageHeap#tableBytes(int)} and every {@link SideTable#footprintBytes()} this is the metadata
     * kept beside the heap.
     */
    public long spanBitmapBytes() {
        long words = 0;
        for (int i = 0; i < spanCount; i++) {
            Span s = spans[i];
            words += s.allocBits.length + s.markBits.length + s.pinBits.length;
        }
        return words * Long.BYTES;
    }

    // ---- allocation ----

    /**
     * Allocates an object of a fixed layout in the mutator space and writes its header; the rest of it
     * is zero. No collection is run here: the mutator polls the collector first.
     *
     * @param spanClass {@code layouts().fixedSpanClass(layoutId)}
     * @return the object's address, or 0 if the heap has no room (the caller collects and retries)
     */
    public long allocateFixed(int layoutId, int spanClass) {
        return allocateSmall(spanClass, ObjectModel.header(layoutId, 0), layouts.fixedSize(layoutId));
    }

    /**
     * Allocates an object of any layout ({@code size} bytes, as the layout registry computes it) in the
     * mutator space.
     *
     * @return the object's address, or 0 if the heap has no room
     */
    public long allocate(int layoutId, int length, long size) {
        boolean pretenure = size >= pretenureBytes;
        long obj = allocateIn(pretenure ? pretenureSpace : mutatorSpace, layoutId, length, size, true);
        if (obj != 0) {
            long slot = slotBytes(obj);
            counters.allocations++;
            counters.allocatedBytes += slot;
            if (pretenure) pretenuredBytes += slot;
        }
        return obj;
    }

    private long slotBytes(long obj) { return pages.spanOfHeapAddress(obj).elemSize; }

    /**
     * An object in {@code space}; the caller counts it (mutator allocation or copy). {@code zero} false
     * (a copy, whose bytes the caller writes at once) skips zeroing a reused slot.
     */
    private long allocateIn(Space space, int layoutId, int length, long size, boolean zero) {
        int noScan = layouts.isNoScan(layoutId) ? 1 : 0;
        long header = ObjectModel.header(layoutId, length);
        if (size <= SizeClasses.MAX_SMALL_SIZE) {
            int spanClass = (SizeClasses.classOf(size) << 1) | noScan;
            Span s = space.current[spanClass];
            int slot = s == null ? -1 : s.nextFreeSlot();
            if (slot < 0) {
                s = refill(space, spanClass);
                if (s == null) return 0;
                slot = s.nextFreeSlot();
            }
            long offset = slot * s.elemSize;
            return written(space, s, s.base + offset, s.segmentOffset + offset, header, zero && s.needZero ? size : 0);
        }
        int npages = (int) ((size + SizeClasses.PAGE_BYTES - 1) >>> SizeClasses.PAGE_SHIFT);
        Span s = newSpan(space, npages, 0, noScan != 0, (long) npages << SizeClasses.PAGE_SHIFT);
        if (s == null) return 0;
        s.nextFreeSlot();
        if (zero && s.needZero) memory.zero(s.base + ObjectModel.HEADER_BYTES, size - ObjectModel.HEADER_BYTES);
        return written(space, s, s.base, s.segmentOffset, header, 0);
    }

    /** The fast path: a slot from the mutator space's current span (Go's nextFreeFast), header, zeroing. */
    private long allocateSmall(int spanClass, long header, long size) {
        Span s = current[spanClass];
        int slot = s == null ? -1 : s.nextFreeSlot();
        if (slot < 0) return allocateFromNewSpan(spanClass, header, size);
        long offset = slot * s.elemSize;
        long obj = written(mutatorSpace, s, s.base + offset, s.segmentOffset + offset, header, s.needZero ? size : 0);
        counters.allocations++;
        counters.allocatedBytes += s.elemSize;
        return obj;
    }

    private long allocateFromNewSpan(int spanClass, long header, long size) {
        Span s = refill(mutatorSpace, spanClass);
        if (s == null) return 0;
        int slot = s.nextFreeSlot();
        long offset = slot * s.elemSize;
        long obj = written(mutatorSpace, s, s.base + offset, s.segmentOffset + offset, header, s.needZero ? size : 0);
        counters.allocations++;
        counters.allocatedBytes += s.elemSize;
        return obj;
    }

    /** Writes the header, zeroes {@code zeroBytes - 8} bytes after it, and accounts the slot to the space. */
    private long written(Space space, Span s, long obj, long segOff, long header, long zeroBytes) {
        MemorySegment seg = s.segment;
        seg.set(ValueLayout.JAVA_LONG, segOff, header);
        if (zeroBytes > ObjectModel.HEADER_BYTES) {
            if (zeroBytes <= 128) {
                for (long o = ObjectModel.HEADER_BYTES; o < zeroBytes; o += 8) seg.set(ValueLayout.JAVA_LONG, segOff + o, 0L);
            } else {
                seg.asSlice(segOff + ObjectModel.HEADER_BYTES, zeroBytes - ObjectModel.HEADER_BYTES).fill((byte) 0);
            }
        }
        long slotBytes = s.elemSize;
        inUseBytes += slotBytes;
        space.inUseBytes += slotBytes;
        return obj;
    }

    /**
     * Copies the object at {@code obj} into {@code target} (a collector moving it): a new slot of the
     * same size class there, the object's words copied (header included). Counted as
     * {@code objects_copied}/{@code bytes_copied} and in the target's copied bytes, never as mutator
     * allocation; never triggers a collection. The old copy is left as it is (the caller installs a
     * forwarding address, and frees it with its span).
     *
     * <p>The fast path (a small object: a slot of the source span's class in the target's current span)
     * copies word by word between the two spans' segments, with no zeroing and no size-class lookup.
     *
     * @param from the span holding {@code obj}
     * @return the copy's address, or 0 if {@code target} has no room
     */
    public long copy(long obj, Span from, Space target) {
        long srcOff = from.segmentOffset + (obj - from.base);
        MemorySegment src = from.segment;
        long h = src.get(ValueLayout.JAVA_LONG, srcOff);
        long size = layouts.sizeOf(ObjectModel.layoutId(h), ObjectModel.length(h));
        if (from.sizeClass == 0) return copyLarge(obj, h, size, target);
        int spanClass = (from.sizeClass << 1) | (from.noScan ? 1 : 0);
        Span s = target.current[spanClass];
        int slot = s == null ? -1 : s.nextFreeSlot();
        if (slot < 0) {
            s = refill(target, spanClass);
            if (s == null) return 0;
            slot = s.nextFreeSlot();
        }
        long offset = slot * s.elemSize;
        long dstOff = s.segmentOffset + offset;
        MemorySegment dst = s.segment;
        if (size <= 256) {
            for (long o = 0; o < size; o += 8) dst.set(ValueLayout.JAVA_LONG, dstOff + o, src.get(ValueLayout.JAVA_LONG, srcOff + o));
        } else {
            MemorySegment.copy(src, srcOff, dst, dstOff, size);
        }
        long slotBytes = s.elemSize;
        inUseBytes += slotBytes;
        target.inUseBytes += slotBytes;
        counters.objectsCopied++;
        counters.bytesCopied += slotBytes;
        target.objectsCopied++;
        target.copiedBytes += slotBytes;
        return s.base + offset;
    }

    /**
     * In-place compaction's move: copies the object in slot {@code fromIdx} of span {@code from} into the
     * free slot {@code toIdx} of span {@code to} (a span of the same size class and scan kind), marks it
     * allocated there and frees the old slot ({@link Span#free}: alloc bit, count; the caller overwrites
     * the old copy's header with a forwarding header). The object's words are copied, header included;
     * the tail of the destination slot is left as it was. Counted as {@code objects_copied}/{@code
     * bytes_copied} and in {@code to}'s space's copied bytes, never as allocation; occupancy moves from
     * one span to the other. The caller makes sure no span involved is current for allocation (begin
     * its space's sweep first) and rewinds {@code to} before it is allocated from again.
     *
     * @return the object's new address
     */
    public long moveObject(Span from, int fromIdx, Span to, int toIdx) {
        long srcOff = from.segmentOffset + fromIdx * from.elemSize;
        long dstOff = to.segmentOffset + toIdx * to.elemSize;
        MemorySegment src = from.segment, dst = to.segment;
        long h = src.get(ValueLayout.JAVA_LONG, srcOff);
        long size = layouts.sizeOf(ObjectModel.layoutId(h), ObjectModel.length(h));
        if (size <= 256) {
            for (long o = 0; o < size; o += 8) dst.set(ValueLayout.JAVA_LONG, dstOff + o, src.get(ValueLayout.JAVA_LONG, srcOff + o));
        } else {
            MemorySegment.copy(src, srcOff, dst, dstOff, size);
        }
        to.allocBits[toIdx >>> 6] |= 1L << toIdx;
        to.allocCount++;
        from.free(fromIdx);
        long slotBytes = to.elemSize;
        if (from.space != to.space) {
            spaces[from.space].inUseBytes -= from.elemSize;
            spaces[to.space].inUseBytes += slotBytes;
        }
        Space target = spaces[to.space];
        counters.objectsCopied++;
        counters.bytesCopied += slotBytes;
        target.objectsCopied++;
        target.copiedBytes += slotBytes;
        return to.base + toIdx * to.elemSize;
    }

    /** {@link #copy(long, Span, Space)} for {@code obj} wherever it is. */
    public long copy(long obj, Space target) { return copy(obj, pages.spanOfHeapAddress(obj), target); }

    private long copyLarge(long obj, long header, long size, Space target) {
        long to = allocateIn(target, ObjectModel.layoutId(header), ObjectModel.length(header), size, false); // every byte is copied over
        if (to == 0) return 0;
        MemorySegment.copy(memory.segmentOf(obj), HeapMemory.offsetInSegment(obj), memory.segmentOf(to), HeapMemory.offsetInSegment(to), size);
        long slot = slotBytes(to);
        counters.objectsCopied++;
        counters.bytesCopied += slot;
        target.objectsCopied++;
        target.copiedBytes += slot;
        return to;
    }

    private Span refill(Space space, int spanClass) {
        Span used = space.current[spanClass];
        if (used != null) retire(space, spanClass, used);
        while (true) {
            int n = space.partialCount[spanClass];
            while (n > 0) {
                Span s = space.partial[spanClass][--n];
                space.partialCount[spanClass] = n;
                s.partialIndex = -1;
                if (!s.isFull()) {
                    s.rewind();
                    space.current[spanClass] = s;
                    return s;
                }
            }
            // Lazy sweeping: an unswept span of this class is swept before a fresh span is taken; a
            // partly free one joins the partial list above, an empty one goes back to the page heap.
            if (space.unsweptCount[spanClass] == 0) break;
            sweepLazily(popUnswept(space, spanClass));
        }
        int sc = spanClass >>> 1;
        Span s = newSpan(space, SizeClasses.pages(sc), sc, (spanClass & 1) != 0, SizeClasses.size(sc));
        space.current[spanClass] = s;
        return s;
    }

    /**
     * A current span whose free-slot scan reached its end stops being current. Objects freed one by
     * one (reference counting) may have left it partly or wholly free: a wholly free span returns to
     * the page heap, a partly free one joins the partial list (its scan rewinds when it is taken
     * again), a full one waits until a free makes it partial. Without this, spans whose objects all
     * died while they were current were lost to allocation for good.
     */
    private void retire(Space space, int spanClass, Span s) {
        space.current[spanClass] = null;
        if (s.allocCount == 0) sweptSpan(s, 0);
        else if (s.allocCount < s.nelems) sweptSpan(s, s.allocCount);
    }

    private Span newSpan(Space space, int npages, int sizeClass, boolean noScan, long elemSize) {
        Span s = pages.allocSpan(space.range, npages, sizeClass, noScan, elemSize);
        if (s == null) return null;
        s.space = space.id;
        s.sweepGen = space.sweepGen; // a new span has nothing to sweep
        addSwept(space, s);
        space.spanBytes += (long) npages << SizeClasses.PAGE_SHIFT;
        growSideTables();
        if (spanCount == spans.length) spans = java.util.Arrays.copyOf(spans, spanCount * 2);
        s.listIndex = spanCount;
        spans[spanCount++] = s;
        return s;
    }

    private void growSideTables() {
        if (memory.chunkCount() != knownChunks) {
            knownChunks = memory.chunkCount();
            for (SideMetadata t : sideTables) t.ensureCommitted(memory.committedBytes());
        }
    }

    // ---- iteration and sweeping support, for collectors and the verifier ----

    public int spanCount() { return spanCount; }
    /** The i-th in-use span (order changes when spans are freed). */
    public Span span(int i) { return spans[i]; }

    /** Starts a sweep of every space: allocation will no longer take slots from the current spans. */
    public void beginSweep() {
        for (int i = 0; i < spaceCount; i++) beginSweep(spaces[i]);
    }

    /** Starts a sweep of {@code space}: its current and partial spans are dropped (sweeping offers them again). */
    public void beginSweep(Space space) {
        if (space.unsweptTotal != 0) {
            throw new IllegalStateException(space + " has " + space.unsweptTotal + " spans a lazy sweep has not reached: finish it first (finishLazySweep)");
        }
        samplePeaks();
        java.util.Arrays.fill(space.current, null);
        for (int i = 0; i < Space.SPAN_CLASSES; i++) {
            for (int j = 0; j < space.partialCount[i]; j++) space.partial[i][j].partialIndex = -1;
            space.partialCount[i] = 0;
        }
    }

    // ---- lazy sweeping (see the class comment) ----

    /**
     * Starts a lazy sweep of {@code space} after a marking: every span it holds becomes unswept (the
     * space's sweep generation goes up), its current and partial spans are dropped, and {@code sweeper} is
     * what sweeps each span, when allocation needs one of its class or the collector asks
     * ({@link #sweepUnswept}). O(spans of the heap).
     *
     * @throws IllegalStateException if the space's previous lazy sweep has not finished
     */
    public void beginLazySweep(Space space, SpanSweeper sweeper) {
        if (sweeper == null) throw new IllegalArgumentException("a lazy sweep needs a span sweeper");
        beginSweep(space); // throws if the last lazy sweep is not finished
        space.sweepGen++;
        space.sweeper = sweeper;
        space.sweepCursor = 0;
        for (int sc = 0; sc < Space.SPAN_CLASSES; sc++) { // every swept span becomes unswept: swap the lists
            Span[] all = space.swept[sc];
            space.swept[sc] = space.unswept[sc];
            space.unswept[sc] = all;
            space.unsweptCount[sc] = space.sweptCount[sc];
            space.unsweptTotal += space.sweptCount[sc];
            space.sweptCount[sc] = 0;
        }
    }

    private static int spanClassOf(Span s) { return (s.sizeClass << 1) | (s.noScan ? 1 : 0); }

    private static void addSwept(Space space, Span s) {
        int sc = spanClassOf(s);
        Span[] list = space.swept[sc];
        int n = space.sweptCount[sc];
        if (list == null) list = space.swept[sc] = new Span[8];
        else if (n == list.length) list = space.swept[sc] = java.util.Arrays.copyOf(list, n * 2);
        list[n] = s;
        s.classListIndex = n;
        space.sweptCount[sc] = n + 1;
    }

    private static void removeSwept(Space space, Span s) {
        int sc = spanClassOf(s);
        Span[] list = space.swept[sc];
        int last = --space.sweptCount[sc];
        Span moved = list[last];
        list[s.classListIndex] = moved;
        moved.classListIndex = s.classListIndex;
        list[last] = null;
        s.classListIndex = -1;
    }

    /** True if {@code s} waits for a lazy sweep: its marks, not its alloc bits, say which of its objects live. */
    public boolean isUnswept(Span s) { return s.sweepGen != spaces[s.space].sweepGen; }

    /**
     * Sweeps up to {@code maxSpans} unswept spans of {@code space} (one span class at a time): a collector's
     * bounded sweep step.
     *
     * @return the number of spans swept (0 when none was left)
     */
    public int sweepUnswept(Space space, int maxSpans) {
        int swept = 0;
        while (swept < maxSpans && space.unsweptTotal > 0) {
            int sc = space.sweepCursor;
            while (space.unsweptCount[sc] == 0) sc = (sc + 1) % Space.SPAN_CLASSES;
            space.sweepCursor = sc;
            sweepLazily(popUnswept(space, sc));
            swept++;
        }
        return swept;
    }

    /** Sweeps every unswept span of {@code space}: the lazy sweep is over. */
    public void finishLazySweep(Space space) { sweepUnswept(space, Integer.MAX_VALUE); }

    private Span popUnswept(Space space, int spanClass) {
        int n = --space.unsweptCount[spanClass];
        Span s = space.unswept[spanClass][n];
        space.unswept[spanClass][n] = null;
        space.unsweptTotal--;
        return s;
    }

    /** Sweeps one unswept span through its space's sweeper; occupancy and the trigger drop by what it freed. */
    private void sweepLazily(Span s) {
        Space space = spaces[s.space];
        if (inUseBytes > peakInUseBytes) peakInUseBytes = inUseBytes; // occupancy peaks just before a sweep
        space.samplePeak();
        s.sweepGen = space.sweepGen;
        s.classListIndex = -1; // it left the swept list when the sweep began
        s.partialIndex = -1;
        long freed = space.sweeper.sweep(s);
        if (s.state == Span.IN_USE) addSwept(space, s); // not emptied and released
        inUseBytes -= freed;
        space.inUseBytes -= freed;
        if (trigger != Long.MAX_VALUE) trigger = Math.max(0, trigger - freed);
    }

    /** Records the occupancy peaks (before a collection changes occupancy). */
    public void samplePeaks() {
        peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
        for (int i = 0; i < spaceCount; i++) spaces[i].samplePeak();
    }

    /**
     * Records the result of sweeping span {@code s}: it now holds {@code live} objects. A span with
     * none is returned to the page heap (removing it from the span list: iterate backwards when
     * sweeping); one with free slots becomes available to allocation.
     */
    public void sweptSpan(Span s, int live) {
        Space space = spaces[s.space];
        if (live == 0) {
            releaseSpan(s);
        } else if (live < s.nelems && s.sizeClass != 0) {
            int sc = (s.sizeClass << 1) | (s.noScan ? 1 : 0);
            if (space.partialCount[sc] == space.partial[sc].length) space.partial[sc] = java.util.Arrays.copyOf(space.partial[sc], space.partialCount[sc] * 2);
            s.partialIndex = space.partialCount[sc];
            space.partial[sc][space.partialCount[sc]++] = s;
        }
    }

    /**
     * Returns span {@code s} to the page heap whatever it holds (a collector that evacuated it, or
     * swept it empty). Its objects' bytes stop counting as in use. The span must not be current nor on
     * a partial list.
     */
    public void releaseSpan(Span s) {
        Space space = spaces[s.space];
        int i = s.listIndex;
        Span last = spans[--spanCount];
        spans[i] = last;
        last.listIndex = i;
        spans[spanCount] = null;
        s.listIndex = -1;
        if (s.classListIndex >= 0) removeSwept(space, s);
        space.spanBytes -= (long) s.pages << SizeClasses.PAGE_SHIFT;
        if (s.allocCount > 0) {
            long bytes = s.allocCount * s.elemSize;
            inUseBytes -= bytes;
            space.inUseBytes -= bytes;
            s.allocCount = 0;
        }
        pages.freeSpan(s);
    }

    /**
     * Frees one object at once (reference counting). Its slot becomes available to allocation; a
     * span left empty returns to the page heap unless it is a current allocation span.
     *
     * @return the bytes of the slot freed
     */
    public long free(long obj) {
        Span s = pages.spanOfHeapAddress(obj);
        Space space = spaces[s.space];
        if (s.sweepGen != space.sweepGen) throw new IllegalStateException(String.format("free of 0x%x in %s, which waits for a lazy sweep", obj, s));
        long slotBytes = s.elemSize;
        int spanClass = (s.sizeClass << 1) | (s.noScan ? 1 : 0);
        boolean wasFull = s.isFull();
        int idx = s.objIndex(obj);
        if (!s.isAllocated(idx)) throw new IllegalStateException(String.format("free of 0x%x, which is not allocated (double free)", obj));
        s.free(idx);
        if (inUseBytes > peakInUseBytes) peakInUseBytes = inUseBytes; // occupancy peaks just before a free
        space.samplePeak();
        inUseBytes -= slotBytes;
        space.inUseBytes -= slotBytes;
        if (s.sizeClass == 0 || (s.allocCount == 0 && space.current[spanClass] != s)) {
            if (s.partialIndex >= 0) removePartial(space, spanClass, s);
            sweptSpan(s, 0);
        } else if (wasFull && space.current[spanClass] != s) {
            sweptSpan(s, s.allocCount);
        }
        return slotBytes;
    }

    private void removePartial(Space space, int spanClass, Span s) {
        Span[] list = space.partial[spanClass];
        int last = --space.partialCount[spanClass];
        list[s.partialIndex] = list[last];
        list[s.partialIndex].partialIndex = s.partialIndex;
        list[last] = null;
        s.partialIndex = -1;
    }

    /** Ends a sweep: recomputes occupancy, of the heap and of every space, from the spans. */
    public void finishSweep() {
        long bytes = 0;
        for (int i = 0; i < spaceCount; i++) spaces[i].inUseBytes = 0;
        for (int i = 0; i < spanCount; i++) {
            long b = spans[i].allocCount * spans[i].elemSize;
            bytes += b;
            spaces[spans[i].space].inUseBytes += b;
        }
        inUseBytes = bytes;
    }

    /** True if {@code address} is the start of an object in use. */
    public boolean isObject(long address) {
        Span s = pages.spanOf(address);
        if (s == null) return false;
        int idx = s.objIndex(address);
        return idx < s.nelems && s.slotAddress(idx) == address && s.isAllocated(idx);
    }

    /** Number of objects in use (walks every span's bitmaps). */
    public long objectCount() {
        long n = 0;
        for (int i = 0; i < spanCount; i++) n += spans[i].allocCount;
        return n;
    }

    public long header(long obj) { return memory.getLong(obj); }
    public int layoutOf(long obj) { return ObjectModel.layoutId(memory.getLong(obj)); }
    public int lengthOf(long obj) { return ObjectModel.length(memory.getLong(obj)); }

    /** Size in bytes of the object at {@code obj} (header included). */
    public long sizeOf(long obj) {
        long h = memory.getLong(obj);
        return layouts.sizeOf(ObjectModel.layoutId(h), ObjectModel.length(h));
    }

    private boolean closed;

    /**
     * Frees the heap's memory. A pin window left open through a handle (the mutator's {@code pinHandle}
     * without its {@code unpinHandle}) is reported: after the memory is freed this throws an
     * {@link IllegalStateException} naming the handles and their objects (once; pins taken by address
     * are not checked).
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        memory.close();
        int open = handles.openWindowCount();
        if (open > 0) {
            throw new IllegalStateException("the heap was closed with " + open + " pin window" + (open == 1 ? "" : "s")
                + " open (every pinHandle needs its unpinHandle): " + handles.describeOpenWindows(10));
        }
    }

    @Override
    public String toString() {
        return String.format("heap[max=%,d committed=%,d inUse=%,d spans=%d]", maxBytes(), committedBytes(), inUseBytes, spanCount);
    }
}
