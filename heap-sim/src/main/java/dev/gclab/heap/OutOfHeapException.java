package dev.gclab.heap;

import java.util.Locale;

/**
 * An allocation that a full collection could not make room for, or a heap that could not grow because
 * the machine ran out of memory ({@link #machineOutOfMemory()}). The message gives the heap maximum,
 * committed and live bytes and the request either way.
 */
public final class OutOfHeapException extends RuntimeException {
    private final long heapMaxBytes;
    private final long committedBytes;
    private final long liveBytes;
    private final long requestBytes;
    private final boolean machineOutOfMemory;

    public OutOfHeapException(long heapMaxBytes, long committedBytes, long liveBytes, long requestBytes, String collector) {
        super(String.format("out of heap: a request of %,d bytes does not fit after a full collection by %s "
                + "(heap maximum %,d bytes, committed %,d, live %,d)",
            requestBytes, collector, heapMaxBytes, committedBytes, liveBytes));
        this.heapMaxBytes = heapMaxBytes;
        this.committedBytes = committedBytes;
        this.liveBytes = liveBytes;
        this.requestBytes = requestBytes;
        this.machineOutOfMemory = false;
    }

    private OutOfHeapException(long heapMaxBytes, long committedBytes, long liveBytes, long requestBytes, Throwable cause) {
        super(String.format(Locale.ROOT, "out of heap: the machine ran out of memory: a request of %,d bytes to grow the heap failed "
                + "(heap maximum %,d bytes, committed %,d, live %s; %s)",
            requestBytes, heapMaxBytes, committedBytes, liveBytes < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", liveBytes), cause), cause);
        this.heapMaxBytes = heapMaxBytes;
        this.committedBytes = committedBytes;
        this.liveBytes = liveBytes;
        this.requestBytes = requestBytes;
        this.machineOutOfMemory = true;
    }

    /**
     * The heap could not commit {@code requestBytes} more because the machine is out of memory
     * ({@code cause}: the {@link OutOfMemoryError} or other {@link Error} of the native allocation).
     * Live bytes are not known where memory is committed: see {@link #withLiveBytes}.
     */
    public static OutOfHeapException machineOutOfMemory(long heapMaxBytes, long committedBytes, long requestBytes, Throwable cause) {
        return new OutOfHeapException(heapMaxBytes, committedBytes, -1, requestBytes, cause);
    }

    /**
     * This failure with the heap's live bytes filled in (for a {@link #machineOutOfMemory()} one thrown
     * without them); the stack trace is kept. Returns {@code this} when the live bytes are known.
     */
    public OutOfHeapException withLiveBytes(long live) {
        if (!machineOutOfMemory || liveBytes >= 0) return this;
        OutOfHeapException e = new OutOfHeapException(heapMaxBytes, committedBytes, live, requestBytes, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    public long heapMaxBytes() { return heapMaxBytes; }
    public long committedBytes() { return committedBytes; }
    /** Live (in-use) bytes of the heap, or -1 when not known. */
    public long liveBytes() { return liveBytes; }
    public long requestBytes() { return requestBytes; }
    /** True if the machine, not the heap's maximum, ran out: committing more memory failed. */
    public boolean machineOutOfMemory() { return machineOutOfMemory; }
}
