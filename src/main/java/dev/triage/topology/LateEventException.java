package dev.triage.topology;

/** An event that reached the join after its post's window (plus grace) had closed, or after its post was scored. */
public final class LateEventException extends Exception {
    public LateEventException(String message) {
        super(message);
    }
}
