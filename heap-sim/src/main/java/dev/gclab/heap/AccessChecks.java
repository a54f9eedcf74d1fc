package dev.gclab.heap;

/** How much the mutator API validates each access. */
public enum AccessChecks {
    /**
     * Every object address is checked to be the start of an allocated object (span lookup, slot
     * arithmetic, alloc bit): catches interior pointers and use after free. The default.
     */
    FULL,
    /**
     * Only cheap checks: the address lies in the committed heap, is 8-aligned, and its header names
     * a valid layout; slot and index ranges are always checked. A stale pointer to a reused slot is
     * not detected.
     */
    FAST
}
