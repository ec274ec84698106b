package dev.kassa.relay.delivery;

import dev.kassa.model.SsrfGuard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSRF check holds where it matters, at connect time: the relay's HTTP client resolves only through the checked
 * resolver, so it connects only to addresses the guard checked, for plain HTTP and for HTTPS, whatever a second DNS
 * answer would say. Host names are resolved by
 * a table here, so a DNS server that changes its answer (rebinding) can be played without one.
 */
class ConnectTimeGuardTest {

    private static final String PASSWORD = "changeit";
    @TempDir
    static Path keys;
    private static SSLContext serverTls;
    private static SSLContext clientTls;

    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private HttpDispatcher dispatcher;

    /** A key pair for merchant.test, made with the JDK's keytool, trusted by the dispatcher under test. */
    @BeforeAll
    static void certificate() throws Exception {
        Path store = keys.resolve("merchant.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "merchant", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=merchant.test",
                "-ext", "SAN=dns:merchant.test", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD.toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void plain_http_goes_to_the_checked_address_with_the_merchants_host_in_the_host_header() throws Exception {
        int port = startServer(false);
        // Rebinding: the first answer is allowed (loopback, development mode), every later one a private address.
        Rebinding dns = new Rebinding("127.0.0.1", "10.0.0.1");
        dispatcher = new HttpDispatcher(new SsrfGuard(true, dns), Duration.ofSeconds(5), Clock.systemUTC(), clientTls);

        Dispatcher.Outcome outcome = send("http://merchant.test:" + port + "/hooks/kassa?shop=1");

        assertThat(outcome.statusCode()).as(String.valueOf(outcome.error())).isEqualTo(200);
        assertThat(hosts).containsExactly("merchant.test:" + port + " /hooks/kassa?shop=1");
        assertThat(dns.calls.get()).as("resolved once, and that answer was the one connected to").isEqualTo(1);
    }

    @Test
    void plain_http_to_a_host_whose_first_answer_is_private_never_connects() throws Exception {
        int port = startServer(false);
        Rebinding dns = new Rebinding("10.0.0.1", "127.0.0.1");
        dispatcher = new HttpDispatcher(new SsrfGuard(true, dns), Duration.ofSeconds(5), Clock.systemUTC(), clientTls);

        Dispatcher.Outcome outcome = send("http://merchant.test:" + port + "/hooks");

        assertThat(outcome.statusCode()).isNull();
        assertThat(outcome.error()).isEqualTo("refused: merchant.test resolves to 10.0.0.1, a private address");
        assertThat(hosts).isEmpty();
    }

    @Test
    void https_goes_to_the_checked_address_with_tls_to_the_merchants_own_name() throws Exception {
        int port = startServer(true);
        dispatcher = new HttpDispatcher(new SsrfGuard(true, host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}),
                Duration.ofSeconds(5), Clock.systemUTC(), clientTls);

        Dispatcher.Outcome outcome = send("https://merchant.test:" + port + "/hooks");

        assertThat(outcome.statusCode()).as(String.valueOf(outcome.error())).isEqualTo(200);
        assertThat(hosts).containsExactly("merchant.test:" + port + " /hooks");
    }

    @Test
    void https_to_a_name_the_certificate_does_not_carry_fails_the_handshake() throws Exception {
        int port = startServer(true);
        dispatcher = new HttpDispatcher(new SsrfGuard(true, host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}),
                Duration.ofSeconds(5), Clock.systemUTC(), clientTls);

        Dispatcher.Outcome outcome = send("https://impostor.test:" + port + "/hooks");

        assertThat(outcome.statusCode()).isNull();
        assertThat(outcome.error()).contains("SSLHandshakeException");
        assertThat(hosts).isEmpty();
    }

    @Test
    void https_is_resolved_once_and_connected_to_that_checked_answer_whatever_dns_says_later() throws Exception {
        int port = startServer(true);
        // The first answer is checked (loopback, development mode); a rebinding server answers private from then on.
        Rebinding dns = new Rebinding("127.0.0.1", "10.0.0.1");
        dispatcher = new HttpDispatcher(new SsrfGuard(true, dns), Duration.ofSeconds(5), Clock.systemUTC(), clientTls);

        assertThat(send("https://merchant.test:" + port + "/hooks").statusCode()).isEqualTo(200);
        assertThat(send("https://merchant.test:" + port + "/hooks").statusCode()).isEqualTo(200);

        assertThat(dns.calls.get()).as("the client never resolves on its own: the checked answer is the one connected to").isEqualTo(1);
        assertThat(hosts).containsExactly("merchant.test:" + port + " /hooks", "merchant.test:" + port + " /hooks");
    }

    @Test
    void in_production_a_name_that_resolves_to_loopback_is_refused_for_http_and_https() throws Exception {
        int port = startServer(false);
        // The system resolver, as in production: "localhost" is 127.0.0.1 (and ::1).
        dispatcher = new HttpDispatcher(new SsrfGuard(false), Duration.ofSeconds(5), Clock.systemUTC(), clientTls);

        for (String scheme : List.of("http", "https")) {
            Dispatcher.Outcome outcome = send(scheme + "://localhost:" + port + "/hooks");
            assertThat(outcome.statusCode()).isNull();
            assertThat(outcome.reason()).isEqualTo(Dispatcher.Reason.REFUSED);
            assertThat(outcome.error()).startsWith("refused: localhost resolves to").contains("loopback");
        }
        assertThat(hosts).isEmpty();
    }

    @Test
    void the_clients_own_resolver_refuses_what_the_guard_refuses() throws Exception {
        // Where the connection is made: the connection manager asks this resolver, and only it, for addresses.
        CheckedDnsResolver resolver = new CheckedDnsResolver(new SsrfGuard(false,
                host -> new InetAddress[] {InetAddress.getByName(host.equals("metadata.test") ? "169.254.169.254" : "93.184.216.34")}));

        assertThat(resolver.resolve("shop.test")).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resolver.resolve("metadata.test"))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("refused").hasMessageContaining("link-local");
    }

    private Dispatcher.Outcome send(String url) throws Exception {
        return dispatcher.send(new Dispatcher.Request("evt_1_1", 1, "{\"ok\":true}".getBytes(), 1, url, "whsec_test", null, false))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private int startServer(boolean tls) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        if (tls) {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
            server = https;
        } else {
            server = HttpServer.create(loopback, 0);
        }
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hosts.add(exchange.getRequestHeaders().getFirst("Host") + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    /** A resolver whose first answer differs from every later one, the way a rebinding DNS server behaves. */
    private static final class Rebinding implements SsrfGuard.Resolver {
        private final String first;
        private final String later;
        final AtomicInteger calls = new AtomicInteger();

        Rebinding(String first, String later) {
            this.first = first;
            this.later = later;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return new InetAddress[] {InetAddress.getByName(calls.getAndIncrement() == 0 ? first : later)};
        }
    }
}
