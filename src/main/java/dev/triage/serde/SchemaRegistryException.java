package dev.triage.serde;

/**
 * A failed schema registry request: the HTTP status, Confluent's {@code error_code} and message, and the
 * registry URL and subject (or schema id) it was about.
 *
 * <p>{@link #status()} is {@link #NO_RESPONSE} when no HTTP answer came at all (connection refused, timeout);
 * {@link #isUnavailable()} covers that and 5xx, the only failures the REST client retries.
 */
public class SchemaRegistryException extends RuntimeException {
    /** Status when the registry could not be reached at all. */
    public static final int NO_RESPONSE = -1;
    /** Error code when the answer carried none. */
    public static final int NO_ERROR_CODE = -1;

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;

    private final int status;
    private final int errorCode;
    private final String registryMessage;
    private final String registryUrl;
    private final String subject;

    /**
     * @param registryUrl the URL (or URLs) asked, without credentials
     * @param subject the subject the request was about, or null
     * @param about what the request was about when it was not a subject (e.g. "schema id 7"), or null
     */
    public SchemaRegistryException(int status, int errorCode, String registryMessage, String registryUrl,
            String subject, String about, Throwable cause) {
        super(describe(status, errorCode, registryMessage, registryUrl, subject, about), cause);
        this.status = status;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
        this.registryUrl = registryUrl;
        this.subject = subject;
    }

    private static String describe(int status, int errorCode, String message, String url, String subject,
            String about) {
        StringBuilder sb = new StringBuilder("schema registry ").append(url);
        if (subject != null) {
            sb.append(", subject ").append(subject);
        }
        if (about != null) {
            sb.append(", ").append(about);
        }
        sb.append(": ");
        if (status != NO_RESPONSE) {
            sb.append("HTTP ").append(status);
            if (errorCode != NO_ERROR_CODE) {
                sb.append(" error ").append(errorCode);
            }
            sb.append(": ");
        }
        return sb.append(message).toString();
    }

    /** HTTP status, or {@link #NO_RESPONSE}. */
    public int status() {
        return status;
    }

    /** Confluent error code (e.g. 40401), or {@link #NO_ERROR_CODE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's own message (or the I/O failure's), without the URL/subject prefix. */
    public String registryMessage() {
        return registryMessage;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** The subject, or null when the request was not about one. */
    public String subject() {
        return subject;
    }

    /** No answer or a 5xx answer: the registry is down or broken, not the request. */
    public boolean isUnavailable() {
        return status == NO_RESPONSE || status >= 500;
    }

    /** 404 with 40401 (subject), 40402 (version) or 40403 (schema). */
    public boolean isNotFound() {
        return status == 404;
    }
}
