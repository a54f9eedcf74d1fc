package dev.gclab.heap.roots;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutator's roots: named global roots and a stack of frames of root slots (the simulated
 * mutator stack — a shadow stack, since simulated addresses held in Java locals are invisible to
 * the collector). Both are {@code long[]}s of addresses; 0 is null.
 *
 * <p>This class stores values only. Writes that a collector must see (reference counting counts
 * roots) go through {@code Mutator}, which calls the collector's root barrier first.
 */
public final class Roots {
    private long[] globals = new long[16];
    private final List<String> globalNames = new ArrayList<>();
    private final Map<String, Integer> globalIndex = new HashMap<>();

    private long[] stack = new long[1024];
    private int[] frameStart = new int[64];
    private int depth;
    private int top;

    /** Defines a global root (or returns the existing one of that name) and returns its index. */
    public int defineGlobal(String name) {
        Integer i = globalIndex.get(name);
        if (i != null) return i;
        int idx = globalNames.size();
        globalNames.add(name);
        globalIndex.put(name, idx);
        if (idx >= globals.length) globals = java.util.Arrays.copyOf(globals, globals.length * 2);
        return idx;
    }

    public int globalCount() { return globalNames.size(); }
    public String globalName(int index) { return globalNames.get(index); }
    public long global(int index) {
        checkGlobal(index);
        return globals[index];
    }
    public void storeGlobal(int index, long value) {
        checkGlobal(index);
        globals[index] = value;
    }

    private void checkGlobal(int index) {
        if (index < 0 || index >= globalNames.size()) {
            throw new IndexOutOfBoundsException("global root " + index + " is not defined (" + globalNames.size() + " globals)");
        }
    }

    /** Pushes a frame of {@code slots} null root slots. */
    public void pushFrame(int slots) {
        if (slots < 0) throw new IllegalArgumentException("frame size " + slots);
        if (depth == frameStart.length) frameStart = java.util.Arrays.copyOf(frameStart, depth * 2);
        if (top + slots > stack.length) stack = java.util.Arrays.copyOf(stack, Math.max(stack.length * 2, top + slots));
        frameStart[depth++] = top;
        top += slots;
    }

    /** Pops the top frame; returns its first slot's stack index (values stay in place until reused). */
    public int popFrame() {
        if (depth == 0) throw new IllegalStateException("pop of an empty frame stack");
        int start = frameStart[--depth];
        int end = top;
        top = start;
        java.util.Arrays.fill(stack, start, end, 0L);
        return start;
    }

    public int depth() { return depth; }
    /** Number of live stack slots (all frames). */
    public int stackSize() { return top; }
    /** Stack slot by absolute index (0 .. stackSize-1). */
    public long stackSlot(int index) { return stack[index]; }
    public void storeStackSlot(int index, long value) { stack[index] = value; }

    /** Absolute stack index of slot {@code slot} of the top frame, checked. */
    public int localIndex(int slot) {
        if (depth == 0) throw new IllegalStateException("no frame pushed");
        int start = frameStart[depth - 1];
        if (slot < 0 || start + slot >= top) {
            throw new IndexOutOfBoundsException("local slot " + slot + " out of range for a frame of " + (top - start) + " slots");
        }
        return start + slot;
    }

    /** Stack indices [start, end) of the top frame. */
    public int topFrameStart() { return depth == 0 ? 0 : frameStart[depth - 1]; }

    public long[] globalsArray() { return globals; }
    public long[] stackArray() { return stack; }
}
