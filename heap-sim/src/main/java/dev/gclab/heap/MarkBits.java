package dev.gclab.heap;

/** Where a tracing collector keeps mark state: the knob behind "are side bitmaps faster than header bits?". */
public enum MarkBits {
    /** One bit per slot in the span's side bitmap (Go's gcmarkBits); sweeping swaps bitmaps. */
    SIDE,
    /** A flag bit in each object's header; sweeping must visit every allocated object. */
    HEADER
}
