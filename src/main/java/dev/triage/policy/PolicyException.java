package dev.triage.policy;

/** A policy file that cannot be used: its message is the one-line cause, naming the file. */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
