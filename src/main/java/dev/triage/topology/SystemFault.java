package dev.triage.topology;

/**
 * A failure that is not the record's fault (model runtime, registry, a downstream step): thrown out of the
 * processor so the transaction fails and exactly-once retries the records from the last commit, on a replaced
 * stream thread, within the restart budget. Its message is the one-line cause Triage stops with when the budget
 * runs out.
 */
public final class SystemFault extends RuntimeException {
    public SystemFault(String message, Throwable cause) {
        super(message, cause);
    }
}
