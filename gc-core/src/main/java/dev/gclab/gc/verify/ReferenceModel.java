package dev.gclab.gc.verify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plain-Java model of the heap graph, for differential testing: the same mutator operations as
 * {@code Mutator} (allocate, write a slot, frames, globals, handles) applied to Java collections, and
 * a textbook reachability computation. It knows nothing of spans, bitmaps or collectors, so when
 * it and the simulated heap disagree about what is alive, one of gclab's collectors is wrong.
 *
 * <p>Objects are named by their heap address, which suits non-moving collectors; a moving collector
 * will need its driver to rename objects as they move.
 */
public final class ReferenceModel {
    private final Map<Long, long[]> objects = new HashMap<>();
    private final Map<Integer, Long> globals = new HashMap<>();
    private final List<long[]> frames = new ArrayList<>();
    private final Map<Integer, Long> handleTarget = new HashMap<>();
    private final Map<Integer, Integer> handleCount = new HashMap<>();

    public void allocate(long obj, int refSlots) {
        if (objects.put(obj, new long[refSlots]) != null) throw new IllegalStateException("model: 0x" + Long.toHexString(obj) + " allocated twice");
    }

    public void setRef(long obj, int slot, long value) { slots(obj)[slot] = value; }
    public long getRef(long obj, int slot) { return slots(obj)[slot]; }
    public int refSlots(long obj) { return slots(obj).length; }
    public boolean contains(long obj) { return objects.containsKey(obj); }
    public int size() { return objects.size(); }

    private long[] slots(long obj) {
        long[] s = objects.get(obj);
        if (s == null) throw new IllegalStateException("model: no object 0x" + Long.toHexString(obj));
        return s;
    }

    public void setGlobal(int index, long value) { globals.put(index, value); }
    public void pushFrame(int slots) { frames.add(new long[slots]); }
    public void popFrame() { frames.remove(frames.size() - 1); }
    public int frameDepth() { return frames.size(); }
    public void setLocal(int slot, long value) { frames.get(frames.size() - 1)[slot] = value; }
    public int topFrameSize() { return frames.isEmpty() ? 0 : frames.get(frames.size() - 1).length; }

    public void newHandle(int h, long obj) {
        handleTarget.put(h, obj);
        handleCount.put(h, 1);
    }
    public void retainHandle(int h) { handleCount.merge(h, 1, Integer::sum); }
    public void releaseHandle(int h) {
        if (handleCount.merge(h, -1, Integer::sum) == 0) {
            handleCount.remove(h);
            handleTarget.remove(h);
        }
    }
    public List<Integer> liveHandles() { return new ArrayList<>(handleTarget.keySet()); }

    /** All non-null roots: globals, frame slots, live handles. */
    public List<Long> roots() {
        List<Long> r = new ArrayList<>();
        for (long v : globals.values()) if (v != 0) r.add(v);
        for (long[] f : frames) for (long v : f) if (v != 0) r.add(v);
        for (long v : handleTarget.values()) r.add(v);
        return r;
    }

    /** Every object reachable from the roots. */
    public Set<Long> reachable() {
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>();
        for (long r : roots()) if (seen.add(r)) todo.add(r);
        while (!todo.isEmpty()) {
            for (long ref : slots(todo.poll())) if (ref != 0 && seen.add(ref)) todo.add(ref);
        }
        return seen;
    }

    /** Forgets one object (the heap freed it). */
    public void forget(long obj) { objects.remove(obj); }

    /** Forgets every object not in {@code alive} (the heap freed them). */
    public void retainOnly(Set<Long> alive) { objects.keySet().retainAll(alive); }
}
