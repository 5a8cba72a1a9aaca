package dev.triage.testing;

import dev.triage.embedded.TlsStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority made with the JDK's {@code keytool} (no BouncyCastle): a CA, a trust store
 * holding it, a server key store for 127.0.0.1 and localhost, and client key stores, all PKCS12, all signed by the CA,
 * all with the password {@link #PASSWORD}; and {@linkplain #selfSignedClient self-signed} client key stores, which
 * no trust store accepts.
 */
public final class TestCertificates {
    public static final String PASSWORD = "test-store-secret";

    private final Path dir;
    private final Path caStore;
    private final Path caCert;
    private final Path trustStore;
    private final Path serverKeyStore;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caStore = dir.resolve("ca.p12");
        this.caCert = dir.resolve("ca.pem");
        this.trustStore = dir.resolve("truststore.p12");
        this.serverKeyStore = dir.resolve("server.p12");
    }

    /** A new CA in {@code dir} (created if missing), its trust store and a server key store. */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCertificates certs = new TestCertificates(dir);
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=Triage Test CA " + dir.getFileName(),
                "-ext", "bc:c", "-keystore", certs.caStore.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", certs.caStore.toString(),
                "-file", certs.caCert.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", certs.caCert.toString(),
                "-keystore", certs.trustStore.toString());
        certs.signed(certs.serverKeyStore, "localhost", "SAN=IP:127.0.0.1,DNS:localhost");
        return certs;
    }

    /** The trust store holding this CA. */
    public Path trustStore() {
        return trustStore;
    }

    /** The server's key store (CN=localhost, SAN IP:127.0.0.1 and DNS:localhost) and the trust store. */
    public TlsStores server() {
        return new TlsStores(serverKeyStore, PASSWORD, trustStore, PASSWORD);
    }

    /** A new client key store ({@code CN=name}) signed by this CA. */
    public Path client(String name) {
        Path store = dir.resolve("client-" + name + ".p12");
        signed(store, name, null);
        return store;
    }

    /** A client key store ({@code CN=name}) with a self-signed certificate, which no CA vouches for. */
    public static Path selfSignedClient(Path dir, String name) {
        Path store = dir.resolve("self-signed-" + name + ".p12");
        keytool("-genkeypair", "-alias", "key", "-dname", "CN=" + name, "-keystore", store.toString());
        return store;
    }

    /** A key pair in {@code store} whose certificate this CA signed, with the CA's certificate for the chain. */
    private void signed(Path store, String commonName, String subjectAlternativeNames) {
        Path request = dir.resolve(store.getFileName() + ".csr");
        Path certificate = dir.resolve(store.getFileName() + ".pem");
        keytool("-genkeypair", "-alias", "key", "-dname", "CN=" + commonName, "-keystore", store.toString());
        keytool("-certreq", "-alias", "key", "-keystore", store.toString(), "-file", request.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
                caStore.toString(), "-infile", request.toString(), "-outfile", certificate.toString()));
        if (subjectAlternativeNames != null) {
            sign.addAll(List.of("-ext", subjectAlternativeNames));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore",
                store.toString());
        keytool("-importcert", "-alias", "key", "-file", certificate.toString(), "-keystore", store.toString());
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                // a short-lived JVM: C1 only halves its time on a busy machine
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        command.addAll(List.of("-storetype", TlsStores.TYPE, "-storepass", PASSWORD));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: "
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
