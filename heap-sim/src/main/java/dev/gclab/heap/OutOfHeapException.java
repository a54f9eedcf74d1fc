package dev.gclab.heap;

/** An allocation that a full collection could not make room for. */
public final class OutOfHeapException extends RuntimeException {
    private final long heapMaxBytes;
    private final long committedBytes;
    private final long liveBytes;
    private final long requestBytes;

    public OutOfHeapException(long heapMaxBytes, long committedBytes, long liveBytes, long requestBytes, String collector) {
        super(String.format("out of heap: a request of %,d bytes does not fit after a full collection by %s "
                + "(heap maximum %,d bytes, committed %,d, live %,d)",
            requestBytes, collector, heapMaxBytes, committedBytes, liveBytes));
        this.heapMaxBytes = heapMaxBytes;
        this.committedBytes = committedBytes;
        this.liveBytes = liveBytes;
        this.requestBytes = requestBytes;
    }

    public long heapMaxBytes() { return heapMaxBytes; }
    public long committedBytes() { return committedBytes; }
    public long liveBytes() { return liveBytes; }
    public long requestBytes() { return requestBytes; }
}
