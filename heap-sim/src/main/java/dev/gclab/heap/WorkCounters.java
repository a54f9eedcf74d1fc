package dev.gclab.heap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deterministic work counters: counts of things done, not time, so that the same seed gives the
 * same numbers on any machine. Plain public fields so that hot paths add with one instruction;
 * the mutator fills the first group, collectors the second.
 */
public final class WorkCounters {
    // mutator
    public long allocations;
    public long allocatedBytes;
    public long barrierCalls;
    public long rootWrites;
    public long handleOps;
    public long pinOps;
    // collector
    public long objectsMarked;
    public long slotsScanned;
    public long spansSwept;
    public long bytesSwept;
    public long objectsFreed;
    public long bytesFreed;
    /** Reference-count increments and decrements (rc). */
    public long countIncrements;
    public long countDecrements;
    /** Objects a cycle detector examined (rc). */
    public long objectsExamined;
    /** Objects a moving collector copied, and the bytes of their slots (never counted as allocation). */
    public long objectsCopied;
    public long bytesCopied;

    /** All counters by name (snake_case), in a fixed order, for reports. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("allocations", allocations);
        m.put("allocated_bytes", allocatedBytes);
        m.put("barrier_calls", barrierCalls);
        m.put("root_writes", rootWrites);
        m.put("handle_ops", handleOps);
        m.put("pin_ops", pinOps);
        m.put("objects_marked", objectsMarked);
        m.put("slots_scanned", slotsScanned);
        m.put("spans_swept", spansSwept);
        m.put("bytes_swept", bytesSwept);
        m.put("objects_freed", objectsFreed);
        m.put("bytes_freed", bytesFreed);
        m.put("count_increments", countIncrements);
        m.put("count_decrements", countDecrements);
        m.put("objects_examined", objectsExamined);
        m.put("objects_copied", objectsCopied);
        m.put("bytes_copied", bytesCopied);
        return m;
    }
}
