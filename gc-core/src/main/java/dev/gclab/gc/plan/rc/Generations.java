package dev.gclab.gc.plan.rc;

import dev.gclab.heap.Heap;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.span.SizeClasses;

/**
 * The cycle detector's generations: which tracked container is in which generation, in what order.
 *
 * <p>CPython links tracked objects into per-generation doubly linked lists through a two-word
 * header before each object. gclab keeps each generation as a {@code long[]} of addresses in list
 * order, and one 32-bit side-table entry per object holding its list (3 bits) and its index in it
 * (29 bits, plus one), so tracking, untracking and "which generation?" are O(1) with no Java object
 * per simulated object. 0 means untracked.
 *
 * <p>Untracking an object from a generation (its death by count, the common case) leaves a hole (0)
 * in the array instead of moving the last element into its place: moving it would rewrite the
 * moved object's side-table entry, a random write (and in a dying tree a cache miss) per death.
 * Holes are skipped by {@link #merge}, and a list is compacted — its survivors' entries rewritten
 * in list order, sequentially — once more than half of it (and over {@value #MIN_HOLES} slots) is
 * holes, so the work stays O(1) per removal, amortized. The collector's own lists
 * ({@link #COLLECTING}, {@link #GARBAGE}) are read as plain arrays and never hold holes: removal
 * there swaps with the last element.
 *
 * <p>Generations 0..2 are CPython's; {@link #PERMANENT} is the frozen generation that collections
 * ignore; {@link #COLLECTING} and {@link #GARBAGE} mark objects during a collection. {@link #DYING} is
 * not a list but a mark: an object whose count reached zero and that waits on the count-death stack
 * (tracked or not) has it, so neither the zero-count table nor a collection that runs meanwhile (from
 * a finalizer) touches it again — the guard against freeing it twice.
 */
final class Generations {
    static final int COUNT = 3;
    static final int PERMANENT = 3;
    static final int COLLECTING = 4;
    static final int GARBAGE = 5;
    private static final int LISTS = 6;
    /** The count-death mark (no list, no index). */
    static final int DYING = 6;
    private static final int DYING_ENTRY = DYING << 29;
    static final int INDEX_BITS = 29;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    static final SideMetadataSpec SPEC = SideMetadataSpec.of("gc-generation", 32, SizeClasses.MIN_OBJECT_BYTES);

    private final SideTable position;
    private final long[][] lists = new long[LISTS][];
    /** Slots used in each list's array, holes included. */
    private final int[] sizes = new int[LISTS];
    /** Holes (0) among them: only in the generation lists and {@link #PERMANENT}. */
    private final int[] holes = new int[LISTS];
    /** Where {@link #pollFirst} resumes its search: every slot before it is a hole. */
    private final int[] head = new int[LISTS];
    private static final int MIN_HOLES = 64;
    /** While true, removing a garbage-list member only clears its entry: the list is discarded whole. */
    private boolean discardingGarbage;

    Generations(Heap heap) {
        this.position = heap.sideTable(SPEC);
        for (int i = 0; i < LISTS; i++) lists[i] = new long[64];
    }

    /** The list an object is in, {@link #DYING} if it waits to die by count, or -1 if untracked. */
    int listOf(long obj) {
        int p = position.getInt(obj);
        return p == 0 ? -1 : p >>> INDEX_BITS;
    }

    boolean isTracked(long obj) {
        int p = position.getInt(obj);
        return p != 0 && p != DYING_ENTRY;
    }

    /**
     * Marks {@code obj} as waiting to die by count, untracking it first.
     *
     * @return the list it was in, or -1
     */
    int markDying(long obj) {
        int list = remove(obj);
        position.setInt(obj, DYING_ENTRY);
        return list;
    }

    boolean isDying(long obj) { return position.getInt(obj) == DYING_ENTRY; }

    /** Ends the dying mark (the object was freed, or resurrected by its finalizer). */
    void clearDying(long obj) {
        if (position.getInt(obj) == DYING_ENTRY) position.setInt(obj, 0);
    }

    /**
     * The raw 32-bit entry, for the cycle detector: while it computes reachability over a collector
     * list ({@link #COLLECTING}, {@link #GARBAGE}) it keeps each member's gc_refs and reachable bit in
     * the entry's low 29 bits (the list bits stay), and {@link #restoreIndexes} or re-adding every
     * member ends that.
     */
    int raw(long obj) { return position.getInt(obj); }
    void setRaw(long obj, int entry) { position.setInt(obj, entry); }

    /** Rewrites every entry of collector list {@code list} as (list, index): ends the detector's scratch use. */
    void restoreIndexes(int list) {
        long[] a = lists[list];
        for (int i = 0, n = sizes[list]; i < n; i++) position.setInt(a[i], (list << INDEX_BITS) | (i + 1));
    }

    /** The raw entry: list in bits 29..31, index + 1 below; 0 if untracked. */
    long entry(long obj) { return position.getInt(obj) & 0xFFFF_FFFFL; }
    static int listOfEntry(long entry) { return (int) (entry >>> INDEX_BITS); }
    static int indexOfEntry(long entry) { return (int) ((entry & INDEX_MASK) - 1); }

    /** Appends {@code obj} to list {@code list}. */
    void add(int list, long obj) {
        int n = sizes[list];
        if (n == lists[list].length) lists[list] = java.util.Arrays.copyOf(lists[list], n * 2);
        lists[list][n] = obj;
        sizes[list] = n + 1;
        position.setInt(obj, (list << INDEX_BITS) | (n + 1));
    }

    /**
     * Removes a tracked object from its list (a generation: leaves a hole; a collector list: swaps
     * with the last); returns the list it was in, or -1.
     */
    int remove(long obj) {
        int p = position.getInt(obj);
        if (p == 0 || p == DYING_ENTRY) return -1;
        int list = p >>> INDEX_BITS;
        if (list == GARBAGE && discardingGarbage) {
            position.setInt(obj, 0);
            return list;
        }
        int i = (int) ((p & INDEX_MASK) - 1);
        if (list <= PERMANENT) {
            lists[list][i] = 0;
            position.setInt(obj, 0);
            int h = ++holes[list];
            if (h > MIN_HOLES && h > sizes[list] >>> 1) compact(list);
            return list;
        }
        int last = --sizes[list];
        long moved = lists[list][last];
        lists[list][i] = moved;
        if (moved != obj) position.setInt(moved, (list << INDEX_BITS) | (i + 1));
        position.setInt(obj, 0);
        return list;
    }

    /** Squeezes the holes out of list {@code list}, keeping order; moved objects get their new index. */
    private void compact(int list) {
        long[] a = lists[list];
        int n = sizes[list], k = 0;
        for (int i = 0; i < n; i++) {
            long o = a[i];
            if (o == 0) continue;
            if (k != i) {
                a[k] = o;
                position.setInt(o, (list << INDEX_BITS) | (k + 1));
            }
            k++;
        }
        sizes[list] = k;
        holes[list] = 0;
        head[list] = 0;
    }

    /**
     * Starts (true) or ends (false) discarding the garbage list: members then leave it in O(1) without
     * reordering it, and ending empties it. Between the two, only {@link #listOf} is meaningful for it.
     */
    void discardGarbage(boolean on) {
        discardingGarbage = on;
        if (!on) sizes[GARBAGE] = 0;
    }

    /** Makes room for {@code extra} more objects in {@code list} at once (no repeated doubling). */
    void ensureRoom(int list, int extra) {
        int need = sizes[list] + extra;
        if (need > lists[list].length) lists[list] = java.util.Arrays.copyOf(lists[list], Math.max(need, lists[list].length * 2));
    }

    /**
     * Hands the caller list {@code list}'s array (its first {@code size(list)} elements) and leaves the
     * list empty with {@code replacement} as its storage: a partition that re-adds every element
     * reads the old array without copying it.
     */
    long[] takeArray(int list, long[] replacement) {
        assert holes[list] == 0 : "list " + list + " has holes";
        long[] a = lists[list];
        lists[list] = replacement;
        sizes[list] = 0;
        head[list] = 0;
        return a;
    }

    /** Slots used in list {@code list}'s array, holes included: positions 0 .. slots-1 for {@link #at}. */
    int slots(int list) { return sizes[list]; }

    /** The object at position {@code i} of list {@code list}, or 0 for a hole. */
    long at(int list, int i) { return lists[list][i]; }

    /** Objects in list {@code list} (holes not counted). */
    int size(int list) { return sizes[list] - holes[list]; }

    /** The storage of a collector list ({@link #COLLECTING}, {@link #GARBAGE}): its first {@link #size} elements, no holes. */
    long[] array(int list) {
        assert holes[list] == 0 : "list " + list + " has holes";
        return lists[list];
    }

    /** Index of a tracked object in its list. */
    int indexOf(long obj) { return (int) ((position.getInt(obj) & INDEX_MASK) - 1); }

    /** Moves every object of list {@code from} to the end of list {@code to}, keeping order (holes dropped). */
    void merge(int from, int to) {
        long[] src = lists[from];
        int n = sizes[from];
        ensureRoom(to, n - holes[from]);
        for (int i = 0; i < n; i++) {
            long o = src[i];
            if (o != 0) add(to, o);
        }
        sizes[from] = 0;
        holes[from] = 0;
        head[from] = 0;
    }

    /** Replaces list {@code list} wholesale (the caller has set positions). */
    void setList(int list, long[] items, int size) {
        lists[list] = items;
        sizes[list] = size;
        holes[list] = 0;
        head[list] = 0;
    }

    /**
     * Removes and returns the first object of generation list {@code list} (list order), or 0 if it is
     * empty: CPython 3.14 takes its increments from the head of the pending space. Amortized O(1): the
     * search resumes where the last one stopped (the slots before it are holes) until a compaction.
     */
    long pollFirst(int list) {
        long[] a = lists[list];
        int n = sizes[list], i = head[list];
        while (i < n && a[i] == 0) i++;
        head[list] = i;
        if (i >= n) return 0;
        long obj = a[i];
        remove(obj);
        return obj;
    }
}
