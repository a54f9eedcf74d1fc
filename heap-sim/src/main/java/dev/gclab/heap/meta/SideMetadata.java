package dev.gclab.heap.meta;

/** The storage of one {@link SideMetadataSpec}, dense ({@link SideTable}) or sparse ({@link SparseSideTable}). */
public sealed interface SideMetadata permits SideTable, SparseSideTable {
    SideMetadataSpec spec();

    /** Makes room for a heap of {@code committedBytes} committed from the heap's base; called as the heap grows. */
    void ensureCommitted(long committedBytes);

    /** Bytes of Java memory this table holds now. */
    long footprintBytes();
}
