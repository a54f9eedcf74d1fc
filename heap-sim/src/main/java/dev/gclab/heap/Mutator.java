package dev.gclab.heap;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.roots.HandleTable;
import dev.gclab.heap.roots.Roots;
import dev.gclab.heap.span.Span;

/**
 * The API a mutator program (a workload, a test, a benchmark) uses on the simulated heap: allocate,
 * read and write reference slots and data, push and pop frames of root slots, set globals, create
 * and release handles. Reference stores go through the collector's write barrier, root stores
 * through its root barrier, and allocation calls the collector when the heap's trigger is reached
 * or the heap is full.
 *
 * <p>Rooting discipline. The collector sees only roots (frames, globals, handles) and the heap.
 * An address held in a Java local across an allocation is not a root: keep it in a frame slot. A
 * moving collector may change addresses at any allocation, so re-read addresses from roots after
 * allocating.
 *
 * <p>Validation. Every access checks its object (see {@link AccessChecks}) and its slot or index,
 * and throws {@link InvalidHeapAccessException} naming the address, the object and the slot; a
 * failed check changes nothing.
 */
public final class Mutator {
    private final Heap heap;
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final Roots roots;
    private final HandleTable handles;
    private final WorkCounters counters;
    private final GcHooks hooks;
    private final boolean fullChecks;

    public Mutator(Heap heap, GcHooks hooks) {
        this.heap = heap;
        this.memory = heap.memory();
        this.layouts = heap.layouts();
        this.roots = heap.roots();
        this.handles = heap.handles();
        this.counters = heap.counters();
        this.hooks = hooks;
        this.fullChecks = heap.config().checks() == AccessChecks.FULL;
    }

    public Heap heap() { return heap; }
    public LayoutRegistry layouts() { return layouts; }

    // ------------------------------------------------------------------ allocation

    /** Allocates an object of a fixed layout, all reference slots null and data zero. */
    public long allocate(int layoutId) {
        int spanClass = layouts.fixedSpanClass(layoutId);
        if (spanClass == 0 || heap.triggerReached()) return allocateSlow(layoutId, spanClass);
        long obj = heap.allocateFixed(layoutId, spanClass);
        if (obj == 0) obj = allocAfterFullCollection(layoutId, 0, layouts.fixedSize(layoutId));
        hooks.postAlloc(obj);
        return obj;
    }

    /** Kept out of {@link #allocate(int)} so that the fast path stays small enough to inline. */
    private long allocateSlow(int layoutId, int spanClass) {
        if (spanClass == 0) throw new IllegalArgumentException(layoutProblem(layoutId, "a fixed layout"));
        hooks.pollCollection(layouts.fixedSize(layoutId));
        long obj = heap.allocateFixed(layoutId, spanClass);
        if (obj == 0) obj = allocAfterFullCollection(layoutId, 0, layouts.fixedSize(layoutId));
        hooks.postAlloc(obj);
        return obj;
    }

    /** Allocates an array of {@code length} elements (null references or zero data). */
    public long allocateArray(int layoutId, int length) {
        if (!layouts.isValid(layoutId) || layouts.kind(layoutId) == LayoutKind.FIXED) {
            throw new IllegalArgumentException(layoutProblem(layoutId, "an array layout"));
        }
        if (length < 0) throw new IllegalArgumentException("negative array length " + length);
        long size = layouts.sizeOf(layoutId, length);
        if (size > HeapMemory.CHUNK_BYTES) {
            throw new IllegalArgumentException(String.format("an array of %,d bytes exceeds the largest object size (%,d bytes)",
                size, HeapMemory.CHUNK_BYTES));
        }
        return alloc(layoutId, length, size);
    }

    private String layoutProblem(int layoutId, String expected) {
        return layouts.isValid(layoutId)
            ? "layout " + layoutId + " (" + layouts.name(layoutId) + ") is " + layouts.kind(layoutId) + ", expected " + expected
            : "layout " + layoutId + " is not registered (" + (layouts.count() - 1) + " layouts)";
    }

    private long alloc(int layoutId, int length, long size) {
        if (heap.triggerReached()) hooks.pollCollection(size);
        long obj = heap.allocate(layoutId, length, size);
        if (obj == 0) obj = allocAfterFullCollection(layoutId, length, size);
        hooks.postAlloc(obj);
        return obj;
    }

    /** The heap is full: the collector collects fully, and if there is still no room, out-of-heap. */
    private long allocAfterFullCollection(int layoutId, int length, long size) {
        hooks.collectForAllocation(size);
        long obj = heap.allocate(layoutId, length, size);
        if (obj == 0) throw new OutOfHeapException(heap.maxBytes(), heap.committedBytes(), heap.inUseBytes(), size, hooks.name());
        return obj;
    }

    // ------------------------------------------------------------------ references

    /** Reads reference slot {@code slot} of {@code obj}. */
    public long getRef(long obj, int slot) {
        return memory.getLong(refSlotAddress(obj, slot, "getRef"));
    }

    /** Writes {@code value} (an object or 0) into reference slot {@code slot} of {@code obj}, through the barrier. */
    public void setRef(long obj, int slot, long value) {
        long addr = refSlotAddress(obj, slot, "setRef");
        if (value != 0) checkValue(value, obj, slot);
        long old = memory.getLong(addr);
        memory.setLong(addr, value);
        counters.barrierCalls++;
        hooks.writeBarrier(obj, addr, old, value);
    }

    /** Number of reference slots of {@code obj}. */
    public int refSlots(long obj) {
        long h = headerOf(obj, "refSlots", -1);
        return layouts.refSlots(ObjectModel.layoutId(h), ObjectModel.length(h));
    }

    public int layoutOf(long obj) { return ObjectModel.layoutId(headerOf(obj, "layoutOf", -1)); }
    public int length(long obj) { return ObjectModel.length(headerOf(obj, "length", -1)); }

    private long refSlotAddress(long obj, int slot, String op) {
        long h = headerOf(obj, op, slot);
        int lid = ObjectModel.layoutId(h);
        switch (layouts.kind(lid)) {
            case FIXED -> {
                if (slot < 0 || slot >= layouts.fixedRefCount(lid)) throw slotRange(op, obj, slot, lid, layouts.fixedRefCount(lid));
                return ObjectModel.wordAddress(obj, layouts.refWord(lid, slot));
            }
            case REF_ARRAY -> {
                int n = ObjectModel.length(h);
                if (slot < 0 || slot >= n) throw slotRange(op, obj, slot, lid, n);
                return ObjectModel.wordAddress(obj, slot);
            }
            default -> throw new InvalidHeapAccessException(op, obj, obj, slot,
                "object of layout " + layouts.name(lid) + " has no reference slots");
        }
    }

    private InvalidHeapAccessException slotRange(String op, long obj, int slot, int lid, int n) {
        return new InvalidHeapAccessException(op, obj, obj, slot,
            "slot out of range: layout " + layouts.name(lid) + " object has " + n + " reference slots");
    }

    // ------------------------------------------------------------------ data

    /** Reads data word {@code index} of a fixed-layout object, or element {@code index} of a long[] array. */
    public long getLong(long obj, int index) { return memory.getLong(dataWordAddress(obj, index, "getLong")); }
    public void setLong(long obj, int index, long value) { memory.setLong(dataWordAddress(obj, index, "setLong"), value); }
    public double getDouble(long obj, int index) { return memory.getDouble(dataWordAddress(obj, index, "getDouble")); }
    public void setDouble(long obj, int index, double value) { memory.setDouble(dataWordAddress(obj, index, "setDouble"), value); }

    /** Reads element {@code index} of a byte[] array. */
    public byte getByte(long obj, int index) { return memory.getByte(byteAddress(obj, index, "getByte")); }
    public void setByte(long obj, int index, byte value) { memory.setByte(byteAddress(obj, index, "setByte"), value); }

    private long dataWordAddress(long obj, int index, String op) {
        long h = headerOf(obj, op, index);
        int lid = ObjectModel.layoutId(h);
        if (layouts.kind(lid) == LayoutKind.FIXED) {
            int n = layouts.fixedDataCount(lid);
            if (index < 0 || index >= n) throw dataRange(op, obj, index, lid, n);
            return ObjectModel.wordAddress(obj, layouts.dataWord(lid, index));
        }
        if (layouts.kind(lid) == LayoutKind.DATA_ARRAY && layouts.elementShift(lid) == 3) {
            int n = ObjectModel.length(h);
            if (index < 0 || index >= n) throw dataRange(op, obj, index, lid, n);
            return ObjectModel.wordAddress(obj, index);
        }
        throw new InvalidHeapAccessException(op, obj, obj, index, "layout " + layouts.name(lid) + " has no 8-byte data elements");
    }

    private long byteAddress(long obj, int index, String op) {
        long h = headerOf(obj, op, index);
        int lid = ObjectModel.layoutId(h);
        if (layouts.kind(lid) != LayoutKind.DATA_ARRAY || layouts.elementShift(lid) != 0) {
            throw new InvalidHeapAccessException(op, obj, obj, index, "layout " + layouts.name(lid) + " is not a byte array");
        }
        int n = ObjectModel.length(h);
        if (index < 0 || index >= n) throw dataRange(op, obj, index, lid, n);
        return obj + ObjectModel.HEADER_BYTES + index;
    }

    private InvalidHeapAccessException dataRange(String op, long obj, int index, int lid, int n) {
        return new InvalidHeapAccessException(op, obj, obj, index,
            "index out of range: layout " + layouts.name(lid) + " object has " + n + " data elements");
    }

    // ------------------------------------------------------------------ validation

    /** The header of {@code obj}, after checking that it is an object in use. */
    private long headerOf(long obj, String op, int slot) {
        if (fullChecks) {
            Span s = heap.pages().spanOf(obj);
            if (s == null) throw notInHeap(op, obj, slot);
            int idx = s.objIndex(obj);
            if (idx >= s.nelems || s.slotAddress(idx) != obj || !s.isAllocated(idx)) throw badObject(op, obj, slot, s, idx);
        } else if (!memory.contains(obj) || (obj & 7) != 0) {
            throw notInHeap(op, obj, slot);
        }
        long h = memory.getLong(obj);
        if (!layouts.isValid(ObjectModel.layoutId(h))) {
            throw new InvalidHeapAccessException(op, obj, obj, slot,
                "header 0x" + Long.toHexString(h) + " names no layout (freed or never-allocated memory)");
        }
        return h;
    }

    private void checkValue(long value, long obj, int slot) {
        boolean ok = fullChecks ? heap.isObject(value) : memory.contains(value) && (value & 7) == 0;
        if (!ok) {
            throw new InvalidHeapAccessException("setRef", obj, obj, slot,
                "the value 0x" + Long.toHexString(value) + " is not an object in use");
        }
    }

    private InvalidHeapAccessException notInHeap(String op, long obj, int slot) {
        return new InvalidHeapAccessException(op, obj, 0, slot,
            obj == 0 ? "null reference" : "address is not in any in-use span of the heap");
    }

    private InvalidHeapAccessException badObject(String op, long obj, int slot, Span s, int idx) {
        if (idx >= s.nelems) {
            return new InvalidHeapAccessException(op, obj, 0, slot, "address lies past the last slot of " + s);
        }
        long start = s.slotAddress(idx);
        if (start != obj) {
            String what = s.isAllocated(idx) ? "the object" : "the free slot";
            return new InvalidHeapAccessException(op, obj, s.isAllocated(idx) ? start : 0, slot,
                "address is inside " + what + " at 0x" + Long.toHexString(start) + ", not at an object's start");
        }
        return new InvalidHeapAccessException(op, obj, obj, slot, "the object was freed (slot " + idx + " of " + s + ")");
    }

    // ------------------------------------------------------------------ roots

    /** Pushes a frame of {@code slots} null root slots. */
    public void pushFrame(int slots) { roots.pushFrame(slots); }

    /** Pops the top frame; its references are dropped through the root barrier. */
    public void popFrame() {
        int start = roots.topFrameStart();
        int end = roots.stackSize();
        for (int i = start; i < end; i++) {
            long v = roots.stackSlot(i);
            if (v != 0) {
                roots.storeStackSlot(i, 0);
                counters.rootWrites++;
                hooks.rootBarrier(v, 0);
            }
        }
        roots.popFrame();
    }

    /**
     * Pops the top frame like {@link #popFrame()}, except that the object in slot {@code slot} is
     * returned to the caller as a new object nobody has stored yet (the rooting rule: it lives until
     * the next safe point unless stored). The way for a program to return a result it built under
     * the protection of a frame: under reference counting, {@code popFrame} would free an object only
     * that frame held. The other slots are dropped first, so whatever dies then sees the result alive.
     *
     * @return the object in {@code slot} (its current address), or 0
     */
    public long popFrameReturning(int slot) {
        int keep = roots.localIndex(slot);
        int start = roots.topFrameStart();
        int end = roots.stackSize();
        for (int i = start; i < end; i++) {
            if (i == keep) continue;
            long v = roots.stackSlot(i);
            if (v != 0) {
                roots.storeStackSlot(i, 0);
                counters.rootWrites++;
                hooks.rootBarrier(v, 0);
            }
        }
        long result = roots.stackSlot(keep);
        if (result != 0) {
            roots.storeStackSlot(keep, 0);
            counters.rootWrites++;
            hooks.rootReturned(result);
        }
        roots.popFrame();
        return result;
    }

    /** Reads slot {@code slot} of the top frame. */
    public long local(int slot) { return roots.stackSlot(roots.localIndex(slot)); }

    /** Writes slot {@code slot} of the top frame. */
    public void setLocal(int slot, long value) {
        int i = roots.localIndex(slot);
        if (value != 0) checkRootValue(value, "setLocal", slot);
        long old = roots.stackSlot(i);
        roots.storeStackSlot(i, value);
        counters.rootWrites++;
        hooks.rootBarrier(old, value);
    }

    /** Defines (or finds) a global root by name and returns its index. */
    public int global(String name) { return roots.defineGlobal(name); }

    public long getGlobal(int index) { return roots.global(index); }

    public void setGlobal(int index, long value) {
        if (value != 0) checkRootValue(value, "setGlobal", index);
        long old = roots.global(index);
        roots.storeGlobal(index, value);
        counters.rootWrites++;
        hooks.rootBarrier(old, value);
    }

    private void checkRootValue(long value, String op, int slot) {
        boolean ok = fullChecks ? heap.isObject(value) : memory.contains(value) && (value & 7) == 0;
        if (!ok) throw new InvalidHeapAccessException(op, value, 0, slot, "the value is not an object in use");
    }

    // ------------------------------------------------------------------ pinning

    /*
     * Pins. An object's pin is a count kept in its span (Span#pin): while it is above 0 the span's pin bit
     * is set and no collector moves the object (copying keeps its span; compact neither moves it nor
     * releases its span; the others never move anything). Pins nest: every pin needs its unpin, and an
     * unpin with no pin open is an IllegalStateException. Two ways open one:
     *  - pinHandle(h) / unpinHandle(h): a pin window through a handle, the C-API boundary's raw-pointer
     *    case (the buffer protocol). The handle keeps the object alive while the window is open (its last
     *    count cannot be released then), the table counts the windows per handle, and a window left open
     *    when the heap closes is reported (Heap#close throws).
     *  - pin(obj) / unpin(obj): a pin by address, for collectors' tests and programs that keep an object
     *    in place without a handle. It does not keep the object alive: the count dies with the object.
     *    Not checked at close.
     * Both act on the one count: unpin(obj) closes a pin of the object however it was opened, and
     * unpinHandle(h) then finds nothing to close (an IllegalStateException).
     */

    /**
     * Opens a pin of {@code obj} by address: a moving collector must leave it at its address (its span's
     * pin bit; see {@link dev.gclab.heap.span.Span#pin}). Pins nest: the object stays pinned until as many
     * {@link #unpin}s. A pin does not keep the object alive, and it dies with the object.
     */
    public void pin(long obj) {
        Span s = pinnable(obj, "pin");
        s.pin(s.objIndex(obj));
        counters.pinOps++;
    }

    /**
     * Closes one pin of {@code obj} (the last one lets collectors move it again).
     *
     * @throws IllegalStateException if {@code obj} is not pinned (an unbalanced unpin; nothing changes)
     */
    public void unpin(long obj) {
        Span s = pinnable(obj, "unpin");
        if (s.unpin(s.objIndex(obj)) < 0) {
            throw new IllegalStateException(String.format("unpin(0x%x): object 0x%x (%s) is not pinned: every unpin needs an earlier pin (pins nest)",
                obj, obj, layouts.name(ObjectModel.layoutId(memory.getLong(obj)))));
        }
        counters.pinOps++;
    }

    public boolean isPinned(long obj) {
        headerOf(obj, "isPinned", -1);
        Span s = heap.spanOf(obj);
        return s.isPinned(s.objIndex(obj));
    }

    /** Open pins of {@code obj} (by address and through handles). */
    public int pinCount(long obj) {
        headerOf(obj, "pinCount", -1);
        Span s = heap.spanOf(obj);
        return s.pinCount(s.objIndex(obj));
    }

    /**
     * Opens a pin window through handle {@code handle} (the buffer protocol's raw pointer): the object
     * it names cannot move until the window is closed with {@link #unpinHandle}, and cannot die (the
     * handle's last count cannot be released with a window open). Windows nest.
     *
     * @return the object's address, valid as a raw pointer until the window closes (across safe points)
     * @throws IllegalArgumentException if the handle is not live
     */
    public long pinHandle(int handle) {
        long obj = handles.get(handle);
        Span s = heap.pages().spanOfHeapAddress(obj);
        s.pin(s.objIndex(obj));
        handles.openWindow(handle);
        counters.pinOps++;
        return obj;
    }

    /**
     * Closes a pin window opened with {@link #pinHandle}.
     *
     * @throws IllegalStateException (changing nothing) if no window is open through {@code handle}, or
     *         if the object's pins were already closed by address ({@link #unpin})
     * @throws IllegalArgumentException if the handle is not live
     */
    public void unpinHandle(int handle) {
        long obj = handles.get(handle);
        if (handles.windows(handle) == 0) handles.closeWindow(handle); // throws, naming the handle and its object
        Span s = heap.pages().spanOfHeapAddress(obj);
        int idx = s.objIndex(obj);
        if (s.pinCount(idx) == 0) {
            throw new IllegalStateException(String.format("unpinHandle(%d): handle %d has a pin window open, but its object 0x%x is not pinned "
                + "(an unpin of its address closed the window's pin)", handle, handle, obj));
        }
        handles.closeWindow(handle);
        s.unpin(idx);
        counters.pinOps++;
    }

    /** The span of {@code obj} after checking it is an object in use (under FAST checks too: a pin set on a freed slot would outlive its object). */
    private Span pinnable(long obj, String op) {
        headerOf(obj, op, -1);
        Span s = heap.spanOf(obj);
        if (s == null) throw notInHeap(op, obj, -1);
        int idx = s.objIndex(obj);
        if (idx >= s.nelems || s.slotAddress(idx) != obj || !s.isAllocated(idx)) throw badObject(op, obj, -1, s, idx);
        return s;
    }

    // ------------------------------------------------------------------ handles

    /** Creates a proxy handle (count 1) for {@code obj}; the handle keeps it alive. */
    public int newHandle(long obj) {
        headerOf(obj, "newHandle", -1);
        int h = handles.create(obj);
        counters.handleOps++;
        hooks.handleAcquired(obj);
        return h;
    }

    /**
     * The object a live handle names now: its address is valid until the next safe point (an allocation
     * or a collection may move it), unless a pin window ({@link #pinHandle}) keeps it in place.
     */
    public long deref(int handle) {
        counters.handleOps++;
        return handles.get(handle);
    }

    public void retainHandle(int handle) {
        counters.handleOps++;
        handles.retain(handle);
    }

    /**
     * Drops one count of the handle; the last release lets its object go.
     *
     * @throws IllegalStateException for the last count of a handle with a pin window open
     */
    public void releaseHandle(int handle) {
        counters.handleOps++;
        long obj = handles.release(handle);
        if (obj != 0) hooks.handleReleased(obj);
    }
}
