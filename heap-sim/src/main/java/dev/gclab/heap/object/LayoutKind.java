package dev.gclab.heap.object;

/** The three shapes of simulated objects. */
public enum LayoutKind {
    /** A fixed number of 8-byte fields, each a reference or data, described by a pointer bitmap. */
    FIXED,
    /** A variable-length array of reference slots (list/tuple-like). */
    REF_ARRAY,
    /** A variable-length array of data elements of 1 or 8 bytes (str/bytes-like, double[]-like). */
    DATA_ARRAY
}
