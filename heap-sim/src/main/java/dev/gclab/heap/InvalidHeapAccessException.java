package dev.gclab.heap;

/**
 * A mutator or collector touched the simulated heap in a way the object model forbids: an address
 * that is not the start of an allocated object, a slot out of range, the wrong kind of layout, or a
 * freed object. The message names the operation, the address, the object (if one contains the
 * address) and the slot; the fields carry the same facts for programs.
 */
public final class InvalidHeapAccessException extends RuntimeException {
    private final long address;
    private final long object;
    private final int slot;

    public InvalidHeapAccessException(String operation, long address, long object, int slot, String problem) {
        super(format(operation, address, object, slot, problem));
        this.address = address;
        this.object = object;
        this.slot = slot;
    }

    private static String format(String operation, long address, long object, int slot, String problem) {
        StringBuilder sb = new StringBuilder("invalid heap access: ").append(operation)
            .append(" at address 0x").append(Long.toHexString(address));
        if (object != 0 && object != address) sb.append(" (object 0x").append(Long.toHexString(object)).append(')');
        if (slot >= 0) sb.append(" slot ").append(slot);
        return sb.append(": ").append(problem).toString();
    }

    /** The address that was used. */
    public long address() { return address; }
    /** The object involved (the one containing the address, or the one written to), or 0. */
    public long object() { return object; }
    /** The slot or index involved, or -1. */
    public int slot() { return slot; }
}
