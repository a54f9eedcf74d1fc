package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;

/**
 * Object remembering ({@code barrier=object}), MMTk's object barrier with a log bit: the first store of
 * a young reference into an old object sets the object's {@link GenConstraints#LOGGED} header bit and
 * appends the object to the log; later stores into it see the bit and do nothing. A minor collection
 * scans each logged object whole and clears its bit. (MMTk keeps an "unlogged" bit, set on every old
 * object; gclab sets the opposite one, so promotion has nothing to set.)
 */
final class ObjectLog extends RememberedSet {
    private final LongStack log = new LongStack(256);
    private final LongStack scanned = new LongStack(256);

    ObjectLog(Heap heap, Space young, MarkSpace sticky) { super(heap, young, sticky); }

    @Override
    void record(long obj, long slot) {
        long h = memory.getLong(obj);
        if ((h & GenConstraints.LOGGED) == 0) {
            memory.setLong(obj, h | GenConstraints.LOGGED);
            log.push(obj);
        }
    }

    @Override int size() { return log.size(); }
    @Override String what() { return "objects logged"; }
    @Override String entry() { return "log entry"; }

    @Override
    void scan(TraceKernel k) {
        long slots = 0;
        for (int i = 0; i < log.size(); i++) {
            long obj = log.get(i);
            memory.setLong(obj, memory.getLong(obj) & ~GenConstraints.LOGGED);
            slots += scanObject(k, obj);
            scanned.push(obj);
        }
        counters.slotsScanned += slots;
        log.clear();
    }

    @Override
    void keepLive() {
        for (int i = 0; i < scanned.size(); i++) {
            long obj = scanned.get(i);
            if ((memory.getLong(obj) & GenConstraints.LOGGED) == 0 && hasYoungRef(obj)) record(obj, 0);
        }
        scanned.clear();
    }

    @Override
    void clear() {
        for (int i = 0; i < log.size(); i++) {
            long obj = log.get(i);
            memory.setLong(obj, memory.getLong(obj) & ~GenConstraints.LOGGED);
        }
        log.clear();
        scanned.clear();
    }

    @Override boolean covers(long obj, long slot) { return (memory.getLong(obj) & GenConstraints.LOGGED) != 0; }
}
