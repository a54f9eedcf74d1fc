package dev.gclab.gc.plan.rc;

/** Where reference counts live: the knob behind the copy-on-write ("pages dirtied") question. */
public enum CountStorage {
    /** A 32-bit side table, one entry per 16-byte granule (the smallest object): count updates write the table, not the object. */
    SIDE,
    /**
     * 14 bits of the object header (bits 18..31), sticky at the maximum: an object whose count
     * saturates is never freed by count (the cycle detector treats it as externally referenced).
     */
    HEADER
}
