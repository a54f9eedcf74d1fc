package dev.gclab.heap.roots;

/**
 * Proxy handles: the outside (C-API-like) view of simulated objects. A handle is a small positive
 * integer naming a fixed entry; the entry holds the object's current address and a count. Outside
 * code keeps handles, never addresses, so a moving collector can move the object and update the one
 * entry. Every entry with a positive count is a root.
 *
 * <p>Storage is two parallel arrays and an intrusive free list (a free entry's {@code target} holds
 * the next free index), so creating and releasing a handle allocates nothing.
 */
public final class HandleTable {
    private long[] target = new long[64];
    private int[] count = new int[64];
    private int used = 1; // entry 0 is never a handle: 0 means "no handle"
    private int freeHead = 0;
    private int live;

    /** Creates a handle to {@code address} with count 1. */
    public int create(long address) {
        int h;
        if (freeHead != 0) {
            h = freeHead;
            freeHead = (int) target[h];
        } else {
            if (used == target.length) {
                target = java.util.Arrays.copyOf(target, used * 2);
                count = java.util.Arrays.copyOf(count, used * 2);
            }
            h = used++;
        }
        target[h] = address;
        count[h] = 1;
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
     */
    public long release(int h) {
        check(h);
        if (--count[h] > 0) return 0;
        long a = target[h];
        target[h] = freeHead;
        freeHead = h;
        live--;
        return a;
    }

    public long get(int h) {
        check(h);
        return target[h];
    }

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

    /** Number of live handles. */
    public int liveCount() { return live; }
    /** One past the highest handle index ever used: iterate 1..capacity-1 with {@link #isLive}. */
    public int capacity() { return used; }
    /** Target of entry {@code h} without checks (for root scanning over live entries). */
    public long rawTarget(int h) { return target[h]; }

    private void check(int h) {
        if (h <= 0 || h >= used || count[h] <= 0) {
            throw new IllegalArgumentException("handle " + h + " is not live");
        }
    }
}
