package dev.gclab.gc.trace;

import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;

/**
 * The one walk over an object's reference slots, for every collector-side pass that follows
 * references (marking, copying, rc's freeing at zero, the cycle detector, the finalizer order). The
 * heap verifier keeps an independent walk of its own on purpose.
 *
 * <p>A fixed layout's reference slots are the set bits of its pointer bitmap; a reference array's are
 * its elements; data-only objects have none. Two ways to walk:
 * <ul>
 *   <li>the cursor, {@link #begin} then {@link #next} until 0: slots <em>last to first</em> (the
 *       fast order for an explicit mark stack: pushing the last slot first pops the first slot first,
 *       so a trace follows the allocation order of top-down structures). It holds one object's state,
 *       so a loop that walks one object at a time can use it without allocating;</li>
 *   <li>random access, {@link #slotCount} and {@link #slotAddress}: for walks that keep a position per
 *       object on their own stack (a depth-first search that must resume a parent).</li>
 * </ul>
 * Both give slot <em>addresses</em>, so a moving collector can store a new address back.
 */
public final class ObjectScanner {
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private long obj;
    private long mask;
    private long arrayPos;
    private long arrayStart;

    public ObjectScanner(Heap heap) {
        this.memory = heap.memory();
        this.layouts = heap.layouts();
    }

    /** Starts walking {@code object}'s reference slots (last first); returns how many it has. */
    public int begin(long object) {
        long h = memory.getLong(object);
        int lid = ObjectModel.layoutId(h);
        obj = object;
        LayoutKind k = layouts.kind(lid);
        if (k == LayoutKind.FIXED) {
            mask = layouts.pointerMask(lid);
            arrayPos = arrayStart = 0;
            return Long.bitCount(mask);
        }
        mask = 0;
        int n = k == LayoutKind.REF_ARRAY ? ObjectModel.length(h) : 0;
        arrayStart = object + ObjectModel.HEADER_BYTES;
        arrayPos = arrayStart + ((long) n << 3);
        return n;
    }

    /** The address of the next reference slot (walking last to first), or 0 when none is left. */
    public long next() {
        long m = mask;
        if (m != 0) {
            int w = 63 - Long.numberOfLeadingZeros(m);
            mask = m & ~(1L << w);
            return obj + ObjectModel.HEADER_BYTES + ((long) w << 3);
        }
        long p = arrayPos;
        if (p != arrayStart) {
            p -= 8;
            arrayPos = p;
            return p;
        }
        return 0;
    }

    /** Number of reference slots of {@code object}. */
    public int slotCount(long object) {
        long h = memory.getLong(object);
        return layouts.refSlots(ObjectModel.layoutId(h), ObjectModel.length(h));
    }

    /** The address of reference slot {@code i} (0-based, first to last) of {@code object}. */
    public long slotAddress(long object, int i) {
        int lid = ObjectModel.layoutId(memory.getLong(object));
        int word = layouts.isArray(lid) ? i : layouts.refWord(lid, i);
        return ObjectModel.wordAddress(object, word);
    }

    /** The reference in slot {@code i} (0-based, first to last) of {@code object}. */
    public long slotValue(long object, int i) { return memory.getLong(slotAddress(object, i)); }
}
