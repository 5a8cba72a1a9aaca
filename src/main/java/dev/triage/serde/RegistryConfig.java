package dev.triage.serde;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Schema registry client and serde settings, parsed from a Kafka-style config map with Confluent's key names
 * (plus {@code schema.registry.request.timeout.ms}, {@code schema.registry.retries} and
 * {@code schema.registry.retry.backoff.ms}, which are Triage's own).
 *
 * @param urls registry base URLs, tried in turn; a single {@code mock://<scope>} selects
 *     {@link MockSchemaRegistryClient}
 * @param credentialsSource where basic-auth credentials come from
 * @param userInfo {@code user:password} for {@link CredentialsSource#USER_INFO}, else null
 * @param autoRegisterSchemas serializers register the record's schema (else they look it up)
 * @param useLatestVersion serializers write with the subject's latest registered schema instead
 * @param requestTimeout per HTTP request (also the connect timeout)
 * @param retries extra rounds over all URLs after the first, on connect errors, timeouts and 5xx
 * @param retryBackoff wait before the first retry; doubles each retry (capped at 10 s)
 * @param latestCacheTtl how long the client caches a subject's latest version; null means for ever
 * @param tls the {@code schema.registry.ssl.*} stores for https:// URLs; null for the JVM's defaults
 * @see #maxBlock()
 */
public record RegistryConfig(
        List<String> urls,
        CredentialsSource credentialsSource,
        String userInfo,
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        Duration requestTimeout,
        int retries,
        Duration retryBackoff,
        Duration latestCacheTtl,
        RegistryTls tls) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String RETRIES = "schema.registry.retries";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";

    public static final String MOCK_SCHEME = "mock://";
    /*
     * The defaults keep one call's worst case (maxBlock: 2 s x 2 + 0.2 s = 4.2 s) under half of the 10 s
     * transaction.timeout.ms Kafka Streams uses under exactly_once_v2: a stream thread blocked on the registry must
     * still commit its open transaction in time (see dev.triage.app.RegistryPreflight).
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_RETRIES = 1;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    /** The back-off doubles each retry up to this (or up to {@code retryBackoff} when that is longer). */
    public static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(10);

    /** Where the basic-auth credentials come from (Confluent's {@code basic.auth.credentials.source}). */
    public enum CredentialsSource {
        /** From {@code basic.auth.user.info}. */
        USER_INFO,
        /** From the user info of each URL ({@code http://user:password@host:port}); none when absent. */
        URL
    }

    public RegistryConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new ConfigException(URL, "", "at least one schema registry URL is required");
        }
        boolean anyMock = urls.stream().anyMatch(u -> u.startsWith(MOCK_SCHEME));
        if (anyMock && urls.size() > 1) {
            throw new ConfigException(URL, String.join(",", urls), "a mock:// URL cannot be combined with others");
        }
        for (String u : urls) {
            if (!u.startsWith(MOCK_SCHEME) && !u.startsWith("http://") && !u.startsWith("https://")) {
                throw new ConfigException(URL, u, "expected an http://, https:// or mock:// URL");
            }
        }
        if (anyMock && urls.get(0).length() == MOCK_SCHEME.length()) {
            throw new ConfigException(URL, urls.get(0), "mock:// needs a scope name, e.g. mock://my-test");
        }
        if (credentialsSource == CredentialsSource.USER_INFO && (userInfo == null || !userInfo.contains(":"))) {
            throw new ConfigException(USER_INFO, "(hidden)",
                    "basic.auth.credentials.source=USER_INFO needs basic.auth.user.info as user:password");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new ConfigException(REQUEST_TIMEOUT_MS, requestTimeout.toMillis(), "must be positive");
        }
        if (retries < 0) {
            throw new ConfigException(RETRIES, retries, "must be >= 0");
        }
        if (retryBackoff.isNegative()) {
            throw new ConfigException(RETRY_BACKOFF_MS, retryBackoff.toMillis(), "must be >= 0");
        }
    }

    /** Defaults for everything but the URL(s) (a comma-separated list). */
    public static RegistryConfig forUrl(String urls) {
        return fromMap(Map.of(URL, urls));
    }

    /** Parses the keys above from {@code configs}; other keys are ignored. Values may be strings or typed. */
    public static RegistryConfig fromMap(Map<String, ?> configs) {
        Object rawUrls = configs.get(URL);
        if (rawUrls == null) {
            throw new ConfigException(URL, null, "missing required config " + URL);
        }
        CredentialsSource source;
        String sourceName = string(configs, CREDENTIALS_SOURCE, CredentialsSource.URL.name());
        try {
            source = CredentialsSource.valueOf(sourceName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CREDENTIALS_SOURCE, sourceName, "supported: USER_INFO, URL");
        }
        long ttlSec = number(configs, LATEST_CACHE_TTL_SEC, -1);
        return new RegistryConfig(
                parseUrls(rawUrls),
                source,
                source == CredentialsSource.USER_INFO ? string(configs, USER_INFO, null) : null,
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false),
                Duration.ofMillis(number(configs, REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT.toMillis())),
                Math.toIntExact(number(configs, RETRIES, DEFAULT_RETRIES)),
                Duration.ofMillis(number(configs, RETRY_BACKOFF_MS, DEFAULT_RETRY_BACKOFF.toMillis())),
                ttlSec < 0 ? null : Duration.ofSeconds(ttlSec),
                RegistryTls.fromMap(configs));
    }

    /** True when this selects the in-memory registry. */
    public boolean isMock() {
        return urls.get(0).startsWith(MOCK_SCHEME);
    }

    /** The scope of a {@code mock://<scope>} URL. */
    public String mockScope() {
        if (!isMock()) {
            throw new IllegalStateException("not a mock:// registry: " + urls);
        }
        return urls.get(0).substring(MOCK_SCHEME.length());
    }

    /** The wait before retry round {@code round} (1-based): the back-off, doubled each round, capped. */
    public Duration backoff(int round) {
        long base = retryBackoff.toMillis();
        long cap = Math.max(base, MAX_RETRY_BACKOFF.toMillis());
        return Duration.ofMillis(Math.min(base << Math.min(round - 1, 20), cap));
    }

    /**
     * The longest one registry call can block its caller: {@code requestTimeout x (retries + 1)} plus every
     * back-off. The REST client gives up at this deadline however many URLs it has (they share the time).
     */
    public Duration maxBlock() {
        Duration total = requestTimeout.multipliedBy(retries + 1L);
        int round = 1;
        for (; round <= retries && round <= 21; round++) {
            total = total.plus(backoff(round));
        }
        // from round 21 on the back-off no longer doubles (see backoff)
        return round <= retries ? total.plus(backoff(round).multipliedBy(retries - round + 1L)) : total;
    }

    /** A copy with different retry settings. */
    public RegistryConfig withRetries(int newRetries, Duration newBackoff) {
        return new RegistryConfig(urls, credentialsSource, userInfo, autoRegisterSchemas, useLatestVersion,
                requestTimeout, newRetries, newBackoff, latestCacheTtl, tls);
    }

    /** Never shows the password (neither {@code basic.auth.user.info} nor one inside a URL). */
    @Override
    public String toString() {
        return "RegistryConfig[urls=" + urls.stream().map(RegistryConfig::withoutUserInfo).toList()
                + ", credentialsSource=" + credentialsSource
                + ", userInfo=" + (userInfo == null ? "none" : "(hidden)")
                + ", autoRegisterSchemas=" + autoRegisterSchemas
                + ", useLatestVersion=" + useLatestVersion
                + ", requestTimeout=" + requestTimeout
                + ", retries=" + retries
                + ", retryBackoff=" + retryBackoff
                + ", latestCacheTtl=" + (latestCacheTtl == null ? "forever" : latestCacheTtl)
                + (tls == null ? "" : ", tls=" + tls) + "]";
    }

    /** {@code http://user:pw@host:8081/} becomes {@code http://host:8081}. */
    static String withoutUserInfo(String url) {
        int schemeEnd = url.indexOf("://");
        int authorityEnd = url.indexOf('/', schemeEnd + 3);
        String authority = authorityEnd < 0 ? url.substring(schemeEnd + 3) : url.substring(schemeEnd + 3, authorityEnd);
        int at = authority.lastIndexOf('@');
        return at < 0 ? url : url.substring(0, schemeEnd + 3) + url.substring(schemeEnd + 3 + at + 1);
    }

    private static List<String> parseUrls(Object raw) {
        Collection<?> parts = raw instanceof Collection<?> c ? c : List.of(raw.toString().split(","));
        List<String> urls = new ArrayList<>();
        for (Object part : parts) {
            String u = part.toString().trim();
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            if (!u.isEmpty()) {
                urls.add(u);
            }
        }
        return urls;
    }

    private static String string(Map<String, ?> configs, String key, String dflt) {
        Object v = configs.get(key);
        return v == null ? dflt : v.toString();
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(key, v, "expected true or false");
    }

    private static long number(Map<String, ?> configs, String key, long dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a whole number");
        }
    }
}
