package dev.triage.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What of a configuration must never be printed or logged: the values of keys naming a password, a secret, a JAAS
 * configuration (it holds SASL passwords), basic-auth user info, a PEM private key or a bearer token (prefixed keys
 * such as {@code producer.ssl.key.password} included), and the user info of a URL ({@code http://user:password@host}).
 */
public final class Secrets {
    public static final String HIDDEN = "[hidden]";

    private static final List<String> SECRET_KEY_PARTS = List.of("password", "secret", "sasl.jaas.config",
            "user.info", "ssl.keystore.key", "bearer.auth.token");
    private static final Pattern URL_USER_INFO = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s,]+@");

    private Secrets() {}

    /** Whether the value of {@code key} is secret. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_KEY_PARTS.stream().anyMatch(k::contains);
    }

    /** The value as it may be shown: {@link #HIDDEN} for a secret key, a URL's user info hidden otherwise. */
    public static String mask(String key, Object value) {
        if (isSecret(key)) {
            return HIDDEN;
        }
        return value == null ? "null" : URL_USER_INFO.matcher(value.toString()).replaceAll("$1" + HIDDEN + "@");
    }

    /** Every setting as it may be shown, sorted by key. */
    public static Map<String, String> masked(Map<String, ?> config) {
        Map<String, String> shown = new TreeMap<>();
        config.forEach((k, v) -> shown.put(k, mask(k, v)));
        return shown;
    }

    /** Every setting, {@code key=value}, one a line, sorted, secrets {@linkplain #mask masked}. */
    public static String lines(Map<String, ?> config) {
        return masked(config).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
    }
}
