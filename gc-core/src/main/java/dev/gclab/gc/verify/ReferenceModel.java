package dev.gclab.gc.verify;

import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.roots.HandleTable;
import dev.gclab.heap.roots.Roots;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain-Java model of the heap graph, for differential testing: objects, their reference slots and
 * data words, and the roots (globals, frames, handles), changed by the same operations a program
 * applies to the simulated heap, and a textbook reachability computation. It knows nothing of spans,
 * bitmaps or collectors, so when it and the heap disagree, one of gclab's collectors is wrong.
 *
 * <p>Identity. Objects are named by model ids (small ints), never by address: an id's current address
 * is looked up with {@link #address} and changes when a collector moves the object. After a
 * collection, {@link #follow} walks the model and the heap side by side from the roots — root i of
 * the model against root i of the heap, slot j of a model object against slot j of its heap object —
 * checking that every reachable object has the layout, data and references the model says, and
 * renaming each reachable id to the address the heap now has. So the model checks moving collectors
 * as well as non-moving ones, and needs no help from the collector to follow a move.
 */
public final class ReferenceModel {
    private int[][] slots = new int[256][];
    private long[][] data = new long[256][];
    private int[] layout = new int[256];
    private int[] length = new int[256];
    private long[] addr = new long[256];
    private boolean[] dead = new boolean[256];
    private int count = 1; // id 0 is null
    private final Map<Long, Integer> idAt = new HashMap<>();
    private final Map<Long, Integer> claimed = new HashMap<>();

    private final List<int[]> frames = new ArrayList<>();
    private final int[] globals;
    private final Map<Integer, Integer> handleTarget = new HashMap<>();
    private final Map<Integer, Integer> handleCount = new HashMap<>();

    public ReferenceModel(int globalCount) { this.globals = new int[globalCount]; }

    /** Adds a new object at {@code address}; returns its id. */
    public int allocate(long address, int layoutId, int len, int refSlots, int dataWords) {
        if (count == addr.length) {
            int n = count * 2;
            slots = Arrays.copyOf(slots, n);
            data = Arrays.copyOf(data, n);
            layout = Arrays.copyOf(layout, n);
            length = Arrays.copyOf(length, n);
            addr = Arrays.copyOf(addr, n);
            dead = Arrays.copyOf(dead, n);
        }
        int id = count++;
        slots[id] = new int[refSlots];
        data[id] = new long[dataWords];
        layout[id] = layoutId;
        length[id] = len;
        addr[id] = address;
        Integer old = idAt.put(address, id);
        if (old != null) dead[old] = true; // the heap reused the address: the old object is gone
        return id;
    }

    /** The id whose object was last seen at {@code address}, or 0. */
    public int idAt(long address) {
        Integer id = idAt.get(address);
        return id == null || dead[id] ? 0 : id;
    }

    public long address(int id) { return id == 0 ? 0 : addr[id]; }
    public boolean isDead(int id) { return dead[id]; }
    public int size() { return count - 1; }

    public void setRef(int id, int slot, int target) { slots[id][slot] = target; }
    public int getRef(int id, int slot) { return slots[id][slot]; }
    public int refSlots(int id) { return slots[id].length; }
    public void setData(int id, int word, long value) { data[id][word] = value; }
    public long getData(int id, int word) { return data[id][word]; }
    public int dataWords(int id) { return data[id].length; }

    public void setGlobal(int index, int id) { globals[index] = id; }
    public int global(int index) { return globals[index]; }
    public void pushFrame(int n) { frames.add(new int[n]); }
    public void popFrame() { frames.removeLast(); }
    public int frameDepth() { return frames.size(); }
    public void setLocal(int slot, int id) { frames.getLast()[slot] = id; }
    public int local(int slot) { return frames.getLast()[slot]; }
    public int topFrameSize() { return frames.isEmpty() ? 0 : frames.getLast().length; }

    public void newHandle(int h, int id) {
        handleTarget.put(h, id);
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

    private int[] rootBuffer = new int[64];

    /**
     * Every non-null root (globals, frame slots bottom up, live handles), into a buffer this model reuses:
     * its first {@link #rootCount} elements, valid until the next call.
     */
    public int[] roots() {
        int n = 0;
        for (int g : globals) if (g != 0) n = addRoot(n, g);
        for (int[] f : frames) for (int v : f) if (v != 0) n = addRoot(n, v);
        for (int v : handleTarget.values()) n = addRoot(n, v);
        rootCount = n;
        return rootBuffer;
    }

    private int rootCount;

    /** How many roots the last {@link #roots()} found. */
    public int rootCount() { return rootCount; }

    private int addRoot(int n, int id) {
        if (n == rootBuffer.length) rootBuffer = Arrays.copyOf(rootBuffer, n * 2);
        rootBuffer[n] = id;
        return n + 1;
    }

    /** The ids reachable from the roots (a bitmap by id). */
    public boolean[] reachable() {
        boolean[] seen = new boolean[count];
        int[] stack = new int[64];
        int sp = 0;
        int[] r = roots();
        for (int i = 0, n = rootCount; i < n; i++) {
            if (seen[r[i]]) continue;
            seen[r[i]] = true;
            if (sp == stack.length) stack = Arrays.copyOf(stack, sp * 2);
            stack[sp++] = r[i];
        }
        while (sp > 0) {
            for (int c : slots[stack[--sp]]) {
                if (c == 0 || seen[c]) continue;
                seen[c] = true;
                if (sp == stack.length) stack = Arrays.copyOf(stack, sp * 2);
                stack[sp++] = c;
            }
        }
        return seen;
    }

    /** Marks every unreachable id dead (after a full collection, they were freed). */
    public void forgetUnreachable(boolean[] reachable) {
        for (int id = 1; id < count; id++) {
            if (!reachable[id] && !dead[id]) {
                dead[id] = true;
                idAt.remove(addr[id], id);
            }
        }
    }

    /**
     * Walks the model and the heap side by side from the roots (see the class comment), checking every
     * reachable object and renaming it to its current address.
     *
     * @throws AssertionError naming the first difference
     * @return the number of reachable objects
     */
    public int follow(Heap heap) {
        HeapMemory mem = heap.memory();
        LayoutRegistry layouts = heap.layouts();
        long[] now = new long[count];
        claimed.clear();
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        Roots roots = heap.roots();
        for (int g = 0; g < globals.length; g++) pair(globals[g], roots.global(g), now, todo, ROOT_GLOBAL, g, 0);
        int base = 0;
        for (int fi = 0; fi < frames.size(); fi++) {
            int[] f = frames.get(fi);
            for (int s = 0; s < f.length; s++) pair(f[s], roots.stackSlot(base + s), now, todo, ROOT_FRAME, fi, s);
            base += f.length;
        }
        if (base != roots.stackSize()) throw new AssertionError("the heap has " + roots.stackSize() + " stack slots, the model " + base);
        HandleTable handles = heap.handles();
        for (Map.Entry<Integer, Integer> e : handleTarget.entrySet()) {
            if (!handles.isLive(e.getKey())) throw new AssertionError("handle " + e.getKey() + " is not live in the heap");
            pair(e.getValue(), handles.rawTarget(e.getKey()), now, todo, ROOT_HANDLE, e.getKey(), 0);
        }
        int reached = 0;
        while (!todo.isEmpty()) {
            int id = todo.poll();
            reached++;
            long a = now[id];
            if (!heap.isObject(a)) throw new AssertionError(String.format("object #%d at 0x%x is reachable but not an object in use (freed, or a stale address)", id, a));
            long h = mem.getLong(a);
            int lid = ObjectModel.layoutId(h);
            if (lid != layout[id] || ObjectModel.length(h) != length[id]) {
                throw new AssertionError(String.format("object #%d at 0x%x: heap layout %s[%d], model %s[%d]", id, a,
                    layouts.isValid(lid) ? layouts.name(lid) : "?" + lid, ObjectModel.length(h), layouts.name(layout[id]), length[id]));
            }
            int n = slots[id].length;
            for (int s = 0; s < n; s++) {
                int word = layouts.isArray(lid) ? s : layouts.refWord(lid, s);
                pair(slots[id][s], mem.getLong(ObjectModel.wordAddress(a, word)), now, todo, id, s, a);
            }
            for (int d = 0; d < data[id].length; d++) {
                long v = mem.getLong(ObjectModel.wordAddress(a, layouts.dataWord(lid, d)));
                if (v != data[id][d]) throw new AssertionError(String.format("object #%d at 0x%x: data word %d is %d, model %d", id, a, d, v, data[id][d]));
            }
        }
        for (int id = 1; id < count; id++) {
            if (now[id] == 0 || now[id] == addr[id]) continue;
            idAt.remove(addr[id], id);
            addr[id] = now[id];
        }
        for (int id = 1; id < count; id++) if (now[id] != 0) idAt.put(now[id], id);
        return reached;
    }

    private static final int ROOT_GLOBAL = -1, ROOT_FRAME = -2, ROOT_HANDLE = -3;

    /** Where a reference was found, for messages only: a root kind (negative) or the id of the object holding it. */
    private static String where(int owner, long x, long y) {
        return switch (owner) {
            case ROOT_GLOBAL -> "global " + x;
            case ROOT_FRAME -> "frame " + x + " slot " + y;
            case ROOT_HANDLE -> "handle " + x;
            default -> String.format("slot %d of object #%d at 0x%x", x, owner, y);
        };
    }

    private void pair(int id, long heapValue, long[] now, ArrayDeque<Integer> todo, int owner, long x, long y) {
        if (id == 0) {
            if (heapValue != 0) throw new AssertionError(String.format("%s: heap 0x%x, model null", where(owner, x, y), heapValue));
            return;
        }
        if (heapValue == 0) throw new AssertionError(String.format("%s: heap null, model object #%d", where(owner, x, y), id));
        if (dead[id]) throw new AssertionError(String.format("%s: model object #%d is reachable but its address was reused", where(owner, x, y), id));
        if (now[id] == 0) {
            Integer other = claimed.putIfAbsent(heapValue, id);
            if (other != null) throw new AssertionError(String.format("%s: heap 0x%x is model object #%d, but #%d is there too: two objects became one", where(owner, x, y), heapValue, id, other));
            now[id] = heapValue;
            todo.add(id);
        } else if (now[id] != heapValue) {
            throw new AssertionError(String.format("%s: heap 0x%x, but model object #%d is at 0x%x elsewhere", where(owner, x, y), heapValue, id, now[id]));
        }
    }
}
