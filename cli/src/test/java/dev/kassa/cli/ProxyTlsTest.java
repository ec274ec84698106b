package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.kassa.localkafka.FreePorts;
import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose proxy's configuration run by Debian's nginx, as compose runs it but on local ports: the certificate is
 * made by deploy/tls/make-cert.sh (and kept on a second start), HTTPS reaches the gateways with
 * {@code X-Forwarded-Proto: https}, plain HTTP only redirects, and {@code /admin} and {@code /metrics} are refused.
 * Skips, saying why, where nginx or openssl is missing ({@code ./kassa test} installs nginx-light when it can).
 */
class ProxyTlsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void the_proxy_serves_tls_redirects_http_and_refuses_the_operators_paths() throws Exception {
        String missing = !new File("/usr/sbin/nginx").canExecute() ? "nginx is not installed at /usr/sbin/nginx"
                : !new File("/usr/bin/openssl").canExecute() ? "openssl is not installed" : null;
        if (missing != null) {
            String reason = "SKIPPED ProxyTlsTest: " + missing + " (./kassa test installs Debian's nginx-light when it runs as root)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        Path tls = Files.createDirectories(dir.resolve("tls"));
        assertThat(run(tls, "sh", ROOT.resolve("deploy/tls/make-cert.sh").toString())).contains("made a self-signed certificate");
        assertThat(run(tls, "sh", ROOT.resolve("deploy/tls/make-cert.sh").toString())).contains("exists; kept");

        AtomicReference<String> forwardedProto = new AtomicReference<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/", exchange -> {
            forwardedProto.set(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"));
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        int http = FreePorts.pick();
        int https = FreePorts.pick();
        String site = Files.readString(ROOT.resolve("deploy/nginx.conf"))
                .replace("gateway-1:8080", "127.0.0.1:" + gateway.getAddress().getPort())
                .replace("gateway-2:8080", "127.0.0.1:" + gateway.getAddress().getPort())
                .replace("/etc/nginx/tls/", tls + "/")
                .replace("listen 443 ssl http2;", "listen 127.0.0.1:" + https + " ssl http2;")
                .replace("listen 80;", "listen 127.0.0.1:" + http + ";");
        Files.writeString(dir.resolve("site.conf"), site);
        Files.writeString(dir.resolve("nginx.conf"), """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events {}
                http {
                  access_log off;
                  client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fcgi;
                  uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                  include %1$s/site.conf;
                }
                """.formatted(dir));
        assertThat(run(dir, "/usr/sbin/nginx", "-t", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()))
                .contains("syntax is ok");
        Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-g", "daemon off;").redirectErrorStream(true).start();
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(tls.resolve("kassa.crt"))).build();
            // nginx binds its ports a moment after it starts.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> send(client, "https://localhost:" + https + "/gateway/status.php").statusCode() == 200);
            assertThat(forwardedProto.get()).isEqualTo("https");
            assertThat(send(client, "https://localhost:" + https + "/admin/merchants").statusCode()).isEqualTo(404);
            assertThat(send(client, "https://localhost:" + https + "/metrics/").statusCode()).isEqualTo(404);
            HttpResponse<String> plain = send(HttpClient.newHttpClient(), "http://localhost:" + http + "/gateway/status.php?session_id=1");
            assertThat(plain.statusCode()).isEqualTo(308);
            assertThat(plain.headers().firstValue("Location")).contains("https://localhost:8443/gateway/status.php?session_id=1");
        } finally {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
            gateway.stop(0);
        }
    }

    private static HttpResponse<String> send(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Trusts exactly the proxy's certificate, as a client of a self-signed deployment would. */
    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            store.setCertificateEntry("kassa", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Runs a command in {@code dir} with CERT_DIR set to it; returns its output after asserting it exited 0. */
    private static String run(Path dir, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("CERT_DIR", dir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}
