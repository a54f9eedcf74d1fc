package dev.gclab.heap.roots;

/**
 * Proxy handles: the outside (C-API-like) view of simulated objects. A handle is a small positive
 * integer naming a fixed entry; the entry holds the object's current address and a count. Outside
 * code keeps handles, never addresses, so a moving collector can move the object and update the one
 * entry. Every entry with a positive count is a root.
 *
 * <p>The C-API boundary (HPy's model). Extension code holds handle numbers only. {@link #get} (the
 * mutator's {@code deref}) gives the object's address now, valid until the next safe point (an
 * allocation or a collection may move the object). A handle is <em>borrowed</em> when it is created
 * and released around one call (an argument), <em>owned</em> when the extension keeps it (a cache
 * entry); both are the same entry, counted ({@link #retain}/{@link #release}, HPy_Dup/HPy_Close).
 *
 * <p>Pin windows. A raw pointer that must stay valid across safe points (the buffer protocol) is taken
 * through a window: the mutator's {@code pinHandle(h)} opens one (the object's pin count goes up, so no
 * collector moves it) and {@code unpinHandle(h)} closes it. This table counts the windows open through
 * each entry ({@link #openWindow}/{@link #closeWindow}); windows nest; closing one that is not open,
 * or releasing the last count of a handle with a window open, is an {@link IllegalStateException}
 * naming the handle and its object, and {@link #openWindowCount()} lets the heap report windows left
 * open when it closes.
 *
 * <p>Storage is three parallel arrays and an intrusive free list (a free entry's {@code target} holds
 * the next free index), so creating and releasing a handle allocates nothing.
 */
public final class HandleTable {
    private long[] target = new long[64];
    private int[] count = new int[64];
    /** Pin windows open through each entry (0 for most). */
    private int[] windows = new int[64];
    private int openWindows;
    private int used = 1; // entry 0 is never a handle: 0 means "no handle"
    private int freeHead = 0;
    private int live;

    /** Creates a handle to {@code address} with count 1. */
    public int create(long address) {
        if (address < FIRST_ADDRESS) throw new IllegalArgumentException(String.format("a handle names an object: 0x%x is not an object's address", address));
        int h;
        if (freeHead != 0) {
            h = freeHead;
            freeHead = (int) target[h];
        } else {
            if (used == target.length) {
                target = java.util.Arrays.copyOf(target, used * 2);
                count = java.util.Arrays.copyOf(count, used * 2);
                windows = java.util.Arrays.copyOf(windows, used * 2);
            }
            h = used++;
        }
        target[h] = address;
        count[h] = 1;
        windows[h] = 0;
        live++;
        return h;
    }

    /** Adds one to the handle's count. */
    public void retain(int h) {
        check(h);
        count[h]++;
    }

    /**
     * Subtracts one from the handle's count; at zero the entry is freed.
     *
     * @return the address the handle named if it was freed now, else 0
     * @throws IllegalStateException (changing nothing) for the last count of a handle with a pin window open
     */
    public long release(int h) {
        check(h);
        if (count[h] == 1 && windows[h] > 0) {
            throw new IllegalStateException(String.format("releaseHandle(%d): handle %d (object 0x%x) has %d pin window%s open; "
                + "close %s with unpinHandle before releasing its last count", h, h, target[h], windows[h], windows[h] == 1 ? "" : "s",
                windows[h] == 1 ? "it" : "them"));
        }
        if (--count[h] > 0) return 0;
        long a = target[h];
        target[h] = freeHead;
        freeHead = h;
        live--;
        return a;
    }

    /**
     * The address live handle {@code h} names. The fast path of {@code deref}: one array load and its
     * liveness test, as a live entry holds an address (at least {@value #FIRST_ADDRESS}, where the heap
     * starts) and a free one the index of the next free entry (below it).
     */
    public long get(int h) {
        if (h > 0 && h < used) {
            long t = target[h];
            if (t >= FIRST_ADDRESS) return t;
        }
        throw notLive(h);
    }

    /** The lowest address of any object (the heap's base, 2^32): no free-list index reaches it. */
    static final long FIRST_ADDRESS = 1L << 32;

    /** Re-points a live handle (the moving collector's update). */
    public void update(int h, long address) {
        check(h);
        target[h] = address;
    }

    public int count(int h) {
        check(h);
        return count[h];
    }

    public boolean isLive(int h) { return h > 0 && h < used && count[h] > 0; }

    /** Opens a pin window through live handle {@code h} (windows nest); returns the address it names. The caller pins the object. */
    public long openWindow(int h) {
        check(h);
        windows[h]++;
        openWindows++;
        return target[h];
    }

    /**
     * Closes a pin window of live handle {@code h}; returns the address it names. The caller unpins the object.
     *
     * @throws IllegalStateException (changing nothing) if no window is open through {@code h}
     */
    public long closeWindow(int h) {
        check(h);
        if (windows[h] == 0) {
            throw new IllegalStateException(String.format("unpinHandle(%d): no pin window is open on handle %d (object 0x%x): "
                + "every unpinHandle needs an earlier pinHandle of the same handle", h, h, target[h]));
        }
        windows[h]--;
        openWindows--;
        return target[h];
    }

    /** Pin windows open through live handle {@code h}. */
    public int windows(int h) {
        check(h);
        return windows[h];
    }

    /** Pin windows open through all handles. */
    public int openWindowCount() { return openWindows; }

    /** The handles with open windows, up to {@code max}, as "handle 3 (object 0x..., 2 windows)", for messages. */
    public String describeOpenWindows(int max) {
        StringBuilder sb = new StringBuilder();
        int shown = 0, total = 0;
        for (int h = 1; h < used; h++) {
            if (count[h] <= 0 || windows[h] == 0) continue;
            total++;
            if (shown == max) continue;
            if (shown++ > 0) sb.append(", ");
            sb.append(String.format("handle %d (object 0x%x, %d window%s)", h, target[h], windows[h], windows[h] == 1 ? "" : "s"));
        }
        if (total > shown) sb.append(", and ").append(total - shown).append(" more");
        return sb.toString();
    }

    /** Number of live handles. */
    public int liveCount() { return live; }
    /** One past the highest handle index ever used: iterate 1..capacity-1 with {@link #isLive}. */
    public int capacity() { return used; }
    /** Target of entry {@code h} without checks (for root scanning over live entries). */
    public long rawTarget(int h) { return target[h]; }

    private void check(int h) {
        if (h <= 0 || h >= used || count[h] <= 0) throw notLive(h);
    }

    private static IllegalArgumentException notLive(int h) { return new IllegalArgumentException("handle " + h + " is not live"); }
}
