package dev.gclab.reports.json;

/** A result file that is not valid JSON, or not a result of a schema this gclab reads; the message says where and why. */
public final class ResultFormatException extends RuntimeException {
    public ResultFormatException(String message, Throwable cause) { super(message, cause); }
}
