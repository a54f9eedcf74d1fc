package dev.gclab.workloads.capi;

import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.WorkloadContext;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One run of {@link CApi}: the Python side's table, the extension's handles, the calls and the checks.
 * Addresses are never kept across a safe point except through a pin window (or, with {@code access=raw},
 * on a collector that does not move objects).
 */
final class CApiRun {
    static final String TABLE_GLOBAL = "capi.table";
    /** access=raw only: keeps alive what the extension holds raw addresses to (the cache, the pinned objects). */
    static final String KEPT_GLOBAL = "capi.kept";

    private final WorkloadContext ctx;
    private final CApi.Plan plan;
    private final Mutator m;
    private final SplittableRandom rnd;
    private final boolean raw;
    private final int table, kept;

    /** The id of the object in each table slot; the version of each id (its data is derived from both). */
    private final long[] tableId;
    private int[] version;
    private long nextId;

    /** The cache: a handle per entry (raw: an address), and the entry's object id. */
    private final int[] cacheHandle;
    private final long[] cacheRaw;
    private final long[] cacheId;

    /** Objects pinned for the run: their handle (raw: none), their address when pinned, their id. */
    private final int[] pinnedHandle;
    private final long[] pinnedAt;
    private final long[] pinnedId;

    private final int[] argHandle;
    private final long[] argRaw;
    private final long[] argId;

    private long calls, handlesCreated, evictions, windows, windowTouches, objectsChecked;

    CApiRun(WorkloadContext ctx, CApi.Plan plan) {
        this.ctx = ctx;
        this.plan = plan;
        this.m = ctx.mutator();
        this.rnd = new SplittableRandom(ctx.seed());
        this.raw = plan.raw();
        this.table = m.global(TABLE_GLOBAL);
        this.kept = m.global(KEPT_GLOBAL);
        this.tableId = new long[plan.objects()];
        this.version = new int[Math.max(16, plan.objects() * 2)];
        this.cacheHandle = new int[plan.cache()];
        this.cacheRaw = new long[plan.cache()];
        this.cacheId = new long[plan.cache()];
        this.pinnedHandle = new int[plan.pinned()];
        this.pinnedAt = new long[plan.pinned()];
        this.pinnedId = new long[plan.pinned()];
        this.argHandle = new int[plan.borrowed()];
        this.argRaw = new long[plan.borrowed()];
        this.argId = new long[plan.borrowed()];
    }

    // ------------------------------------------------------------------ data

    private static long datum(long id, int version, int k) {
        long x = id * 0x9E3779B97F4A7C15L + (long) version * 0xC2B2AE3D27D4EB4FL + k;
        x ^= x >>> 31;
        return x * 0xBF58476D1CE4E5B9L;
    }

    /** A new long-lived object (a safe point) with a fresh id and version 0; returns its address (valid until the next safe point). */
    private long newObject() {
        int len = 4 + rnd.nextInt(plan.words() - 3);
        long obj = m.allocateArray(LayoutRegistry.LONG_ARRAY, len);
        long id = nextId++;
        if (id >= version.length) version = Arrays.copyOf(version, version.length * 2);
        write(obj, id, 0);
        return obj;
    }

    private void write(long obj, long id, int v) {
        m.setLong(obj, 0, id);
        m.setLong(obj, 1, v);
        for (int k = 2, n = m.length(obj); k < n; k++) m.setLong(obj, k, datum(id, v, k));
    }

    /** Throws unless {@code obj} holds object {@code id} with the data of its current version. */
    private void check(long obj, long id, String where) {
        if (obj == 0) throw new IllegalStateException("capi: " + where + ": object #" + id + " is gone (null)");
        long got = m.getLong(obj, 0);
        if (got != id) throw new IllegalStateException(String.format("capi: %s: the object at 0x%x is #%d, expected #%d", where, obj, got, id));
        int v = version[(int) id];
        if (m.getLong(obj, 1) != v) {
            throw new IllegalStateException(String.format("capi: %s: object #%d at 0x%x has version %d, expected %d", where, id, obj, m.getLong(obj, 1), v));
        }
        for (int k = 2, n = m.length(obj); k < n; k++) {
            if (m.getLong(obj, k) != datum(id, v, k)) {
                throw new IllegalStateException(String.format("capi: %s: object #%d at 0x%x: element %d is 0x%x, expected 0x%x (the data it was given)",
                    where, id, obj, k, m.getLong(obj, k), datum(id, v, k)));
            }
        }
    }

    private long tableAt(int i) { return m.getRef(m.getGlobal(table), i); }

    private long cacheObject(int c) { return raw ? cacheRaw[c] : m.deref(cacheHandle[c]); }

    private int newHandle(long obj) {
        handlesCreated++;
        return m.newHandle(obj);
    }

    // ------------------------------------------------------------------ the program

    void setUp() {
        int n = plan.objects();
        m.setGlobal(table, m.allocateArray(LayoutRegistry.REF_ARRAY, n));
        if (raw) m.setGlobal(kept, m.allocateArray(LayoutRegistry.REF_ARRAY, plan.cache() + plan.pinned()));
        for (int i = 0; i < n; i++) {
            long obj = newObject();
            tableId[i] = nextId - 1;
            m.setRef(m.getGlobal(table), i, obj);
        }
        for (int c = 0; c < plan.cache(); c++) {
            int i = rnd.nextInt(n);
            cacheId[c] = tableId[i];
            if (raw) {
                cacheRaw[c] = tableAt(i);
                m.setRef(m.getGlobal(kept), c, cacheRaw[c]);
            } else {
                cacheHandle[c] = newHandle(tableAt(i));
            }
        }
        // The pinned objects: a seeded choice of distinct table slots (a partial Fisher-Yates shuffle).
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) slots[i] = i;
        for (int p = 0; p < plan.pinned(); p++) {
            int j = p + rnd.nextInt(n - p);
            int t = slots[p];
            slots[p] = slots[j];
            slots[j] = t;
            long obj = tableAt(slots[p]);
            pinnedId[p] = tableId[slots[p]];
            if (raw) {
                pinnedAt[p] = obj;
                m.setRef(m.getGlobal(kept), plan.cache() + p, obj);
            } else {
                pinnedHandle[p] = newHandle(obj);
                pinnedAt[p] = m.pinHandle(pinnedHandle[p]);
            }
        }
        ctx.log().accept(String.format("capi: %,d objects (long[4..%d]), cache %,d, %,d pinned for the run, %d rounds of %,d calls, "
                + "%d borrowed per call, evict %d%%, buffer windows %d%% x %d allocations, access %s",
            n, plan.words(), plan.cache(), plan.pinned(), plan.rounds(), plan.calls(), plan.borrowed(), plan.evictPercent(),
            plan.bufferPercent(), plan.window(), raw ? "raw" : "handles"));
    }

    void round() {
        for (int i = 0; i < plan.calls(); i++) call();
        checkPinned("after a round");
    }

    /** One call into the extension: borrowed arguments, a tuple, a cache look-up, maybe an eviction and a buffer window. */
    private void call() {
        calls++;
        int b = plan.borrowed();
        for (int a = 0; a < b; a++) {
            int i = rnd.nextInt(plan.objects());
            argId[a] = tableId[i];
            if (raw) argRaw[a] = tableAt(i);
            else argHandle[a] = newHandle(tableAt(i));
        }
        for (int a = 0; a < b; a++) check(raw ? argRaw[a] : m.deref(argHandle[a]), argId[a], "an argument");
        if (b > 0) {
            long tuple = m.allocateArray(LayoutRegistry.REF_ARRAY, b); // a safe point: addresses are read again below
            for (int a = 0; a < b; a++) m.setRef(tuple, a, raw ? argRaw[a] : m.deref(argHandle[a]));
        }
        int c = rnd.nextInt(plan.cache());
        check(cacheObject(c), cacheId[c], "cache entry " + c);
        if (rnd.nextInt(100) < plan.evictPercent()) evict(rnd.nextInt(plan.cache()));
        if (rnd.nextInt(100) < plan.bufferPercent()) window(rnd.nextInt(plan.cache()));
        if (!raw) for (int a = 0; a < b; a++) m.releaseHandle(argHandle[a]);
    }

    /** Drops cache entry {@code c} and fills it with a new object, which also replaces a random table entry. */
    private void evict(int c) {
        evictions++;
        if (!raw) m.releaseHandle(cacheHandle[c]);
        long obj = newObject();
        long id = nextId - 1;
        int i = rnd.nextInt(plan.objects());
        m.setRef(m.getGlobal(table), i, obj);
        tableId[i] = id;
        cacheId[c] = id;
        if (raw) {
            m.setRef(m.getGlobal(kept), c, obj);
            cacheRaw[c] = obj;
        } else {
            cacheHandle[c] = newHandle(obj);
        }
    }

    /** The buffer protocol: a raw pointer to cache entry {@code c}'s object, used across safe points while a pin window is open. */
    private void window(int c) {
        windows++;
        long id = cacheId[c];
        long ptr = raw ? cacheRaw[c] : m.pinHandle(cacheHandle[c]);
        check(ptr, id, "a buffer window");
        for (int k = 0; k < plan.window(); k++) {
            m.allocateArray(LayoutRegistry.LONG_ARRAY, 2 + rnd.nextInt(6)); // garbage: a safe point, where collections run
            check(ptr, id, "a buffer window's raw pointer after an allocation");
            int v = ++version[(int) id];
            write(ptr, id, v);
            windowTouches++;
        }
        if (!raw) {
            long now = m.deref(cacheHandle[c]);
            if (now != ptr) throw new IllegalStateException(String.format("capi: object #%d moved from 0x%x to 0x%x while a pin window was open", id, ptr, now));
            m.unpinHandle(cacheHandle[c]);
        }
    }

    private void checkPinned(String when) {
        for (int p = 0; p < plan.pinned(); p++) {
            long now = raw ? pinnedAt[p] : m.deref(pinnedHandle[p]);
            if (now != pinnedAt[p]) {
                throw new IllegalStateException(String.format("capi: %s: pinned object #%d moved from 0x%x to 0x%x", when, pinnedId[p], pinnedAt[p], now));
            }
        }
    }

    /** An explicit collection, the checks, then every window closed and every handle released. */
    void finish() {
        ctx.collector().collect(GcCause.EXPLICIT);
        for (int i = 0; i < plan.objects(); i++) {
            check(tableAt(i), tableId[i], "table slot " + i);
            objectsChecked++;
        }
        for (int c = 0; c < plan.cache(); c++) {
            check(cacheObject(c), cacheId[c], "cache entry " + c);
            objectsChecked++;
        }
        checkPinned("at the end");
        for (int p = 0; p < plan.pinned(); p++) {
            check(pinnedAt[p], pinnedId[p], "pinned object " + p);
            objectsChecked++;
        }
        long collections = ctx.collector().stats().cycles();
        ctx.log().accept(String.format("capi: %,d calls, %,d handles created, %,d evictions, %,d buffer windows (%,d touches), %,d objects checked intact, "
            + "%,d pinned unmoved, %,d collections", calls, handlesCreated, evictions, windows, windowTouches, objectsChecked, plan.pinned(), collections));
        if (!raw) {
            for (int p = 0; p < plan.pinned(); p++) {
                m.unpinHandle(pinnedHandle[p]);
                m.releaseHandle(pinnedHandle[p]);
            }
            for (int c = 0; c < plan.cache(); c++) m.releaseHandle(cacheHandle[c]);
        }
        m.setGlobal(table, 0);
        m.setGlobal(kept, 0);
    }

    CApi.Outcome outcome() {
        return new CApi.Outcome(calls, handlesCreated, evictions, windows, windowTouches, plan.pinned(), objectsChecked,
            ctx.collector().stats().cycles());
    }
}
