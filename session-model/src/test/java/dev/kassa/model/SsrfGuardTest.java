package dev.kassa.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SsrfGuardTest {

    private final SsrfGuard production = new SsrfGuard(false);
    private final SsrfGuard development = new SsrfGuard(true);

    @ParameterizedTest(name = "{0} is refused ({1})")
    @CsvSource(textBlock = """
            127.0.0.1,        loopback
            127.255.0.7,      loopback
            ::1,              loopback
            ::ffff:127.0.0.1, loopback
            10.1.2.3,         private
            172.16.0.1,       private
            172.31.255.255,   private
            192.168.1.1,      private
            ::ffff:192.168.1.1, private
            169.254.169.254,  link-local
            fe80::1,          link-local
            100.64.0.1,       carrier-grade NAT
            192.0.2.10,       documentation
            198.51.100.10,    documentation
            203.0.113.10,     documentation
            2001:db8::1,      documentation
            198.18.0.1,       benchmarking
            224.0.0.1,        multicast
            ff02::1,          multicast
            240.0.0.1,        reserved
            255.255.255.255,  reserved
            0.0.0.0,          unspecified
            ::,               unspecified
            fd12:3456::1,     unique local
            192.0.0.8,        IETF
            ::10.0.0.1,       IPv4-compatible
            ::127.0.0.1,      IPv4-compatible
            64:ff9b:1::a00:1, local-use NAT64
            2002:a00:1::1,    6to4
            2002:7f00:1::1,   6to4
            fec0::1,          site-local
            """)
    void blocked_addresses(String address, String kind) throws Exception {
        assertThat(production.refusal(InetAddress.getByName(address))).get().asString().contains(kind);
    }

    @ParameterizedTest(name = "{0} is allowed")
    @CsvSource({"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"})
    void public_addresses_are_allowed(String address) throws Exception {
        assertThat(production.refusal(InetAddress.getByName(address))).isEmpty();
    }

    @Test
    void a_host_name_is_checked_by_what_it_resolves_to() {
        assertThat(production.refusal(URI.create("http://localhost:8080/hook"))).get().asString()
                .startsWith("localhost resolves to").contains("loopback");
    }

    @Test
    void development_mode_allows_loopback_and_nothing_else() throws Exception {
        assertThat(development.refusal(URI.create("http://127.0.0.1:9000/hook"))).isEmpty();
        assertThat(development.refusal(InetAddress.getByName("::ffff:127.0.0.1"))).isEmpty();
        assertThat(development.refusal(InetAddress.getByName("10.0.0.1"))).isPresent();
        assertThat(development.refusal(InetAddress.getByName("169.254.169.254"))).isPresent();
    }

    @Test
    void only_http_and_https_are_called() {
        assertThat(production.refusal(URI.create("ftp://example.com/hook"))).get().asString().contains("only http and https");
        assertThat(production.refusal(URI.create("file:///etc/passwd"))).isPresent();
    }
}
